package io.github.deaddirections.cli;

import io.github.deaddirections.report.DirectionReport;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One direction's log-log plot as inline SVG: the directional Fisher F_u(t) against the radius t,
 * the points of the fit window filled, the fitted line with the read's slope, and the null
 * threshold. Radii where F_u is 0 (or not finite) have no logarithm; they are counted in the
 * caption instead of drawn. Plain SVG keeps the HTML self-contained and XML-parseable.
 */
final class LogLogPlot {

    static final String CSS_CLASS = "fisher-plot";

    private static final double WIDTH = 440;
    private static final double HEIGHT = 270;
    private static final double LEFT = 62;
    private static final double RIGHT = 14;
    private static final double TOP = 14;
    private static final double BOTTOM = 44;

    private LogLogPlot() {
    }

    /**
     * @param nullThreshold the read's null threshold, drawn when known
     * @param label         accessible title of the plot
     */
    static String svg(DirectionReport d, Optional<FitWindow> fit, Double nullThreshold, String label) {
        List<double[]> points = new ArrayList<>(); // {log10 t, log10 F, index}
        int hidden = 0;
        for (int i = 0; i < d.radii().size(); i++) {
            Double t = d.radii().get(i);
            Double f = d.fisher().get(i);
            if (t != null && f != null && t > 0 && f > 0 && Double.isFinite(t) && Double.isFinite(f)) {
                points.add(new double[]{Math.log10(t), Math.log10(f), i});
            } else {
                hidden++;
            }
        }
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Double t : d.radii()) {
            if (t != null && t > 0 && Double.isFinite(t)) {
                xMin = Math.min(xMin, Math.log10(t));
                xMax = Math.max(xMax, Math.log10(t));
            }
        }
        for (double[] p : points) {
            yMin = Math.min(yMin, p[1]);
            yMax = Math.max(yMax, p[1]);
        }
        boolean threshold = nullThreshold != null && nullThreshold > 0 && Double.isFinite(nullThreshold);
        if (threshold) {
            yMin = Math.min(yMin, Math.log10(nullThreshold));
            yMax = Math.max(yMax, Math.log10(nullThreshold));
        }
        if (!Double.isFinite(xMin)) {
            xMin = -3;
            xMax = -1;
        }
        if (!Double.isFinite(yMin)) {
            yMin = -1;
            yMax = 1;
        }
        // Whole decades at the edges, at least one decade tall and wide.
        xMin = Math.floor(xMin);
        xMax = Math.max(Math.ceil(xMax), xMin + 1);
        yMin = Math.floor(yMin);
        yMax = Math.max(Math.ceil(yMax), yMin + 1);
        Frame fr = new Frame(xMin, xMax, yMin, yMax);

        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\""
                        + " role=\"img\" aria-label=\"%s\">%n", CSS_CLASS, WIDTH, HEIGHT, WIDTH, HEIGHT, Xml.escape(label)));
        s.append("<title>").append(Xml.escape(label)).append("</title>\n");
        axes(s, fr);
        if (threshold) {
            double y = fr.y(Math.log10(nullThreshold));
            s.append(line(LEFT, y, WIDTH - RIGHT, y, "#999999", "2,3"));
            // Label above the line, or below it when the line runs along the top of the frame.
            s.append(text(WIDTH - RIGHT - 4, y - TOP < 16 ? y + 13 : y - 4, "end", "#777777", "null threshold"));
        }
        if (points.size() > 1) {
            StringBuilder path = new StringBuilder();
            for (double[] p : points) {
                path.append(path.length() == 0 ? "" : " ").append(Xml.coord(fr.x(p[0]))).append(',').append(Xml.coord(fr.y(p[1])));
            }
            s.append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.2\" points=\"").append(path).append("\"/>\n");
        }
        for (double[] p : points) {
            int i = (int) p[2];
            boolean inWindow = fit.isPresent() && i >= fit.get().start() && i <= fit.get().end();
            s.append(String.format(Locale.ROOT, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" stroke=\"#1f77b4\" fill=\"%s\"/>%n",
                    Xml.coord(fr.x(p[0])), Xml.coord(fr.y(p[1])), inWindow ? "#1f77b4" : "#ffffff"));
        }
        fit.ifPresent(w -> fittedLine(s, fr, d, w));
        if (points.isEmpty()) {
            s.append(text((LEFT + WIDTH - RIGHT) / 2, (TOP + HEIGHT - BOTTOM) / 2, "middle", "#555555",
                    "F_u is 0 at every radius (flat)"));
        } else if (hidden > 0) {
            s.append(text(LEFT + 6, TOP + 28, "start", "#555555", hidden + " radii with F_u = 0 not drawn"));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /** The fitted line over the window (with the read's slope), dashed, and its slope as a label. */
    private static void fittedLine(StringBuilder s, Frame fr, DirectionReport d, FitWindow w) {
        double t0 = d.radii().get(w.start());
        double t1 = d.radii().get(w.end());
        double y0 = w.logFisherAt(t0) / Math.log(10);
        double y1 = w.logFisherAt(t1) / Math.log(10);
        s.append(line(fr.x(Math.log10(t0)), fr.y(y0), fr.x(Math.log10(t1)), fr.y(y1), "#d62728", "6,3", 2));
        String what = String.format(Locale.ROOT, "slope %.3f, k-hat %.2f%s", w.slope(), 1 + w.slope() / 2,
                w.exact() ? " (fit window)" : " (window approx.)");
        s.append(text(LEFT + 6, TOP + 14, "start", "#d62728", what));
    }

    private static void axes(StringBuilder s, Frame fr) {
        s.append(String.format(Locale.ROOT,
                "<rect x=\"%s\" y=\"%s\" width=\"%s\" height=\"%s\" fill=\"#ffffff\" stroke=\"#333333\"/>%n",
                Xml.coord(LEFT), Xml.coord(TOP), Xml.coord(WIDTH - LEFT - RIGHT), Xml.coord(HEIGHT - TOP - BOTTOM)));
        int xStep = step(fr.xMax - fr.xMin);
        for (double e = fr.xMin; e <= fr.xMax + 1e-9; e += xStep) {
            double x = fr.x(e);
            s.append(line(x, TOP, x, HEIGHT - BOTTOM, "#eeeeee", null));
            s.append(text(x, HEIGHT - BOTTOM + 14, "middle", "#333333", decade(e)));
        }
        int yStep = step(fr.yMax - fr.yMin);
        for (double e = fr.yMin; e <= fr.yMax + 1e-9; e += yStep) {
            double y = fr.y(e);
            s.append(line(LEFT, y, WIDTH - RIGHT, y, "#eeeeee", null));
            s.append(text(LEFT - 4, y + 4, "end", "#333333", decade(e)));
        }
        s.append(text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8, "middle", "#333333", "radius t"));
        s.append(String.format(Locale.ROOT,
                "<text x=\"12\" y=\"%s\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333333\" transform=\"rotate(-90 12 %s)\">"
                        + "directional Fisher F_u(t)</text>%n",
                Xml.coord((TOP + HEIGHT - BOTTOM) / 2), Xml.coord((TOP + HEIGHT - BOTTOM) / 2)));
    }

    /** Decades between labelled ticks, so that at most about eight ticks show. */
    private static int step(double decades) {
        return Math.max(1, (int) Math.ceil(decades / 8));
    }

    private static String decade(double exponent) {
        return "1e" + Math.round(exponent);
    }

    private static String line(double x1, double y1, double x2, double y2, String colour, String dash) {
        return line(x1, y1, x2, y2, colour, dash, 1);
    }

    private static String line(double x1, double y1, double x2, double y2, String colour, String dash, double width) {
        return String.format(Locale.ROOT, "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-width=\"%s\"%s/>%n",
                Xml.coord(x1), Xml.coord(y1), Xml.coord(x2), Xml.coord(y2), colour, Xml.number(width),
                dash == null ? "" : " stroke-dasharray=\"" + dash + "\"");
    }

    private static String text(double x, double y, String anchor, String colour, String content) {
        return String.format(Locale.ROOT, "<text x=\"%s\" y=\"%s\" font-size=\"11\" text-anchor=\"%s\" fill=\"%s\">%s</text>%n",
                Xml.coord(x), Xml.coord(y), anchor, colour, Xml.escape(content));
    }

    /** Maps log10 coordinates onto the plot area. */
    private record Frame(double xMin, double xMax, double yMin, double yMax) {
        double x(double log10t) {
            return LEFT + (log10t - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
        }

        double y(double log10f) {
            return HEIGHT - BOTTOM - (log10f - yMin) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM);
        }
    }
}
