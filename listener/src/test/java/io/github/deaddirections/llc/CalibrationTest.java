package io.github.deaddirections.llc;

import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep on the regular cell (d = 4, lambda = d/2 = 2). */
class CalibrationTest {

    private static final Cell REGULAR = ConstructedCells.regularLinear(1);

    private static LlcData regularData(int n, long seed) {
        return LlcEstimatorTest.regularData(n, seed); // the same labelled regular-cell data
    }

    private static Calibration calibration() {
        LlcSettings base = LlcSettings.builder().chains(3).burnIn(100).seed(11).build();
        return new Calibration(base, List.of(1e-1, 1e-4, 3e-4, 1e-3), List.of(1.0, 100.0), 400);
    }

    @Test
    void recommendsAHealthySettingNearTheTruthAndFlagsTooLargeASteps() {
        LlcData data = regularData(1024, 5);
        List<String> seen = new ArrayList<>();
        Calibration.Result r = calibration().run(REGULAR.network(), data,
                (i, n, eps, gamma) -> seen.add(i + "/" + n + " " + eps + " " + gamma));
        assertEquals(8, r.points().size());
        assertEquals("1/8 1.0E-4 1.0", seen.get(0), "ascending step sizes, localization-major");
        assertTrue(r.recommended().isPresent(), r.reason() + "\n" + describe(r));
        Calibration.Point best = r.recommended().get();
        assertTrue(best.health().healthy());
        assertTrue(Math.abs(best.estimate().mean() - 2.0) < 0.6, "recommended " + best.estimate().mean() + " vs 2");
        for (Calibration.Point p : r.points()) {
            if (p.stepSize() == 1e-1) {
                assertFalse(p.health().healthy(), "eps 0.1 at gamma " + p.localization() + ": " + p.health().verdict());
            }
        }
        // Same seed, same sweep.
        Calibration.Result again = calibration().run(REGULAR.network(), data, (i, n, eps, gamma) -> { });
        for (int i = 0; i < r.points().size(); i++) {
            assertEquals(r.points().get(i).estimate().mean(), again.points().get(i).estimate().mean(), 0.0);
        }
        assertEquals(best.settings(), again.recommended().orElseThrow().settings());
    }

    /**
     * The rule on a grid whose answer is known by construction: λ̂ = 2 + 500 ε (a first-order step
     * bias), the smallest step unhealthy. The recommendation is the smallest healthy step that agrees
     * with its larger neighbour, and the extrapolation to ε → 0 recovers 2; with fewer than three
     * healthy steps there is none.
     */
    @Test
    void recommendsTheStablestSmallStepAndExtrapolatesTheBiasAway() {
        List<Double> steps = List.of(1e-4, 3e-4, 1e-3, 3e-3);
        Calibration c = new Calibration(LlcSettings.defaults(), steps, List.of(1.0), 10);
        List<Calibration.Point> points = new ArrayList<>();
        for (double eps : steps) {
            boolean healthy = eps > 1e-4;
            points.add(point(eps, 2 + 500 * eps, 0.4, healthy));
        }
        Calibration.Result r = c.recommend(points);
        assertEquals(3e-4, r.recommended().orElseThrow().stepSize());
        assertTrue(r.onPlateau());
        assertEquals(2.0, r.extrapolated().orElseThrow(), 1e-9);

        List<Calibration.Point> two = new ArrayList<>(points.subList(0, 3));
        two.add(point(3e-3, 3.5, 0.4, false));
        assertTrue(c.recommend(two).extrapolated().isEmpty(), "two healthy steps are too few to extrapolate");
    }

    /** The intercept against Cramer's rule on the normal equations, on random noisy lines. */
    @Test
    void interceptIsTheLeastSquaresOne() {
        java.util.Random rnd = new java.util.Random(3);
        for (int trial = 0; trial < 100; trial++) {
            int n = 3 + rnd.nextInt(6);
            List<double[]> xy = new ArrayList<>();
            double sx = 0, sy = 0, sxx = 0, sxy = 0;
            for (int i = 0; i < n; i++) {
                double x = 1e-4 * (1 + 30 * rnd.nextDouble());
                double y = 3 + 700 * x + 0.1 * rnd.nextGaussian();
                xy.add(new double[]{x, y});
                sx += x;
                sy += y;
                sxx += x * x;
                sxy += x * y;
            }
            double a = (sy * sxx - sx * sxy) / (n * sxx - sx * sx);
            assertEquals(a, Calibration.intercept(xy), 1e-8 * Math.abs(a));
        }
    }

    private static Calibration.Point point(double eps, double lambda, double sd, boolean healthy) {
        LlcSettings s = LlcSettings.defaults().toBuilder().stepSize(eps).localization(1).draws(10).build();
        LlcEstimate e = new LlcEstimate(lambda, sd, sd / 2, new double[]{lambda}, new double[][]{{0}}, 0, 1, 10, 4, 0,
                List.of(), new LlcEstimate.Cost(0, 0, 0, 0), s);
        TraceHealth h = new TraceHealth(healthy ? java.util.EnumSet.noneOf(TraceHealth.Problem.class)
                : java.util.EnumSet.of(TraceHealth.Problem.DISAGREEING), 1.0, 0, 0);
        return new Calibration.Point(s, e, h);
    }

    private static String describe(Calibration.Result r) {
        StringBuilder sb = new StringBuilder();
        for (Calibration.Point p : r.points()) {
            sb.append(String.format("eps %g gamma %g: %.3f +- %.3f %s (rHat %.3f, drift %.2f t %.1f)%n", p.stepSize(),
                    p.localization(), p.estimate().mean(), p.estimate().standardDeviation(), p.health().verdict(),
                    p.health().rHat(), p.health().drift(), p.health().driftT()));
        }
        return sb.toString();
    }

    @Test
    void badGridValuesAreRejectedBeforeSampling() {
        LlcSettings base = LlcSettings.defaults();
        assertThrows(IllegalArgumentException.class, () -> new Calibration(base, List.of(-1e-4), List.of(1.0), 10));
        assertThrows(IllegalArgumentException.class, () -> new Calibration(base, List.of(1e-4), List.of(-1.0), 10));
        assertThrows(IllegalArgumentException.class, () -> new Calibration(base, List.of(), List.of(1.0), 10));
    }
}
