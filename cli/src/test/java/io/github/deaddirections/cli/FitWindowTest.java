package io.github.deaddirections.cli;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.report.DirectionReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fitted line drawn in the HTML plots, on a curve whose window is known by construction. */
class FitWindowTest {

    private static final double THRESHOLD = 1e-12;

    /** F = 1e-6 t^2 on a geometric grid, below the null floor for the first four radii. */
    private static DirectionReport curve() {
        List<Double> t = new ArrayList<>();
        List<Double> f = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            double r = 1e-4 * Math.pow(10, i / 3.0);
            t.add(r);
            f.add(i < 4 ? 1e-15 : 1e-6 * r * r);
        }
        return new DirectionReport("diagonal", 2, 2.0, 2.0, 1.0, t, f, f, "");
    }

    @Test
    void recoversTheWindowTheReadUsed() {
        FitWindow w = FitWindow.of(curve(), ReadConfig.defaults(), THRESHOLD).orElseThrow();
        assertTrue(w.exact());
        assertEquals(4, w.start(), "the window starts above the null floor");
        assertEquals(11, w.end());
        double t = curve().radii().get(7);
        assertEquals(Math.log(1e-6 * t * t), w.logFisherAt(t), 1e-9, "the line runs through the curve");
    }

    @Test
    void withoutThresholdTheLineIsMarkedApproximate() {
        FitWindow w = FitWindow.of(curve(), ReadConfig.defaults(), null).orElseThrow();
        assertFalse(w.exact());
        assertEquals(2.0, w.slope());
        assertTrue(w.start() >= 3, "points on the floor (the lower quartile) are left out: " + w.start());
    }

    @Test
    void aFlatDirectionHasNoLine() {
        DirectionReport flat = new DirectionReport("orbit", null, null, null, null, List.of(1e-3, 1e-2), List.of(0.0, 0.0),
                List.of(0.0, 0.0), "");
        assertTrue(FitWindow.of(flat, ReadConfig.defaults(), THRESHOLD).isEmpty());
    }
}
