package io.github.deaddirections.llc;

import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.fisher.OutputDistribution;
import io.github.deaddirections.snapshot.ForwardModel;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loss adapter computes the true NLL and its gradient: the value against an independent
 * computation from the network's outputs, the gradient against central differences of that
 * value (which pins DL4J's per-loss score factor and its sum-versus-mean gradient convention).
 */
class NllLossTest {

    private static final double VARIANCE = 1.7;

    @ParameterizedTest
    @ValueSource(strings = {"tanh-node-death", "reduced-rank-3-3-2-1", "softmax-logit-shift"})
    void lossIsTheNllAndTheGradientIsItsDerivative(String name) {
        Cell cell = ConstructedCells.byName(name, 3);
        INDArray x = cell.probe().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 64),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        LlcData data = LlcData.drawnFrom(cell.network(), x, VARIANCE, 11);
        Snapshot snapshot = Snapshot.of(cell.network(), data.features());
        OutputDistribution distribution = OutputDistribution.of(snapshot.outputLayer(),
                ReadConfig.builder().gaussianVariance(VARIANCE).build());
        // Move off the planted point so that no gradient component vanishes by construction.
        double[] w = snapshot.parameters();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < w.length; i++) {
            w[i] += 0.3 * random.nextGaussian();
        }
        NllLoss loss = NllLoss.of(cell.network(), w, distribution, data, VARIANCE);
        int[] rows = IntStream.range(0, 64).filter(i -> i % 2 == 0).toArray();
        double[] gradient = new double[w.length];
        double value = loss.batchLossAndGradient(w, rows, gradient);

        double[][] y = ForwardModel.rows(data.labels());
        assertEquals(nll(snapshot, distribution, w, y, rows), value, 1e-9 * Math.max(1, Math.abs(value)), "NLL value");
        for (int i = 0; i < w.length; i++) {
            double h = 1e-5;
            double[] up = w.clone();
            double[] down = w.clone();
            up[i] += h;
            down[i] -= h;
            double fd = (nll(snapshot, distribution, up, y, rows) - nll(snapshot, distribution, down, y, rows)) / (2 * h);
            assertEquals(fd, gradient[i], 1e-6 * Math.max(1, Math.abs(fd)), "d NLL / d theta[" + i + "]");
        }
        assertEquals(nll(snapshot, distribution, w, y, IntStream.range(0, 64).toArray()), loss.fullLoss(w), 1e-9,
                "full loss");
        assertEquals(2, loss.forwardPasses());
        assertEquals(1, loss.backwardPasses());
    }

    @Test
    void regularisationIsStrippedAndNamed() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE)
                .l2(0.5).dropOut(0.5).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(2).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(2).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 16, 3);
        LlcData data = LlcData.drawnFrom(net, x, VARIANCE, 2);
        Snapshot snapshot = Snapshot.of(net, x);
        OutputDistribution distribution = OutputDistribution.of(snapshot.outputLayer(),
                ReadConfig.builder().gaussianVariance(VARIANCE).build());
        double[] w = snapshot.parameters();
        NllLoss loss = NllLoss.of(net, w, distribution, data, VARIANCE);
        assertTrue(loss.stripped().stream().anyMatch(s -> s.contains("dropout")), loss.stripped().toString());
        assertTrue(loss.stripped().stream().anyMatch(s -> s.contains("L2")), loss.stripped().toString());
        double[][] y = ForwardModel.rows(data.labels());
        int[] all = IntStream.range(0, 16).toArray();
        // Without the L2 term and dropout the value is the plain NLL, the same on every call.
        assertEquals(nll(snapshot, distribution, w, y, all), loss.batchLossAndGradient(w, all, new double[w.length]), 1e-9);
        assertEquals(nll(snapshot, distribution, w, y, all), loss.batchLossAndGradient(w, all, new double[w.length]), 1e-9);
    }

    /** The mean NLL over the rows, written out from the network's output activations. */
    private static double nll(Snapshot snapshot, OutputDistribution distribution, double[] w, double[][] y, int[] rows) {
        double[][] out = snapshot.model().output(w);
        double sum = 0;
        for (int i : rows) {
            double[] p = out[i];
            for (int c = 0; c < p.length; c++) {
                if (distribution instanceof OutputDistribution.Categorical) {
                    sum -= y[i][c] * Math.log(p[c]);
                } else {
                    double r = y[i][c] - p[c];
                    sum += r * r / (2 * VARIANCE) + 0.5 * Math.log(2 * Math.PI * VARIANCE);
                }
            }
        }
        return sum / rows.length;
    }
}
