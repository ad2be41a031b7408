package io.github.deaddirections.read;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.read.RateEstimate.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rate fit on synthetic curves whose exponents, floors and leaks are known (METHOD 2.1). */
class RateFitTest {

    private static final RateFit FIT = RateFit.from(ReadConfig.defaults());
    private static final double NULL = 1e-20;

    private static double[] grid() {
        RadiusGrid g = new RadiusGrid(1.0, 1e-3, 1e-1, 16);
        double[] t = new double[16];
        for (int i = 0; i < t.length; i++) {
            t[i] = g.radius(i);
        }
        return t;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void purePowerLawGivesItsOrder(int k) {
        double[] t = grid();
        double[] f = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            f[i] = 0.7 * k * k * Math.pow(t[i], 2 * (k - 1));
        }
        RateEstimate e = FIT.fit(t, f, NULL);
        assertEquals(k, e.order());
        assertEquals(2.0 * (k - 1), e.slope(), 1e-9);
        assertEquals(k, e.orderEstimate(), 1e-9);
        assertEquals(k == 1 ? Verdict.LIVE : Verdict.ORDER, e.verdict());
        assertFalse(e.leak());
    }

    @Test
    void higherOrderCorrectionStillRoundsToTheLeadingOrder() {
        // F = b t^2 (1 + c t): the O(t^(2k-1)) correction of the rate theorem.
        double[] t = grid();
        double[] f = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            f[i] = 4 * t[i] * t[i] * (1 + 0.5 * t[i]);
        }
        RateEstimate e = FIT.fit(t, f, NULL);
        assertEquals(2, e.order());
        assertEquals(2.0, e.slope(), 0.1);
    }

    @Test
    void liveFloorBelowTheCrossoverIsALeak() {
        // F = c0 + b t^2: the local slope collapses to 0 below t_x = (c0/b)^(1/2) = 1e-2.
        double c0 = 1e-4;
        double b = 1.0;
        double[] t = grid();
        double[] f = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            f[i] = c0 + b * t[i] * t[i];
        }
        RateEstimate e = FIT.fit(t, f, NULL);
        assertTrue(e.leak(), "the floor under the t^2 regime is a first-order leak");
        assertEquals(Verdict.LIVE, e.verdict());
        assertEquals(1, e.order());
        // The slope profile collapses below the crossover and rises towards 2 above it.
        assertEquals(0.0, e.localSlopes().get(0), 0.05);
        assertTrue(e.localSlopes().get(e.localSlopes().size() - 1) > 1.5);
        assertTrue(e.crossover() > 1e-2 / 3 && e.crossover() < 1e-2 * 3, "crossover near (c0/b)^(1/2)");
    }

    @Test
    void roundingFloorBelowTheNullThresholdIsIgnored() {
        // A floor of rounding noise under the null threshold: dropped, the t^4 rate survives.
        double[] t = grid();
        double[] f = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            f[i] = 9 * Math.pow(t[i], 4) + 1e-12;
        }
        RateEstimate e = FIT.fit(t, f, 1e-10);
        assertEquals(3, e.order());
        assertFalse(e.leak());
        assertTrue(e.windowStart() > 0, "the window starts above the floor");
    }

    @Test
    void everythingBelowTheNullThresholdIsFlat() {
        double[] t = grid();
        double[] f = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            f[i] = 1e-28 * (1 + (i % 3));
        }
        RateEstimate e = FIT.fit(t, f, 1e-20);
        assertEquals(Verdict.FLAT, e.verdict());
        assertNull(e.order());
        assertNull(e.slope());
    }

    @Test
    void nonIntegerSlopeIsUnresolved() {
        // slope 1.5 gives k-hat = 1.75: more than 0.15 from an integer.
        double[] t = grid();
        double[] f = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            f[i] = Math.pow(t[i], 1.5);
        }
        RateEstimate e = FIT.fit(t, f, NULL);
        assertEquals(Verdict.UNRESOLVED, e.verdict());
        assertNull(e.order());
        assertEquals(1.75, e.orderEstimate(), 1e-9);
    }

    @Test
    void noisyCurveWithoutStableWindowIsUnresolved() {
        double[] t = grid();
        double[] f = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            f[i] = (i % 2 == 0 ? 1.0 : 100.0) * t[i];
        }
        RateEstimate e = FIT.fit(t, f, NULL);
        assertEquals(Verdict.UNRESOLVED, e.verdict());
    }

    @Test
    void olsIsExactOnALine() {
        double[] x = {0, 1, 2, 3};
        double[] y = {1, 3, 5, 7};
        double[] r = RateFit.ols(x, y, 0, 3);
        assertEquals(2.0, r[0], 1e-12);
        assertEquals(1.0, r[1], 1e-12);
        assertEquals(1.0, r[2], 1e-12);
    }
}
