package io.github.deaddirections.detect;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
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
 * The layer-norm gauges against their derivation (LayerNormGaugeDetector's comment,
 * docs/CELLS-MORE.md): counts, flatness along every orbit at every radius, the kernel identity on
 * DL4J's own layer output, and what happens when a redundancy is broken.
 */
class LayerNormGaugeDetectorTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void everyOrbitIsFlatAtEveryRadiusAndTheCountsAreTheDerivations(long seed) {
        Cell cell = ConstructedCells.layerNorm(seed);
        GaugeCheck check = new GaugeCheck(cell.network(), cell.probe());
        List<Candidate> candidates = check.detect(new LayerNormGaugeDetector());
        // d_in = 3, n = 3, n_out = 2: 3 + 1 + 3 + 2 + 3 + (n-1)(n-2)/2 = 13 = P - rank of the independent Jacobian.
        assertEquals(Map.of(LayerNormGaugeDetector.MEAN, 3, LayerNormGaugeDetector.SCALE, 1, LayerNormGaugeDetector.GAIN, 3,
                LayerNormGaugeDetector.MECHANISM, 2, LayerNormGaugeDetector.BIAS, 3, LayerNormGaugeDetector.ROTATION, 1),
                GaugeCheck.orbitsByMechanism(candidates));
        candidates.forEach(c -> check.assertFlat((GaugeCandidate) c));
    }

    /** sum_j n_j = 0, so sum_j y_j / g_j = sum_j b_j / g_j for every sample, on DL4J's own output. */
    @Test
    void theKernelIdentityHoldsOnDl4jsLayerOutput() {
        Cell cell = ConstructedCells.layerNorm(1);
        MultiLayerNetwork net = cell.network();
        double[][] y = net.feedForwardToLayer(0, cell.probe(), false).get(1).dup().toDoubleMatrix();
        double[] g = net.getLayer(0).getParam("g").toDoubleVector();
        double[] b = net.getLayer(0).getParam("b").toDoubleVector();
        double constant = 0;
        for (int j = 0; j < g.length; j++) {
            constant += b[j] / g[j];
        }
        for (double[] row : y) {
            double s = 0;
            for (int j = 0; j < g.length; j++) {
                s += row[j] / g[j];
            }
            assertEquals(constant, s, 1e-12 * (1 + Math.abs(constant)));
        }
    }

    /**
     * Without the output-bias compensation the kernel direction moves every output e by
     * t <v*, b> (|v*| = 1), so F_u = <v*, b>^2 at every radius: live, and exactly that value.
     */
    @Test
    void theKernelWithoutItsBiasCompensationMovesTheOutputByVStarDotB() {
        Cell cell = ConstructedCells.layerNorm(1);
        GaugeCheck check = new GaugeCheck(cell.network(), cell.probe());
        double[] g = cell.network().getLayer(0).getParam("g").toDoubleVector();
        double[] b = cell.network().getLayer(0).getParam("b").toDoubleVector();
        double[] v = new double[3];
        for (int j = 0; j < 3; j++) {
            v[j] = 1 / g[j];
        }
        v = Directions.normalise(v);
        double expected = Math.pow(Directions.dot(v, b), 2);
        var w2 = check.snapshot.layout().block("1", "W").orElseThrow();
        Direction u = Direction.sparse(check.snapshot.parameterCount(), new int[]{w2.index(0, 0), w2.index(1, 0), w2.index(2, 0)}, v);
        for (double t : new double[]{1e-2, 0.5}) {
            assertEquals(expected, check.fisher(check.straight(u), t), 1e-8 * expected);
        }
    }

    /** The rotation orbit is curved: straight along its tangent the output moves at second order (F ~ t^2). */
    @Test
    void theRotationTangentIsNotFlat() {
        Cell cell = ConstructedCells.layerNorm(1);
        GaugeCheck check = new GaugeCheck(cell.network(), cell.probe());
        Orbit rotation = check.detect(new LayerNormGaugeDetector()).stream().map(GaugeCandidate.class::cast)
                .filter(c -> c.mechanism().equals(LayerNormGaugeDetector.ROTATION)).findFirst().orElseThrow().orbits().get(0);
        double f1 = check.fisher(check.straight(rotation.tangent()), 1e-2);
        double f2 = check.fisher(check.straight(rotation.tangent()), 1e-1);
        assertTrue(f2 > GaugeCheck.LIVE, "F_u(0.1) = " + f2);
        assertEquals(2.0, Math.log10(f2 / f1), 0.1, "log-log slope 2(k-1) with k = 2");
    }

    /** A tanh after the norm keeps only mean and scale; the identity-only kernel direction is live there. */
    @Test
    void aCurvedActivationBreaksTheKernelGaugeAndKeepsMeanAndScale() {
        Cell cell = ConstructedCells.layerNorm(1);
        MultiLayerNetwork tanh = network(Activation.TANH, false);
        tanh.setParams(cell.network().params());
        GaugeCheck identity = new GaugeCheck(cell.network(), cell.probe());
        GaugeCheck curved = new GaugeCheck(tanh, cell.probe());
        List<Candidate> found = curved.detect(new LayerNormGaugeDetector());
        assertEquals(Map.of(LayerNormGaugeDetector.MEAN, 3, LayerNormGaugeDetector.SCALE, 1), GaugeCheck.orbitsByMechanism(found));
        found.forEach(c -> curved.assertFlat((GaugeCandidate) c));
        GaugeCandidate kernel = identity.detect(new LayerNormGaugeDetector()).stream().map(GaugeCandidate.class::cast)
                .filter(c -> c.mechanism().equals(LayerNormGaugeDetector.MECHANISM)).findFirst().orElseThrow();
        for (Orbit o : kernel.orbits()) {
            assertTrue(curved.fisher(o.path(), 1e-2) > GaugeCheck.LIVE, o.role() + " after tanh");
        }
    }

    /** An identity layer norm read through an activation layer: its gain may be redundant downstream; refused above the limit. */
    @Test
    void anUnsupportedReaderIsAnErrorOnTheStructuralPath() {
        Cell cell = ConstructedCells.layerNorm(1);
        MultiLayerNetwork net = network(Activation.IDENTITY, true);
        net.setParams(cell.network().params());
        ReadInputException e = assertThrows(ReadInputException.class,
                () -> new GaugeCheck(net, cell.probe()).detect(new LayerNormGaugeDetector()));
        assertTrue(e.getMessage().contains("layer 0 (DenseLayer)") && e.getMessage().contains("not read directly by a dense layer"),
                e.getMessage());
    }

    private static MultiLayerNetwork network(Activation activation, boolean activationLayer) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(3).activation(activation).hasLayerNorm(true).build());
        if (activationLayer) {
            list.layer(new ActivationLayer.Builder().activation(Activation.TANH).build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.layer(new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(2)
                .activation(Activation.IDENTITY).build()).build());
        net.init();
        return net;
    }
}
