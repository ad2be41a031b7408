package io.github.deaddirections.llc;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TraceHealth on synthetic traces whose verdict is known by construction. */
class TraceHealthTest {

    /** Chains of white noise around {@code level + chain * offset}, plus {@code slope} per draw. */
    private static double[][] traces(int chains, int draws, double offset, double slope, long seed) {
        Random rnd = new Random(seed);
        double[][] t = new double[chains][draws];
        for (int c = 0; c < chains; c++) {
            for (int i = 0; i < draws; i++) {
                t[c][i] = 1.0 + c * offset + slope * i + 0.1 * rnd.nextGaussian();
            }
        }
        return t;
    }

    @Test
    void flatNoisyChainsAreHealthy() {
        TraceHealth h = TraceHealth.of(2.0, 0.1, 4, traces(4, 400, 0, 0, 1), 0);
        assertTrue(h.healthy(), h.verdict());
        assertEquals("healthy", h.verdict());
        assertTrue(h.rHat() < 1.05, "rHat " + h.rHat());
    }

    @Test
    void aLinearDriftIsFlaggedDrifting() {
        // From the second to the last quarter the loss climbs by 200 * 2e-4 = 0.4 times the noise.
        TraceHealth h = TraceHealth.of(2.0, 0.1, 4, traces(4, 400, 0, 2e-4, 2), 0);
        assertTrue(h.problems().contains(TraceHealth.Problem.DRIFTING), h.verdict());
        assertFalse(h.problems().contains(TraceHealth.Problem.DISAGREEING), h.verdict());
    }

    @Test
    void chainsWithDifferentMeansAreFlaggedDisagreeing() {
        TraceHealth h = TraceHealth.of(2.0, 0.1, 4, traces(3, 400, 0.1, 0, 3), 0);
        assertTrue(h.problems().contains(TraceHealth.Problem.DISAGREEING), h.verdict());
        assertFalse(h.problems().contains(TraceHealth.Problem.DRIFTING), h.verdict());
        assertTrue(h.rHat() > TraceHealth.RHAT_LIMIT);
    }

    @Test
    void negativeImplausibleAndDivergedEstimatesAreFlagged() {
        double[][] flat = traces(2, 200, 0, 0, 4);
        assertEquals("negative", TraceHealth.of(-0.3, 0.05, 4, flat, 0).verdict());
        assertEquals("implausible", TraceHealth.of(5.0, 0.1, 4, flat, 0).verdict());
        assertTrue(TraceHealth.of(Double.NaN, Double.NaN, 4, flat, 1).problems().contains(TraceHealth.Problem.DIVERGED));
    }
}
