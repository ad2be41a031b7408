package io.github.deaddirections.cli;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.DirectionReport;
import io.github.deaddirections.report.GlobalReport;
import io.github.deaddirections.report.PlainWords;
import io.github.deaddirections.resolve.Phase;
import io.github.deaddirections.resolve.Resolution;
import io.github.deaddirections.report.StructureReport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read as one self-contained XHTML page: the global (lambda, m, nu) and dimension accounting,
 * the structures per layer, and for every direction its log-log plot of F_u(t) with the fitted
 * window and slope, and its class. No scripts, no external files: the page can be mailed,
 * attached to a CI run or opened offline; it parses as XML so tools can read it too.
 */
public final class HtmlReport {

    private static final String STYLE = """
            body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1100px; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; font-size: 0.9em; }
            th { background: #f4f4f4; }
            .class { font-weight: bold; padding: 0.1em 0.4em; border-radius: 3px; }
            .GENUINE_SINGULARITY { background: #fde0dc; }
            .FLAT_GAUGE { background: #e0ecfd; }
            .REGULAR { background: #e2f5e2; }
            .UNRESOLVED { background: #fff3c4; }
            figure { display: inline-block; margin: 0.5em 1em 1em 0; vertical-align: top; }
            figcaption { font-size: 0.85em; max-width: 440px; }
            .note { color: #666; }
            """;

    private HtmlReport() {
    }

    /**
     * @param config the settings of the read (to recover the fit windows)
     * @param source what was read, for the heading (model and probe file names)
     */
    public static String render(DeadDirectionReport r, ReadConfig config, String source) {
        Double threshold = r.spectrumSummary().map(DeadDirectionReport.SpectrumSummary::nullThreshold).orElse(null);
        StringBuilder h = new StringBuilder();
        h.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
        h.append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"UTF-8\"/>\n");
        h.append("<title>dead-directions read: ").append(Xml.escape(source)).append("</title>\n");
        h.append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
        h.append("<h1>dead-directions read</h1>\n<p>").append(Xml.escape(source)).append("</p>\n");
        summary(h, r);
        perLayer(h, r);
        h.append("<h2>Directions</h2>\n<p>Each plot is the directional Fisher F_u(t) against the radius t on log-log axes."
                + " Filled points are the window the order was fitted on; the dashed line has the fitted slope,"
                + " and the order estimate is k = 1 + slope / 2.</p>\n");
        for (StructureReport s : r.structures()) {
            h.append("<section>\n<h3>").append(Xml.escape(s.id())).append(' ').append(badge(s)).append("</h3>\n");
            h.append("<p>").append(Xml.escape(s.mechanism())).append(" in ").append(Xml.escape(String.join(", ", s.layers())))
                    .append(", dimension ").append(s.dimension()).append(", order ").append(Xml.number(toDouble(s.order())))
                    .append(", lambda_B ").append(Xml.number(s.learningCoefficient())).append(", m_B ")
                    .append(Xml.number(toDouble(s.multiplicity()))).append("</p>\n");
            io.github.deaddirections.report.PlainWords.describe(s).ifPresent(words ->
                    h.append("<p><strong>").append(Xml.escape(words)).append("</strong></p>\n"));
            if (s.directions().isEmpty()) {
                h.append("<p class=\"note\">No direction of this structure was read along a path.</p>\n");
            }
            int n = 0;
            for (DirectionReport d : s.directions()) {
                n++;
                String label = s.id() + " direction " + n + " (" + d.role() + ")";
                h.append("<figure>\n").append(LogLogPlot.svg(d, FitWindow.of(d, config, threshold), threshold, label));
                h.append("<figcaption>").append(Xml.escape(label)).append(": class ").append(badge(s))
                        .append(", order ").append(Xml.number(toDouble(d.order())))
                        .append(", k-hat ").append(Xml.number(d.orderEstimate()))
                        .append(", slope ").append(Xml.number(d.slope()))
                        .append(", R2 ").append(Xml.number(d.fitR2()));
                if (!d.note().isEmpty()) {
                    h.append(" <span class=\"note\">").append(Xml.escape(d.note())).append("</span>");
                }
                h.append("</figcaption>\n</figure>\n");
            }
            h.append("</section>\n");
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, DeadDirectionReport r) {
        GlobalReport g = r.global();
        h.append("<h2>Learning coefficient</h2>\n<table>\n");
        h.append("<tr><th></th><th>lambda(inf), m(inf): exact at these parameters</th><th>lambda(n), m(n): at sample size n</th></tr>\n");
        Resolution res = r.resolution();
        h.append("<tr><td>lambda (learning coefficient), m</td><td>").append(Xml.number(g.learningCoefficient())).append(g.exact() ? "" : " (an upper bound)")
                .append(", m = ").append(g.multiplicity()).append("</td><td>")
                .append(res == null || res.learningCoefficient() == null ? "-" : Xml.number(res.learningCoefficient()) + ", m = "
                        + res.multiplicity())
                .append(res == null ? "" : Xml.escape(" (n = " + res.sampleSize() + ", " + res.sampleSizeSource() + ")"))
                .append("</td></tr>\n");
        h.append("<tr><td>what it means</td><td>").append(Xml.escape(PlainWords.exactCoefficient())).append("</td><td>")
                .append(Xml.escape(PlainWords.sampleCoefficient())).append("</td></tr>\n");
        if (res != null && res.noiseVariance() != null) {
            row(h, "noise variance", Xml.number(res.noiseVariance()) + " (" + Xml.escape(res.noiseVarianceSource()) + ")");
        }
        if (res != null && !res.note().isEmpty()) {
            row(h, "lambda(n) not computed", Xml.escape(res.note()));
        }
        row(h, "nu (singular fluctuation)", g.singularFluctuation() == null ? "per structure (below)"
                : Xml.number(g.singularFluctuation()));
        row(h, "parameters P", Integer.toString(r.parameters()));
        row(h, "probe samples N", Integer.toString(r.probeSamples()));
        row(h, "Fisher rank", r.fisherRank() == null ? "not computed (structural detectors only)" : r.fisherRank().toString());
        row(h, "regular dimension", Integer.toString(g.regularDimension()));
        row(h, "gauge dimension", Integer.toString(g.gaugeDimension()));
        row(h, "genuine structures", Integer.toString(g.genuineStructures()));
        row(h, "unresolved directions", Integer.toString(g.unresolvedDirections()));
        if (!g.uncoveredLayers().isEmpty()) {
            row(h, "layers no detector understands", String.join(", ", g.uncoveredLayers()));
        }
        for (String skip : g.skippedDetectors()) {
            row(h, "detector skipped", skip);
        }
        r.spectrumSummary().ifPresent(s -> row(h, "null threshold (Fisher scale)", Xml.number(s.nullThreshold()) + " ("
                + Xml.number(s.fisherScale()) + "), gap " + Xml.number(s.gapDecades()) + " decades"
                + (s.narrowGap() ? ": narrow, the rank is uncertain" : "")));
        row(h, "read time", Xml.number(r.timing().totalMillis()) + " ms, " + r.timing().forwardPasses() + " forward passes");
        if (res != null) {
            row(h, "resolution time", Xml.number(res.millis()) + " ms, " + res.forwardPasses() + " forward passes");
        }
        h.append("</table>\n");
        if (res != null && !res.phases().isEmpty()) {
            phases(h, res);
        }
    }

    /** The phases lambda(n) compared (METHOD 8), the chosen one marked. */
    private static void phases(StringBuilder h, Resolution res) {
        h.append("<h2>Phases at n = ").append(res.sampleSize()).append("</h2>\n<p>F_n(phase) - F_n(theta-hat) = n K + (lambda* - lambda)"
                + " log n - (m* - m) log log n; the lowest wins. ").append(res.phasesNotRead())
                .append(" snaps were not read (they could not win, were predicted to lose, or were beyond the 4 exact reads).</p>\n<table>\n")
                .append("<tr><th></th><th>snapped structures</th><th>K</th><th>lambda</th><th>m</th><th>delta lambda</th>"
                        + "<th>delta F_n</th></tr>\n");
        for (Phase p : res.phases()) {
            h.append("<tr><td>").append(p.chosen() ? "chosen" : p.eligible() ? "" : "(left the locus)").append("</td><td>")
                    .append(Xml.escape(p.structures().isEmpty() ? "theta-hat (nothing snapped)" : String.join(" + ", p.structures())))
                    .append("</td><td>").append(Xml.number(p.kl())).append("</td><td>").append(Xml.number(p.learningCoefficient()))
                    .append("</td><td>").append(p.multiplicity()).append("</td><td>").append(Xml.number(p.deltaLambda()))
                    .append("</td><td>").append(Xml.number(p.deltaFreeEnergy())).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** Structures grouped by the layers they touch, in the order layers first appear. */
    private static void perLayer(StringBuilder h, DeadDirectionReport r) {
        Map<String, List<StructureReport>> byLayer = new LinkedHashMap<>();
        for (StructureReport s : r.structures()) {
            for (String layer : s.layers()) {
                byLayer.computeIfAbsent(layer, k -> new ArrayList<>()).add(s);
            }
        }
        h.append("<h2>Structures per layer</h2>\n<table>\n<tr><th>layer</th><th>structure</th><th>mechanism</th>"
                + "<th>class</th><th>dim</th><th>k</th><th>lambda_B</th><th>m_B</th><th>nu_B</th></tr>\n");
        for (Map.Entry<String, List<StructureReport>> e : byLayer.entrySet()) {
            for (StructureReport s : e.getValue()) {
                h.append("<tr><td>").append(Xml.escape(e.getKey())).append("</td><td>").append(Xml.escape(s.id()))
                        .append("</td><td>").append(Xml.escape(s.mechanism())).append("</td><td>").append(badge(s))
                        .append("</td><td>").append(s.dimension()).append("</td><td>").append(Xml.number(toDouble(s.order())))
                        .append("</td><td>").append(Xml.number(s.learningCoefficient())).append(s.exact() ? "" : " (bound)")
                        .append("</td><td>").append(Xml.number(toDouble(s.multiplicity())))
                        .append("</td><td>").append(Xml.number(s.singularFluctuation())).append("</td></tr>\n");
            }
        }
        if (byLayer.isEmpty()) {
            h.append("<tr><td colspan=\"9\">no structures</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static String badge(StructureReport s) {
        String c = s.structureClass().name();
        return "<span class=\"class " + c + "\">" + c + "</span>";
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(Xml.escape(name)).append("</th><td>").append(Xml.escape(value)).append("</td></tr>\n");
    }

    private static Double toDouble(Integer v) {
        return v == null ? null : v.doubleValue();
    }
}
