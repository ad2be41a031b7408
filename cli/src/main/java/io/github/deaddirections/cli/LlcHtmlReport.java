package io.github.deaddirections.cli;

import io.github.deaddirections.llc.Calibration;
import io.github.deaddirections.llc.LlcEstimate;
import io.github.deaddirections.llc.LlcSettings;
import io.github.deaddirections.llc.TraceHealth;

import java.util.Locale;

/**
 * An SGLD estimate, or a calibration sweep, as one self-contained XHTML page: the estimate with
 * its settings and trace health, and the loss traces per chain as plots ({@link TracePlot}), one
 * plot per swept setting for a sweep. Like the read's {@link HtmlReport}: no scripts, no external
 * files, parseable as XML.
 */
final class LlcHtmlReport {

    private static final String STYLE = """
            body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1100px; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; font-size: 0.9em; }
            th { background: #f4f4f4; }
            .healthy { background: #e2f5e2; }
            .unhealthy { background: #fde0dc; }
            figure { display: inline-block; margin: 0.5em 1em 1em 0; vertical-align: top; }
            figcaption { font-size: 0.85em; max-width: 520px; }
            """;

    private static final String HOW_TO_READ = "Each line is one chain: every recorded draw's n*beta * (L(w_t) - L_n(w*)),"
            + " so a chain's lambda-hat is the mean height of its line and the dashed line is the checkpoint's loss."
            + " A healthy trace is flat from the left edge on, and all chains lie at the same height. A line still"
            + " rising or falling at the right edge is drifting (more draws, or a larger step size); lines at different"
            + " heights disagree (more draws); a line below zero found lower loss than the checkpoint (it is not a local"
            + " minimum: a stronger localization, or train further); a line that stops diverged (a smaller step size).";

    private LlcHtmlReport() {
    }

    /** One estimate with its traces. */
    static String render(LlcEstimate e, String source) {
        TraceHealth health = TraceHealth.of(e);
        StringBuilder h = head("dead-directions llc: " + source);
        h.append("<h1>SGLD local learning coefficient</h1>\n<p>").append(Xml.escape(source)).append("</p>\n");
        h.append("<table>\n");
        row(h, "lambda-hat", Xml.number(e.mean()) + " +- " + Xml.number(e.standardError()) + " (standard error)");
        row(h, "chain sd", Xml.number(e.standardDeviation()));
        row(h, "per chain", perChain(e.perChain()));
        h.append("<tr><th>trace health</th><td class=\"").append(health.healthy() ? "healthy" : "unhealthy").append("\">")
                .append(Xml.escape(health.verdict())).append(String.format(Locale.ROOT, " (R-hat %s, drift %s)",
                        Xml.number(health.rHat()), Xml.number(health.drift()))).append("</td></tr>\n");
        row(h, "parameters d", Integer.toString(e.parameters()));
        row(h, "samples n", Integer.toString(e.samples()));
        row(h, "n*beta", Xml.number(e.nBeta()));
        row(h, "L_n(w*)", Xml.number(e.anchorLoss()));
        row(h, "settings", settings(e.settings()));
        if (!e.stripped().isEmpty()) {
            row(h, "left out of the likelihood", String.join(", ", e.stripped()));
        }
        row(h, "cost", String.format(Locale.ROOT, "%d forward + %d backward passes, %.1f s", e.cost().forwardPasses(),
                e.cost().backwardPasses(), e.cost().millis() / 1000));
        h.append("</table>\n<h2>Loss traces</h2>\n<p>").append(Xml.escape(HOW_TO_READ)).append("</p>\n");
        figure(h, e, "loss traces per chain", "loss traces per chain (" + e.lossTrace().length + " chains)");
        return h.append("</body>\n</html>\n").toString();
    }

    /** A sweep: the settings table with the recommendation, then every setting's traces. */
    static String render(Calibration.Result result, String source) {
        StringBuilder h = head("dead-directions llc --calibrate: " + source);
        h.append("<h1>SGLD calibration sweep</h1>\n<p>").append(Xml.escape(source)).append("</p>\n");
        h.append("<table>\n<tr><th>step size</th><th>localization</th><th>draws</th><th>lambda-hat</th>"
                + "<th>chain sd</th><th>health</th></tr>\n");
        for (Calibration.Point p : result.points()) {
            h.append("<tr><td>").append(Xml.number(p.stepSize())).append("</td><td>").append(Xml.number(p.localization()))
                    .append("</td><td>").append(p.settings().draws()).append("</td><td>")
                    .append(Xml.number(p.estimate().mean())).append("</td><td>")
                    .append(Xml.number(p.estimate().standardDeviation())).append("</td><td class=\"")
                    .append(p.health().healthy() ? "healthy" : "unhealthy").append("\">")
                    .append(Xml.escape(p.health().verdict())).append("</td></tr>\n");
        }
        h.append("</table>\n<p><strong>");
        h.append(Xml.escape(result.recommended()
                .map(r -> "Recommended: --step-size " + r.stepSize() + " --localization " + r.localization()
                        + (result.onPlateau() ? "" : " (not on a plateau: confirm with more draws)"))
                .orElse("No setting recommended.")));
        h.append("</strong> ").append(Xml.escape(result.reason())).append("</p>\n");
        result.extrapolated().ifPresent(a -> h.append("<p>lambda-hat extrapolated to step size 0 (first-order step bias"
                + " removed, through the healthy steps from the recommended one up): ").append(Xml.number(a)).append("</p>\n"));
        h.append("<h2>Loss traces per setting</h2>\n<p>").append(Xml.escape(HOW_TO_READ)).append("</p>\n");
        for (Calibration.Point p : result.points()) {
            String label = String.format(Locale.ROOT, "step size %s, localization %s", Xml.number(p.stepSize()),
                    Xml.number(p.localization()));
            figure(h, p.estimate(), label, label + ": lambda-hat " + Xml.number(p.estimate().mean())
                    + ", " + p.health().verdict());
        }
        return h.append("</body>\n</html>\n").toString();
    }

    private static void figure(StringBuilder h, LlcEstimate e, String label, String caption) {
        h.append("<figure>\n").append(TracePlot.svg(e.lossTrace(), e.perChain(), e.anchorLoss(), e.nBeta(), label));
        h.append("<figcaption>").append(Xml.escape(caption)).append("</figcaption>\n</figure>\n");
    }

    private static StringBuilder head(String title) {
        StringBuilder h = new StringBuilder();
        h.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
        h.append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"UTF-8\"/>\n");
        h.append("<title>").append(Xml.escape(title)).append("</title>\n");
        return h.append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
    }

    private static String perChain(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.length() == 0 ? "" : ", ").append(Xml.number(v));
        }
        return sb.toString();
    }

    private static String settings(LlcSettings s) {
        return String.format(Locale.ROOT, "step size %s, localization %s, %d chains x %d draws after %d burn-in, batch %s,"
                        + " seed %d", Xml.number(s.stepSize()), Xml.number(s.localization()), s.chains(), s.draws(),
                s.burnIn(), s.batchSize() == Integer.MAX_VALUE ? "full" : Integer.toString(s.batchSize()), s.seed());
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(Xml.escape(name)).append("</th><td>").append(Xml.escape(value)).append("</td></tr>\n");
    }
}
