package io.github.deaddirections.llc;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SGLD estimator on the regular cell (Output 3 -> 1, MSE, d = 4, so lambda = d/2 = 2), with
 * labels drawn from the checkpoint itself (the checkpoint is the true parameter).
 */
class LlcEstimatorTest {

    private static final Cell REGULAR = ConstructedCells.regularLinear(1);

    /** n standard-normal inputs (the cell's input law) labelled by the cell: y = f(x) + N(0, 1). */
    static LlcData regularData(int n, long seed) {
        Random rnd = new Random(seed);
        double[] x = new double[n * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian();
        }
        INDArray features = Nd4j.createFromArray(x).reshape(n, 3).castTo(DataType.DOUBLE);
        return LlcData.drawnFrom(REGULAR.network(), features, 1.0, seed);
    }

    @Test
    void recoversHalfTheDimensionOnARegularModelWithinItsUncertainty() {
        LlcEstimate e = LlcEstimator.withDefaults().estimate(REGULAR.network(), regularData(4096, 7));
        double error = Math.abs(e.mean() - 2.0);
        assertFalse(e.diverged());
        assertFalse(e.implausible());
        assertTrue(error <= 3 * e.standardError(), "lambda-hat " + e.mean() + " +- " + e.standardError() + " vs 2");
        assertTrue(error < 0.6, "lambda-hat " + e.mean() + " vs 2");
        assertEquals(4096 / Math.log(4096), e.nBeta(), 1e-12, "default nBeta = n / ln n");
        LlcSettings s = e.settings();
        assertEquals(s.chains(), e.perChain().length);
        assertEquals(s.draws(), e.lossTrace()[0].length);
        // Cost: the anchor loss (1 forward), then per chain (burn-in + draws) gradients.
        long steps = (long) s.chains() * (s.burnIn() + s.draws());
        assertEquals(1 + steps, e.cost().forwardPasses());
        assertEquals(steps, e.cost().backwardPasses());
    }

    @Test
    void sameSeedSameChainsOtherSeedOtherChains() {
        LlcData data = regularData(512, 3);
        LlcSettings settings = LlcSettings.builder().chains(2).draws(40).burnIn(10).batchSize(64).seed(42).build();
        double[] before = REGULAR.network().params().dup().toDoubleVector();
        LlcEstimate a = new LlcEstimator(settings).estimate(REGULAR.network(), data);
        LlcEstimate b = new LlcEstimator(settings).estimate(REGULAR.network(), data);
        LlcEstimate c = new LlcEstimator(settings.toBuilder().seed(43).build()).estimate(REGULAR.network(), data);
        assertArrayEquals(a.perChain(), b.perChain(), 0.0);
        for (int k = 0; k < a.lossTrace().length; k++) {
            assertArrayEquals(a.lossTrace()[k], b.lossTrace()[k], 0.0, "trace of chain " + k);
        }
        assertFalse(a.perChain()[0] == c.perChain()[0] || a.perChain()[1] == c.perChain()[1], "another seed, other chains");
        assertFalse(a.perChain()[0] == a.perChain()[1], "chains of one run are independent");
        assertArrayEquals(before, REGULAR.network().params().dup().toDoubleVector(), 0.0, "the user's network is not written");
    }

    @Test
    void fullLossTraceRecordsEveryKthDrawAtOneFullForwardPassEach() {
        LlcSettings settings = LlcSettings.builder().chains(1).draws(30).burnIn(5).batchSize(64).fullLossEvery(10).build();
        LlcEstimate e = new LlcEstimator(settings).estimate(REGULAR.network(), regularData(256, 5));
        assertEquals(3, e.lossTrace()[0].length);
        assertEquals(1 + 35 + 3, e.cost().forwardPasses());
        assertEquals(35, e.cost().backwardPasses());
        assertEquals(256 + 35 * 64 + 3 * 256, e.cost().sampleForwards());
    }

    @Test
    void aTooLargeStepDivergesAndSaysSo() {
        LlcSettings settings = LlcSettings.builder().chains(1).draws(200).burnIn(0).stepSize(10).build();
        LlcEstimate e = new LlcEstimator(settings).estimate(REGULAR.network(), regularData(256, 5));
        assertTrue(e.diverged());
        assertTrue(Double.isNaN(e.mean()));
        LlcSettings unstable = LlcSettings.builder().chains(1).draws(40).burnIn(0).stepSize(0.03).build();
        LlcEstimate finite = new LlcEstimator(unstable).estimate(REGULAR.network(), regularData(256, 5));
        assertFalse(finite.diverged(), "still finite after 40 steps");
        assertTrue(finite.implausible(), "but far above d/2: " + finite.mean());
    }

    @Test
    void refusesLabelsOfTheWrongWidth() {
        LlcData data = new LlcData(Nd4j.rand(DataType.DOUBLE, 8, 3), Nd4j.rand(DataType.DOUBLE, 8, 2));
        ReadInputException e = assertThrows(ReadInputException.class,
                () -> LlcEstimator.withDefaults().estimate(REGULAR.network(), data));
        assertTrue(e.getMessage().contains("labels have 2 columns"), e.getMessage());
    }
}
