package io.github.deaddirections.llcbench;

import io.github.deaddirections.llc.LlcEstimate;
import io.github.deaddirections.llc.LlcEstimator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default settings pass devinterp's own accuracy test: on its reduced-rank case (5, 3, 5)
 * the estimate is within relative 0.4 of the Aoyagi-Watanabe lambda (an independent closed
 * form). One case keeps verify short (~20 s); all five cases x 3 seeds are
 * {@link DevinterpAccuracyBenchmark}.
 */
class DevinterpAccuracyTest {

    static Stream<DevinterpCase> cases() {
        return Stream.of(DevinterpCase.ALL[0]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void defaultsWithinDevinterpsTolerance(DevinterpCase c) {
        DevinterpCase.Trained t = c.train(1);
        LlcEstimate e = LlcEstimator.withDefaults().estimate(t.network(), t.data());
        double relative = Math.abs(e.mean() - c.theory()) / c.theory();
        assertTrue(relative <= 0.4, c + ": estimate " + e.mean() + " vs lambda " + c.theory());
    }
}
