package io.github.deaddirections.resolution;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.resolve.Resolution;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Realizable reduced rank, trained as devinterp's case: M = N = 5, H = 3, y = x C0 + 0.1 eps with
 * rank C0 = r, 1000 samples, n = 1000. The chosen phase is the true rank on at least 90% of 20
 * seeds, with Aoyagi-Watanabe's lambda (computed independently, {@link AoyagiWatanabe}): 8.0 (m 1)
 * for r = 1, 9.5 (m 2) for r = 2. For one checkpoint, lambda(n) over the n passed is
 * non-decreasing and reaches lambda(infinity) (the full rank, 10.5).
 */
class RealizableReducedRankTest {

    private static final int M = 5;
    private static final int H = 3;
    private static final int N = 5;

    @Test
    void theTrueRankIsChosen() {
        DeadDirectionReader reader = DeadDirectionReader.withDefaults();
        StringBuilder table = new StringBuilder("true rank  lambda(n) expected  chosen on\n");
        for (int r = 1; r <= 2; r++) {
            AoyagiWatanabe.Coefficient truth = AoyagiWatanabe.of(M, N, H, r);
            int right = 0;
            for (int seed = 1; seed <= 20; seed++) {
                Resolution res = ReducedRankResolutionTest.resolve(reader, trained(r, seed), 1000);
                if (Math.abs(res.learningCoefficient() - truth.lambda()) < 1e-9 && res.multiplicity() == truth.multiplicity()) {
                    right++;
                }
            }
            table.append(String.format(Locale.ROOT, "%9d  %s (m %d)  %13d/20%n", r, truth.lambda(), truth.multiplicity(), right));
            assertTrue(right >= 18, "rank " + r + ": the true phase on " + right + " of 20 seeds\n" + table);
        }
        System.out.print(table);
    }

    @Test
    void lambdaOfNRisesToLambdaOfInfinity() {
        DeadDirectionReader reader = DeadDirectionReader.withDefaults();
        LinearBottleneck checkpoint = trained(1, 1);
        double exact = AoyagiWatanabe.of(M, N, H, H).lambda();
        double previous = Double.NEGATIVE_INFINITY;
        StringBuilder table = new StringBuilder("n           lambda(n)  m(n)  (lambda(infinity) = " + exact + ")\n");
        double last = Double.NaN;
        for (long n : new long[]{100, 1_000, 10_000, 1_000_000, 1_000_000_000L}) {
            Resolution res = ReducedRankResolutionTest.resolve(reader, checkpoint, n);
            table.append(String.format(Locale.ROOT, "%-11d %-10s %d%n", n, res.learningCoefficient(), res.multiplicity()));
            assertTrue(res.learningCoefficient() >= previous - 1e-9, "non-decreasing in n\n" + table);
            assertTrue(res.learningCoefficient() <= exact + 1e-9, "at most lambda(infinity)\n" + table);
            previous = res.learningCoefficient();
            last = res.learningCoefficient();
        }
        System.out.print(table);
        assertEquals(exact, last, 1e-9, "n = 1e9 reaches lambda(infinity)\n" + table);
    }

    private static LinearBottleneck trained(int rank, int seed) {
        Random random = new Random(7919L * rank + seed);
        double[][][] data = LinearBottleneck.realizableData(M, N, rank, 0.1, 1000, random);
        return LinearBottleneck.train(M, H, N, data[0], data[1], 5000, 0.01, random);
    }
}
