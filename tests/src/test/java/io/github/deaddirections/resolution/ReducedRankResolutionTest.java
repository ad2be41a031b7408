package io.github.deaddirections.resolution;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.resolve.NoiseVariance;
import io.github.deaddirections.resolve.Resolution;
import io.github.deaddirections.resolve.SampleSize;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * devinterp's reduced-rank accuracy cases (x and y independent, true rank 0), trained as its test
 * trains them, 20 seeds each: (a) on every seed lambda(n), m(n) equal the rule computed
 * independently ({@link ReducedRankRule}, Aoyagi-Watanabe per rank from {@link AoyagiWatanabe});
 * (b) the true phase (r = 0) is chosen on at least 70% of the seeds of each case and 90% of all.
 * lambda(infinity) is checked against Aoyagi-Watanabe at the trained (full) rank.
 */
class ReducedRankResolutionTest {

    static final int SAMPLES = 1000;
    static final int SEEDS = 20;

    @Test
    void devinterpCasesChooseTheTruePhaseAndAgreeWithTheIndependentRule() {
        int[][] cases = {{5, 3, 5}, {5, 4, 5}, {4, 3, 8}, {8, 3, 4}, {3, 8, 4}};
        DeadDirectionReader reader = DeadDirectionReader.withDefaults();
        int total = 0;
        StringBuilder table = new StringBuilder("case      lambda(r=0)  true phase chosen  agree with the rule\n");
        for (int[] c : cases) {
            int m = c[0];
            int h = c[1];
            int n = c[2];
            double truth = AoyagiWatanabe.of(m, n, h, 0).lambda();
            int right = 0;
            for (int seed = 1; seed <= SEEDS; seed++) {
                Random random = new Random(1000L * m + 100L * h + 10L * n + seed);
                double[][][] data = LinearBottleneck.independentData(m, n, SAMPLES, random);
                LinearBottleneck trained = LinearBottleneck.train(m, h, n, data[0], data[1], 5000, 0.01, random);
                Resolution res = resolve(reader, trained, SAMPLES);
                double variance = ReducedRankRule.residualVariance(trained.x, trained.y, trained.product());
                ReducedRankRule.Choice rule = ReducedRankRule.choose(m, h, n, trained.x, trained.product(), variance, SAMPLES);
                String where = String.format(Locale.ROOT, "(M,H,N) = (%d,%d,%d) seed %d", m, h, n, seed);
                assertEquals(rule.lambda(), res.learningCoefficient(), 1e-9, where + ": lambda(n)");
                assertEquals(rule.multiplicity(), res.multiplicity(), where + ": m(n)");
                if (Math.abs(res.learningCoefficient() - truth) < 1e-9) {
                    right++;
                }
            }
            total += right;
            table.append(String.format(Locale.ROOT, "(%d,%d,%d)   %-12s %d/%d%n", m, h, n, truth, right, SEEDS));
            assertTrue(right >= 0.7 * SEEDS, "(M,H,N) = (" + m + "," + h + "," + n + "): the true phase on " + right + " of "
                    + SEEDS + " seeds");
        }
        System.out.println(table.append("all: ").append(total).append('/').append(cases.length * SEEDS));
        assertTrue(total >= 0.9 * cases.length * SEEDS, "the true phase on " + total + " of " + cases.length * SEEDS);
    }

    /** The read with lambda(n) at n, sigma^2 the residual variance at theta-hat over the training data. */
    static Resolution resolve(DeadDirectionReader reader, LinearBottleneck trained, long n) {
        MultiLayerNetwork net = trained.network();
        Snapshot snapshot = Snapshot.of(net, Nd4j.createFromArray(trained.x));
        NoiseVariance noise = NoiseVariance.residual(snapshot.model().output(snapshot.parametersView()), trained.y);
        DeadDirectionReport report = reader.read(snapshot, SampleSize.of(n).withNoiseVariance(noise));
        AoyagiWatanabe.Coefficient full = AoyagiWatanabe.of(trained.m, trained.n, trained.h,
                Math.min(trained.h, Math.min(trained.m, trained.n)));
        assertEquals(full.lambda(), report.global().learningCoefficient(), 1e-9, "lambda(infinity) at the trained rank");
        return report.resolution();
    }
}
