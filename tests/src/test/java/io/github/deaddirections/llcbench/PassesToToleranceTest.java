package io.github.deaddirections.llcbench;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The equal-accuracy metric on traces whose answer is known by construction. */
class PassesToToleranceTest {

    @Test
    void runningEstimateIsTheEstimatorFormulaTruncated() {
        double[][] traces = {{1, 3, 5}, {3, 5, 7}};
        // means over both chains up to t: 2, 3, 4; minus anchor 1, times nBeta 10.
        assertArrayEquals(new double[]{10, 20, 30}, PassesToTolerance.runningEstimate(traces, 1, 10), 1e-12);
    }

    @Test
    void countsFromTheDrawAfterWhichTheBandHolds() {
        // truth 10, 10% band [9, 11]: enters at index 2, leaves at 3, enters for good at index 4.
        double[] running = {0, 5, 9.5, 12, 10.5, 10.2, 9.9};
        PassesToTolerance cost = new PassesToTolerance(100, 8);
        assertEquals(OptionalLong.of(100 + 5 * 8), cost.passesWithin(running, 10, 0.1));
        // 1% band [9.9, 10.1]: only the last draw is inside.
        assertEquals(OptionalLong.of(100 + 7 * 8), cost.passesWithin(running, 10, 0.01));
    }

    @Test
    void aRunEndingOutsideTheBandHasNoAnswer() {
        double[] running = {10, 10, 10, 13};
        assertEquals(OptionalLong.empty(), new PassesToTolerance(0, 1).passesWithin(running, 10, 0.1));
    }
}
