package io.github.deaddirections.llcbench;

import io.github.deaddirections.llc.LlcEstimate;
import io.github.deaddirections.llc.LlcEstimator;
import io.github.deaddirections.llc.LlcSettings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * devinterp's five reduced-rank accuracy cases x 3 seeds, estimated with several settings; prints
 * per case and seed the estimate, its ratio to the Aoyagi-Watanabe lambda and whether it is within
 * devinterp's tolerance (relative 0.4). Run:
 * <pre>
 * OMP_NUM_THREADS=1 mvn -B -q -pl tests -am test -Dtest=DevinterpAccuracyBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -DexcludedTags=none
 * </pre>
 */
@Tag("benchmark")
class DevinterpAccuracyBenchmark {

    static final long[] SEEDS = {1, 2, 3};

    @Test
    void fiveCasesThreeSeeds() {
        Map<String, Function<DevinterpCase, LlcSettings>> settings = new LinkedHashMap<>();
        settings.put("defaults", c -> LlcSettings.defaults());
        settings.put("old defaults", c -> LlcSettings.builder().stepSize(1e-3).localization(100).chains(4).draws(200)
                .burnIn(100).batchSize(256).build());
        settings.put("devinterp-test", c -> LlcSettings.devinterpTest());
        // devinterp's own loss scale: nBeta * MSE is our NLL at sigma^2 = N / 2 (see LlcSettings.devinterpTest).
        settings.put("devinterp-test, σ² = N/2", c -> LlcSettings.devinterpTest().toBuilder()
                .gaussianVariance(c.outputs() / 2.0).build());
        System.out.println("| case | seed | λ (theory) | " + String.join(" | ", settings.keySet()) + " |");
        System.out.println("|---|---|---|" + "---|".repeat(settings.size()));
        for (DevinterpCase c : DevinterpCase.ALL) {
            for (long seed : SEEDS) {
                DevinterpCase.Trained t = c.train(seed);
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %d | %.1f |", c, seed, c.theory()));
                for (Function<DevinterpCase, LlcSettings> s : settings.values()) {
                    LlcEstimate e = new LlcEstimator(s.apply(c).toBuilder().seed(seed).build()).estimate(t.network(), t.data());
                    double relative = Math.abs(e.mean() - c.theory()) / c.theory();
                    row.append(String.format(Locale.ROOT, " %.2f ± %.2f (%.2f×)%s |", e.mean(), e.standardDeviation(),
                            e.mean() / c.theory(), relative <= 0.4 ? "" : " ✗"));
                }
                System.out.println(row);
                System.out.flush();
            }
        }
    }
}
