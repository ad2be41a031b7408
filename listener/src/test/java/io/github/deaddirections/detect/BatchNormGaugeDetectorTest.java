package io.github.deaddirections.detect;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch-norm gauges against their derivation (BatchNormGaugeDetector's comment,
 * docs/CELLS-MORE.md): four per channel after an identity dense layer, flat along every orbit at
 * every radius; a curved activation between the dense layer and the norm breaks the two shared ones.
 */
class BatchNormGaugeDetectorTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void everyOrbitIsFlatAtEveryRadiusAndTheCountsAreTheDerivations(long seed) {
        Cell cell = ConstructedCells.batchNorm(seed);
        GaugeCheck check = new GaugeCheck(cell.network(), cell.probe());
        List<Candidate> candidates = check.detect(new BatchNormGaugeDetector());
        // Per channel d_in + 5 = 8 parameters, d_in + 1 = 4 effective: 4 x 3 channels = 12 = P - rank (independent Jacobian).
        assertEquals(Map.of(BatchNormGaugeDetector.MECHANISM, 3, BatchNormGaugeDetector.MEAN_SHIFT, 3,
                BatchNormGaugeDetector.SCALE, 3, BatchNormGaugeDetector.INPUT_SCALE, 3), GaugeCheck.orbitsByMechanism(candidates));
        candidates.forEach(c -> check.assertFlat((GaugeCandidate) c));
    }

    /** gamma and s scale together along a curved orbit: straight along its tangent F ~ t^2 (order 2), not flat. */
    @Test
    void theScaleTangentIsNotFlat() {
        Cell cell = ConstructedCells.batchNorm(1);
        GaugeCheck check = new GaugeCheck(cell.network(), cell.probe());
        for (String mechanism : List.of(BatchNormGaugeDetector.SCALE, BatchNormGaugeDetector.INPUT_SCALE)) {
            Orbit orbit = check.detect(new BatchNormGaugeDetector()).stream().map(GaugeCandidate.class::cast)
                    .filter(c -> c.mechanism().equals(mechanism)).findFirst().orElseThrow().orbits().get(0);
            // The asymptotic slope, read low on the grid: the stored log10 stdev bends the line further up.
            double f1 = check.fisher(check.straight(orbit.tangent()), 1e-3);
            double f2 = check.fisher(check.straight(orbit.tangent()), 1e-2);
            assertTrue(check.fisher(check.straight(orbit.tangent()), 1e-1) > GaugeCheck.LIVE, mechanism + ": live at t = 0.1");
            assertEquals(2.0, Math.log10(f2 / f1), 0.1, mechanism + ": log-log slope 2(k-1) with k = 2");
        }
    }

    /** tanh between the dense layer and the norm: bias and mean no longer cancel; only the norm's own gauges remain. */
    @Test
    void aCurvedActivationBeforeTheNormBreaksTheBiasRedundancy() {
        Cell cell = ConstructedCells.batchNorm(1);
        MultiLayerNetwork tanh = network(Activation.TANH, true);
        tanh.setParams(cell.network().params());
        GaugeCheck identity = new GaugeCheck(cell.network(), cell.probe());
        GaugeCheck curved = new GaugeCheck(tanh, cell.probe());
        List<Candidate> found = curved.detect(new BatchNormGaugeDetector());
        assertEquals(Map.of(BatchNormGaugeDetector.MEAN_SHIFT, 3, BatchNormGaugeDetector.SCALE, 3),
                GaugeCheck.orbitsByMechanism(found));
        found.forEach(c -> curved.assertFlat((GaugeCandidate) c));
        for (Candidate c : identity.detect(new BatchNormGaugeDetector())) {
            GaugeCandidate g = (GaugeCandidate) c;
            if (g.mechanism().equals(BatchNormGaugeDetector.MECHANISM) || g.mechanism().equals(BatchNormGaugeDetector.INPUT_SCALE)) {
                for (Orbit o : g.orbits()) {
                    assertTrue(curved.fisher(o.path(), 1e-2) > GaugeCheck.LIVE, g.mechanism() + " " + o.role() + " after tanh");
                }
            }
        }
    }

    /** The norm's affine output read directly by a dense layer shares its scale and shift with it: refused above the limit. */
    @Test
    void aDenseReaderIsAnErrorOnTheStructuralPath() {
        MultiLayerNetwork net = network(Activation.IDENTITY, false);
        ReadInputException e = assertThrows(ReadInputException.class,
                () -> new GaugeCheck(net, ConstructedCells.batchNorm(1).probe()).detect(new BatchNormGaugeDetector()));
        assertTrue(e.getMessage().contains("layer 1 (BatchNormalization)") && e.getMessage().contains("read by layer 2"),
                e.getMessage());
    }

    private static MultiLayerNetwork network(Activation beforeNorm, boolean activationLayer) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(3).activation(beforeNorm).build())
                .layer(new BatchNormalization.Builder().nIn(3).nOut(3).build());
        if (activationLayer) {
            list.layer(new ActivationLayer.Builder().activation(Activation.TANH).build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.layer(new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(1)
                .activation(Activation.IDENTITY).build()).build());
        net.init();
        return net;
    }
}
