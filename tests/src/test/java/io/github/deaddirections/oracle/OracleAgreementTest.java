package io.github.deaddirections.oracle;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.ReportTable;
import io.github.deaddirections.snapshot.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 12, item 4: the read against an independent oracle on random networks with planted
 * structure. On every network of a fixed seed list (200 by default, {@code -Doracle.networks=N}
 * for more):
 * <ul>
 *   <li>the oracle against theory: the oracle's gauge dimension equals the planted prediction (a
 *       check of the oracle and of the generator's bookkeeping);</li>
 *   <li>the read's Fisher rank equals the oracle's rank;</li>
 *   <li>the read's gauge dimension equals the oracle's;</li>
 *   <li>when the planted blocks are disjoint: the read's lambda equals oracle rank / 2 + sum of
 *       theory's lambda_B, its m equals 1 + sum (m_B - 1), and the read calls it exact.</li>
 * </ul>
 * Networks whose spectrum the oracle cannot cut cleanly (ill-conditioned) or whose gauge dimension it
 * finds ambiguous are counted and listed, not compared; the test fails if they exceed 5%. All
 * disagreements are collected and reported at once, by class, with each network's recipe.
 * <p>In {@code mvn verify} the oracle is checked against theory (200 networks), and the read against
 * the oracle with a ceiling per class ({@link #KNOWN}); with {@code -Doracle.read=true} the read must
 * agree everywhere. It still disagrees on a known set of networks (issue 12's
 * note lists them by class: crossings of an only-outgoing-dead unit with a dead unit it feeds,
 * incoming-dead units next to dead ones on a linear piece),
 * hence the ceiling: a red build would otherwise hide every other result until they are fixed.
 */
class OracleAgreementTest {

    private static final int DEFAULT_NETWORKS = 200;
    private static final int DESCRIPTIONS_PER_CLASS = 4;

    /**
     * The read's disagreements with the oracle on the default 200 networks at the last count (issue
     * 12's note lists them by class). In verify the read may not disagree on more networks of a
     * class than this: a ratchet that keeps what has been fixed fixed, not a pass mark; with
     * {@code -Doracle.read=true} every disagreement fails.
     */
    private static final Map<String, Integer> KNOWN = Map.of("gauge dimension", 4, "lambda, m (disjoint blocks)", 1);

    @Test
    void theOracleAgreesWithTheoryOnRandomNetworks() {
        compare(true, Map.of());
    }

    @Test
    @EnabledIfSystemProperty(named = "oracle.read", matches = "true")
    void theReadAgreesWithTheOracleOnRandomNetworks() {
        compare(false, Map.of());
    }

    @Test
    @DisabledIfSystemProperty(named = "oracle.read", matches = "true")
    void theReadDisagreesWithTheOracleOnNoMoreNetworksThanAtTheLastCount() {
        compare(false, Integer.getInteger("oracle.networks", DEFAULT_NETWORKS) == DEFAULT_NETWORKS ? KNOWN : Map.of());
    }

    private static void compare(boolean oracleOnly, Map<String, Integer> allowed) {
        int networks = Integer.getInteger("oracle.networks", DEFAULT_NETWORKS);
        Map<String, List<String>> disagreements = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        int illConditioned = 0;
        int ambiguous = 0;
        int lambdaClaims = 0;
        double oracleMillis = 0;
        double readMillis = 0;
        long start = System.nanoTime();
        for (long seed = 1; seed <= networks; seed++) {
            PlantedNetwork p = RandomNetworks.generate(seed);
            Oracle.Result o = Oracle.read(p.mlp(), p.theta(), p.x(), seed);
            oracleMillis += o.millis();
            if (!o.wellConditioned()) {
                illConditioned++;
                skipped.add("ill-conditioned seed " + seed + ": " + o);
                continue;
            }
            if (o.ambiguous() != null) {
                ambiguous++;
                skipped.add("ambiguous seed " + seed + ": " + o);
                continue;
            }
            PlantedNetwork.Prediction theory = p.prediction();
            if (theory.gauge() != null && theory.gauge() != o.gauge()) {
                add(disagreements, "oracle vs theory: gauge dimension", p, o, "theory " + theory.gauge() + ", oracle " + o.gauge()
                        + " " + p.structures().stream().map(s -> s.kind() + "@" + s.layer()).toList(), null);
            }
            if (oracleOnly) {
                continue;
            }
            long t0 = System.nanoTime();
            DeadDirectionReport r;
            try {
                r = DeadDirectionReader.withDefaults().readExact(Snapshot.of(p.net(), p.probe()));
            } catch (RuntimeException e) {
                add(disagreements, "read threw", p, o, e.toString(), null);
                continue;
            } finally {
                readMillis += (System.nanoTime() - t0) / 1e6;
            }
            if (r.fisherRank() == null || r.fisherRank() != o.rank()) {
                add(disagreements, "Fisher rank", p, o, "read " + r.fisherRank() + ", oracle " + o.rank(), r);
            }
            if (r.global().gaugeDimension() != o.gauge()) {
                add(disagreements, "gauge dimension", p, o, "read " + r.global().gaugeDimension() + ", oracle " + o.gauge()
                        + (theory.gauge() == null ? "" : ", theory " + theory.gauge()), r);
            }
            if (theory.lambdaExcess() != null) {
                lambdaClaims++;
                double lambda = o.rank() / 2.0 + theory.lambdaExcess();
                boolean sameLambda = Math.abs(r.global().learningCoefficient() - lambda) < 1e-9;
                boolean sameM = r.global().multiplicity() == theory.multiplicity();
                if (!sameLambda || !sameM || !r.global().exact()) {
                    add(disagreements, "lambda, m (disjoint blocks)", p, o, String.format(Locale.ROOT,
                            "read lambda %s m %d%s, theory lambda %s m %d", r.global().learningCoefficient(), r.global().multiplicity(),
                            r.global().exact() ? "" : " (not exact)", lambda, theory.multiplicity()), r);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StringBuilder summary = new StringBuilder(String.format(Locale.ROOT,
                "%d networks in %.1f s (oracle %.0f ms/net, read %.0f ms/net); %d ill-conditioned, %d ambiguous (not compared); "
                        + "%d with a lambda claim%n", networks, seconds, oracleMillis / networks, readMillis / networks, illConditioned,
                ambiguous, lambdaClaims));
        disagreements.forEach((k, v) -> summary.append(String.format(Locale.ROOT, "  %-36s %d%n", k, v.size())));
        skipped.forEach(s -> summary.append("  ").append(s).append('\n'));
        System.out.println(summary);
        StringBuilder failure = new StringBuilder();
        if (illConditioned + ambiguous > 0.05 * networks) {
            failure.append(String.format(Locale.ROOT, "too many networks not compared: %d of %d%n", illConditioned + ambiguous, networks));
        }
        boolean withinAllowance = disagreements.entrySet().stream()
                .allMatch(e -> e.getValue().size() <= allowed.getOrDefault(e.getKey(), 0));
        if (!disagreements.isEmpty() && !withinAllowance) {
            failure.append("disagreements:\n").append(summary);
            disagreements.forEach((k, v) -> {
                failure.append("\n===== ").append(k).append(": ").append(v.size()).append(" networks =====\n");
                for (int i = 0; i < v.size(); i++) {
                    if (i < DESCRIPTIONS_PER_CLASS) {
                        failure.append(v.get(i)).append('\n');
                    } else {
                        failure.append(v.get(i), 0, v.get(i).indexOf('\n')).append('\n');
                    }
                }
            });
        }
        if (failure.length() > 0) {
            fail(failure.toString());
        }
    }

    /** One line: activations per layer, output, planted structures. */
    private static String shape(PlantedNetwork p) {
        StringBuilder sb = new StringBuilder();
        for (int l = 0; l + 1 < p.mlp().layers.size(); l++) {
            sb.append(p.mlp().layers.get(l).activation()).append(p.mlp().layers.get(l).nOut()).append(' ');
        }
        sb.append(p.mlp().output).append(p.mlp().outputs());
        for (Planted s : p.structures()) {
            sb.append(", ").append(s.kind()).append('@').append(s.layer()).append(s.kind() == Planted.Kind.DEAD ? "(b0=" + s.bias() + ")" : "");
        }
        return sb.toString();
    }

    private static void add(Map<String, List<String>> d, String kind, PlantedNetwork p, Oracle.Result o, String what,
                            DeadDirectionReport r) {
        d.computeIfAbsent(kind, k -> new ArrayList<>()).add("seed " + p.seed() + ": " + what + "   " + shape(p)
                + (r == null ? "" : "   read: " + r.structures().stream()
                .map(s -> s.mechanism() + "/" + s.structureClass() + "/" + s.dimension()).toList())
                + "\n" + o + "\n" + p.description() + (r == null ? "" : ReportTable.render(r)));
    }
}
