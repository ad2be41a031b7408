package io.github.deaddirections.report;

import io.github.deaddirections.resolve.Phase;
import io.github.deaddirections.resolve.Resolution;

import java.util.Locale;

/** The report as a plain-text table for people: one line per structure, then the global triple. */
public final class ReportTable {

    private ReportTable() {
    }

    public static String render(DeadDirectionReport r) {
        StringBuilder sb = new StringBuilder();
        GlobalReport g = r.global();
        sb.append(String.format(Locale.ROOT, "dead-directions read: P = %d parameters, N = %d probe samples, Fisher rank %s%n",
                r.parameters(), r.probeSamples(), r.fisherRank() == null ? "not computed (structural detectors only)"
                        : r.fisherRank().toString()));
        r.spectrumSummary().ifPresent(s -> {
            sb.append(String.format(Locale.ROOT, "null threshold %.3g (Fisher scale %.3g), gap %s%s%n", s.nullThreshold(),
                    s.fisherScale(), Double.isNaN(s.gapDecades()) ? "none" : String.format(Locale.ROOT, "%.1f decades",
                            s.gapDecades()), s.narrowGap() ? "  WARNING: narrow gap, the rank is uncertain" : ""));
            if (s.probeLimited()) {
                sb.append(String.format(Locale.ROOT, "WARNING: %d probe samples times the outputs is below the %d parameters: the rank is capped "
                        + "by the probe, use more probe samples%n", r.probeSamples(), r.parameters()));
            }
            if (s.genericGaugeDimension() >= 0) {
                sb.append(String.format(Locale.ROOT, "generic gauge test over the whole null space: %d dimensions%n",
                        s.genericGaugeDimension()));
            }
        });
        sb.append('\n');
        String fmt = "%-34s %-20s %-19s %5s %5s %10s %4s %9s  %-15s %s%n";
        sb.append(String.format(Locale.ROOT, fmt, "structure", "mechanism", "class", "dim", "k", "lambda_B", "m_B", "nu",
                "certified by", "layers"));
        for (StructureReport s : r.structures()) {
            sb.append(String.format(Locale.ROOT, fmt, clip(s.id(), 34), clip(s.mechanism(), 20), s.structureClass(),
                    s.dimension(), s.order() == null ? "-" : s.order().toString(),
                    s.learningCoefficient() == null ? "-" : num(s.learningCoefficient()) + (s.exact() ? "" : " (bound)"),
                    s.multiplicity() == null ? "-" : s.multiplicity().toString(),
                    s.singularFluctuation() == null ? "-" : String.format(Locale.ROOT, "%.5f", s.singularFluctuation()),
                    s.certifiedBy() != null ? s.certifiedBy().label() : s.claimedByLaw() ? "(by law)" : "-",
                    String.join(",", s.layers())));
            PlainWords.describe(s).ifPresent(words -> sb.append("    ").append(words).append('\n'));
            for (DirectionReport d : s.directions()) {
                if (!d.note().isEmpty()) {
                    sb.append("    ").append(d.role()).append(": ").append(d.note()).append('\n');
                }
            }
        }
        if (r.structures().isEmpty()) {
            sb.append("(no dead structure: every direction is live)\n");
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT,
                "lambda = %s%s, m = %d   (regular %d, gauge %d, genuine structures %d, unresolved %d)%n",
                num(g.learningCoefficient()), g.exact() ? "" : " (bound: not every structure enumerates)", g.multiplicity(),
                g.regularDimension(), g.gaugeDimension(), g.genuineStructures(), g.unresolvedDirections()));
        r.resolutionSummary().ifPresent(res -> resolution(sb, g, res));
        if (g.structuresClaimedByLaw() > 0) {
            sb.append(String.format(Locale.ROOT, "genuine blocks: %d read, %d claimed by the law of their kind (%s)%n",
                    g.structuresRead(), g.structuresClaimedByLaw(), "a few of each kind are read; the rest follow them"));
        }
        if (!g.uncoveredLayers().isEmpty()) {
            sb.append("layers no structural detector understands: ").append(String.join(", ", g.uncoveredLayers())).append('\n');
        }
        for (String skip : g.skippedDetectors()) {
            sb.append("skipped: ").append(skip).append('\n');
        }
        sb.append(String.format(Locale.ROOT, "read took %.1f ms, %d forward passes%n", r.timing().totalMillis(),
                r.timing().forwardPasses()));
        return sb.toString();
    }

    /** lambda(infinity) and lambda(n) side by side, one line of words each, then the phases. */
    private static void resolution(StringBuilder sb, GlobalReport g, Resolution res) {
        sb.append(String.format(Locale.ROOT, "lambda(inf) = %s, m(inf) = %d   |   lambda(n) = %s, m(n) = %s   (n = %d, %s%s)%n",
                num(g.learningCoefficient()), g.multiplicity(),
                res.learningCoefficient() == null ? "-" : num(res.learningCoefficient()),
                res.multiplicity() == null ? "-" : res.multiplicity().toString(), res.sampleSize(), res.sampleSizeSource(),
                res.noiseVariance() == null ? "" : String.format(Locale.ROOT, "; noise variance %.4g, %s", res.noiseVariance(),
                        res.noiseVarianceSource())));
        sb.append("  lambda(inf): ").append(PlainWords.exactCoefficient()).append('\n');
        sb.append("  lambda(n):   ").append(PlainWords.sampleCoefficient()).append('\n');
        if (!res.note().isEmpty()) {
            sb.append("  lambda(n) not computed: ").append(res.note()).append('\n');
            return;
        }
        String fmt = "  %-6s %-44s %11s %9s %4s %9s %12s%n";
        sb.append(String.format(Locale.ROOT, fmt, "phase", "snapped structures", "K", "lambda", "m", "dlambda", "dF_n"));
        for (Phase p : res.phases()) {
            sb.append(String.format(Locale.ROOT, fmt, p.chosen() ? "chosen" : p.eligible() ? "" : "(left)",
                    clip(p.structures().isEmpty() ? "theta-hat (nothing snapped)" : String.join(" + ", p.structures()), 44),
                    String.format(Locale.ROOT, "%.4g", p.kl()), num(p.learningCoefficient()), p.multiplicity(),
                    num(p.deltaLambda()), String.format(Locale.ROOT, "%.4g", p.deltaFreeEnergy())));
        }
        sb.append(String.format(Locale.ROOT, "  %d phases compared, %d snaps not read (they could not win, were predicted to lose, or were beyond the 4 reads);"
                + " resolution took %.1f ms, %d forward passes%n", res.phases().size(), res.phasesNotRead(), res.millis(),
                res.forwardPasses()));
    }

    private static String num(double v) {
        String s = String.format(Locale.ROOT, "%.6g", v);
        return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }
}
