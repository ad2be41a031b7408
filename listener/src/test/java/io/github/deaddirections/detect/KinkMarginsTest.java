package io.github.deaddirections.detect;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KinkMargins#crossedBy} against a direct count: random moves of a ReLU network, each
 * checked by computing every unit's pre-activation on every probe sample before and after in
 * plain Java. A move of a dead unit's outgoing weights, the consumer biases taking up its constant
 * output (a null direction), does not cross though it is far beyond the first-order limit.
 */
class KinkMarginsTest {

    @Test
    void crossingsAreThoseOfThePreActivationsThemselves() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(5).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).activation(Activation.HARDTANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        // Unit 2 of the first layer dead with a positive bias (constant, on the ramp); its outgoing weights 0.
        net.getLayer(0).getParam("W").getColumn(2).assign(0);
        net.getLayer(0).getParam("b").putScalar(2, 0.4);
        net.getLayer(1).getParam("W").getRow(2).assign(0);
        Nd4j.getRandom().setSeed(3);
        INDArray probe = Nd4j.randn(DataType.DOUBLE, 40, 3);
        Snapshot snapshot = Snapshot.of(net, probe);
        KinkMargins margins = KinkMargins.of(new DetectionContext(snapshot, ReadConfig.defaults(), null));
        double[] theta = snapshot.parametersView();
        double[][] x = probe.toDoubleMatrix();
        Random rnd = new Random(1);
        int crossed = 0;
        for (int trial = 0; trial < 60; trial++) {
            double[] point = theta.clone();
            double size = Math.pow(10, -4 + 3.5 * rnd.nextDouble());
            for (int i = 0; i < point.length; i++) {
                point[i] += size * rnd.nextGaussian();
            }
            boolean expected = crosses(x, theta, point);
            crossed += expected ? 1 : 0;
            assertEquals(expected, margins.crossedBy(point), "trial " + trial + ", move " + size);
        }
        assertTrue(crossed > 5 && crossed < 55, "the moves span both answers: " + crossed + " of 60 crossed");
        double[] outgoing = theta.clone();
        for (int k = 0; k < 4; k++) {
            outgoing[outgoingIndex(2, k)] += 0.5; // far beyond the first-order limit
            outgoing[40 + k] -= 0.5 * 0.4; // the consumer bias takes up the unit's constant output 0.4
        }
        assertTrue(0.5 > margins.limit(), "the first-order limit " + margins.limit() + " would forbid this move");
        assertFalse(margins.crossedBy(outgoing), "a dead unit's compensated outgoing move leaves every pre-activation where it was");
    }

    // DL4J's flat order for this network: W0 (3x5, column-major 'f'), b0 (5), W1 (5x4), b1 (4), W2, b2.
    private static int outgoingIndex(int unit, int consumer) {
        return 3 * 5 + 5 + consumer * 5 + unit;
    }


    /** Whether some sample's pre-activation in either hidden layer changes piece, by a forward pass in plain Java. */
    private static boolean crosses(double[][] x, double[] a, double[] b) {
        for (double[] row : x) {
            double[] h0a = new double[5];
            double[] h0b = new double[5];
            for (int j = 0; j < 5; j++) {
                double za = a[15 + j];
                double zb = b[15 + j];
                for (int i = 0; i < 3; i++) {
                    za += row[i] * a[j * 3 + i];
                    zb += row[i] * b[j * 3 + i];
                }
                if (za != 0 && (za > 0) != (zb > 0)) {
                    return true;
                }
                h0a[j] = Math.max(0, za);
                h0b[j] = Math.max(0, zb);
            }
            for (int j = 0; j < 4; j++) {
                double za = a[20 + 20 + j];
                double zb = b[20 + 20 + j];
                for (int i = 0; i < 5; i++) {
                    za += h0a[i] * a[20 + j * 5 + i];
                    zb += h0b[i] * b[20 + j * 5 + i];
                }
                if (piece(za) != piece(zb)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int piece(double z) {
        return z < -1 ? 0 : z > 1 ? 2 : 1;
    }
}
