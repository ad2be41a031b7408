package io.github.deaddirections.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The loss traces of an SGLD estimate as inline SVG, one line per chain: each recorded draw's
 * nβ·(L(w_t) − L_n(w*)) against the draw index. On that scale a chain's λ̂ is the mean of its
 * line, the checkpoint's loss is the zero line, and the things to look for are plain: a line
 * still rising or falling at the right edge (drift), lines at different heights (chains that
 * disagree), a line below zero (the chain found lower loss than the checkpoint: not a local
 * minimum), a line that stops (diverged).
 *
 * <p>Long traces are drawn as the means of consecutive buckets of draws (at most {@link #MAX_POINTS}
 * points per chain): a bucket mean keeps the level and the drift and drops only the draw-to-draw
 * noise, which the chain spread in the caption already reports.
 */
final class TracePlot {

    static final String CSS_CLASS = "trace-plot";

    /** Points per chain at most; more adds file size and no information at this width. */
    static final int MAX_POINTS = 300;

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
            "#e377c2", "#17becf"};
    private static final double WIDTH = 520;
    private static final double HEIGHT = 280;
    private static final double LEFT = 62;
    private static final double RIGHT = 14;
    private static final double TOP = 14;
    private static final double BOTTOM = 44;

    private TracePlot() {
    }

    /**
     * One bucketed series: the draw index at each bucket's centre and the bucket's mean. The
     * series ends before the first non-finite value (a diverged chain has no mean after it).
     */
    record Series(double[] draw, double[] value, int firstNonFinite) {
    }

    /**
     * @param trace     recorded losses of one chain, in NLL units
     * @param anchor    L_n(w*)
     * @param nBeta     nβ
     * @param maxPoints buckets at most
     */
    static Series series(double[] trace, double anchor, double nBeta, int maxPoints) {
        int finite = 0;
        while (finite < trace.length && Double.isFinite(trace[finite])) {
            finite++;
        }
        int bucket = Math.max(1, (int) Math.ceil(finite / (double) maxPoints));
        int count = (finite + bucket - 1) / bucket;
        double[] draw = new double[count];
        double[] value = new double[count];
        for (int b = 0; b < count; b++) {
            int from = b * bucket;
            int to = Math.min(finite, from + bucket);
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += trace[i] - anchor;
            }
            draw[b] = (from + to - 1) / 2.0;
            value[b] = nBeta * sum / (to - from);
        }
        return new Series(draw, value, finite < trace.length ? finite : -1);
    }

    /**
     * @param traces    per chain, the recorded losses
     * @param perChain  per chain, its λ̂ (for the legend)
     * @param label     accessible title of the plot
     */
    static String svg(double[][] traces, double[] perChain, double anchor, double nBeta, String label) {
        List<Series> all = new ArrayList<>();
        int draws = 0;
        double yMin = 0;
        double yMax = 0;
        for (double[] t : traces) {
            Series s = series(t, anchor, nBeta, MAX_POINTS);
            all.add(s);
            draws = Math.max(draws, t.length);
            for (double v : s.value()) {
                yMin = Math.min(yMin, v);
                yMax = Math.max(yMax, v);
            }
        }
        if (yMax - yMin <= 0) {
            yMax = yMin + 1;
        }
        Axis x = Axis.of(0, Math.max(1, draws - 1));
        Axis y = Axis.of(yMin, yMax);

        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\""
                        + " role=\"img\" aria-label=\"%s\">%n", CSS_CLASS, WIDTH, HEIGHT, WIDTH, HEIGHT, Xml.escape(label)));
        s.append("<title>").append(Xml.escape(label)).append("</title>\n");
        axes(s, x, y);
        double zero = py(y, 0);
        s.append(line(LEFT, zero, WIDTH - RIGHT, zero, "#777777", "4,3"));
        s.append(text(WIDTH - RIGHT - 4, zero - 4, "end", "#777777", "checkpoint loss"));
        // A pale box behind the legend keeps it legible over the lines.
        s.append(String.format(Locale.ROOT,
                "<rect x=\"%s\" y=\"%s\" width=\"210\" height=\"%s\" fill=\"#ffffff\" fill-opacity=\"0.8\"/>%n",
                Xml.coord(LEFT + 4), Xml.coord(TOP + 3), Xml.coord(13.0 * all.size() + 4)));
        for (int c = 0; c < all.size(); c++) {
            Series ser = all.get(c);
            String colour = COLOURS[c % COLOURS.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < ser.draw().length; i++) {
                points.append(i == 0 ? "" : " ").append(Xml.coord(px(x, ser.draw()[i]))).append(',')
                        .append(Xml.coord(py(y, ser.value()[i])));
            }
            s.append("<polyline class=\"chain\" fill=\"none\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"1.2\" points=\"").append(points).append("\"/>\n");
            String legend = String.format(Locale.ROOT, "chain %d: %s%s", c + 1,
                    c < perChain.length ? "lambda-hat " + Xml.number(perChain[c]) : "",
                    ser.firstNonFinite() >= 0 ? ", diverged at draw " + ser.firstNonFinite() : "");
            s.append(text(LEFT + 8, TOP + 14 + 13 * c, "start", colour, legend));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static void axes(StringBuilder s, Axis x, Axis y) {
        s.append(String.format(Locale.ROOT,
                "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"#ffffff\" stroke=\"#333333\"/>%n",
                Xml.coord(LEFT), Xml.coord(TOP), Xml.coord(WIDTH - LEFT - RIGHT), Xml.coord(HEIGHT - TOP - BOTTOM)));
        for (double v = x.min(); v <= x.max() + x.step() * 1e-9; v += x.step()) {
            double px = px(x, v);
            s.append(line(px, TOP, px, HEIGHT - BOTTOM, "#eeeeee", null));
            s.append(text(px, HEIGHT - BOTTOM + 14, "middle", "#333333", Xml.number(v)));
        }
        for (double v = y.min(); v <= y.max() + y.step() * 1e-9; v += y.step()) {
            double py = py(y, v);
            s.append(line(LEFT, py, WIDTH - RIGHT, py, "#eeeeee", null));
            s.append(text(LEFT - 4, py + 4, "end", "#333333", Xml.number(v)));
        }
        s.append(text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8, "middle", "#333333", "recorded draw"));
        s.append(String.format(Locale.ROOT,
                "<text x=\"12\" y=\"%s\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333333\" transform=\"rotate(-90 12 %s)\">"
                        + "n*beta * (L(w_t) - L_n(w*))</text>%n",
                Xml.coord((TOP + HEIGHT - BOTTOM) / 2), Xml.coord((TOP + HEIGHT - BOTTOM) / 2)));
    }

    static double px(Axis x, double v) {
        return LEFT + (v - x.min()) / (x.max() - x.min()) * (WIDTH - LEFT - RIGHT);
    }

    static double py(Axis y, double v) {
        return HEIGHT - BOTTOM - (v - y.min()) / (y.max() - y.min()) * (HEIGHT - TOP - BOTTOM);
    }

    /** A linear axis widened to round ticks: a step of 1, 2 or 5 times a power of ten, at most about eight ticks. */
    record Axis(double min, double max, double step) {
        static Axis of(double lo, double hi) {
            double raw = (hi - lo) / 8;
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = raw <= power ? power : raw <= 2 * power ? 2 * power : raw <= 5 * power ? 5 * power : 10 * power;
            return new Axis(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
        }
    }

    private static String line(double x1, double y1, double x2, double y2, String colour, String dash) {
        return String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"1\"%s/>%n",
                Xml.coord(x1), Xml.coord(y1), Xml.coord(x2), Xml.coord(y2), colour,
                dash == null ? "" : " stroke-dasharray=\"" + dash + "\"");
    }

    private static String text(double x, double y, String anchor, String colour, String content) {
        return String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" font-size=\"11\" text-anchor=\"%s\" fill=\"%s\">%s</text>%n",
                Xml.coord(x), Xml.coord(y), anchor, colour, Xml.escape(content));
    }
}
