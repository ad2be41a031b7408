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
