package io.github.deaddirections.llcbench;

import io.github.deaddirections.llc.LlcEstimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark's Markdown table and its verdict on issue 6's two targets. */
final class BenchmarkTable {

    private final List<String> rows = new ArrayList<>();
    private boolean cheaperEverywhere = true;
    private boolean leanCheaperEverywhere = true;
    private boolean moreAccurateEverywhere = true;
    private double smallestPassRatio = Double.POSITIVE_INFINITY;
    private double smallestLeanRatio = Double.POSITIVE_INFINITY;

    void row(String cell, String setting, double truth, LlcVersusReadBenchmark.ReadRun read,
             LlcVersusReadBenchmark.ReadRun lean, LlcEstimate sgld, String note) {
        boolean closedForm = !Double.isNaN(truth);
        double readError = Math.abs(read.lambda() - truth);
        double sgldError = Math.abs(sgld.mean() - truth);
        double passRatio = (double) sgld.cost().passes() / read.passes();
        smallestPassRatio = Math.min(smallestPassRatio, passRatio);
        cheaperEverywhere &= passRatio >= 20;
        double leanRatio = (double) sgld.cost().passes() / lean.passes();
        smallestLeanRatio = Math.min(smallestLeanRatio, leanRatio);
        leanCheaperEverywhere &= leanRatio >= 20;
        if (lean.lambda() != read.lambda()) {
            note = "lean read lambda " + lean.lambda() + "; " + note;
        }
        if (closedForm) {
            moreAccurateEverywhere &= readError < sgldError;
        }
        String notes = (closedForm ? "" : "read exact=" + read.exact() + "; ") + note;
        rows.add(String.format(Locale.ROOT,
                "| %s | %s | %s | %.3f | %s | %.3f ± %.3f | %s | %d | %d | %d | %.1f | %.1f | %.0f | %.0f | %.1f | %s |",
                cell, setting, closedForm ? fmt(truth) : "—", read.lambda(), closedForm ? fmt(readError) : "—",
                sgld.mean(), sgld.standardDeviation(), closedForm ? fmt(sgldError) : "—", read.passes(),
                lean.passes(), sgld.cost().passes(), passRatio, leanRatio, read.millis(), sgld.cost().millis(), sgld.cost().millis() / read.millis(),
                notes.isEmpty() ? "" : notes.replaceAll("; $", "")));
    }

    String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("| cell | SGLD setting | λ_true | read λ | \\|err\\| read | SGLD λ̂ ± sd | \\|err\\| SGLD | read passes"
                + " | lean read passes | SGLD passes | pass ratio | lean pass ratio | read ms | SGLD ms | time ratio | notes |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        rows.forEach(r -> sb.append(r).append('\n'));
        sb.append(String.format(Locale.ROOT, "%nTarget 'read >= 20x cheaper in passes': %s (smallest ratio %.1f);"
                        + " lean read (readComponents=false): %s (smallest ratio %.1f).%n",
                cheaperEverywhere ? "met" : "NOT met", smallestPassRatio, leanCheaperEverywhere ? "met" : "NOT met",
                smallestLeanRatio));
        sb.append(String.format(Locale.ROOT, "Target 'read more accurate on every closed-form cell': %s.%n",
                moreAccurateEverywhere ? "met" : "NOT met"));
        return sb.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
