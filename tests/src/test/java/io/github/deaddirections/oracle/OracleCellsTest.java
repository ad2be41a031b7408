package io.github.deaddirections.oracle;

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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The oracle on the constructed cells of CELLS.md whose rank and gauge dimension are known by hand. */
class OracleCellsTest {

    @Test
    void regularLinear() {
        check(net(Activation.IDENTITY, false, 3, 0, false), probe(3, false), 4, 0);
    }

    @Test
    void collinearInput() {
        check(net(Activation.IDENTITY, false, 3, 0, false), probe(3, true), 3, 1);
    }

    @Test
    void softmaxLogitShift() {
        check(net(Activation.SOFTMAX, false, 3, 0, false), probe(3, false), 12, 4);
    }

    @Test
    void tanhNodeDeath() {
        check(net(Activation.TANH, true, 3, 4, true), probe(3, false), 16, 0);
    }

    @Test
    void reluRescaling() {
        check(net(Activation.RELU, true, 3, 4, false), probe(3, false), 17, 4);
    }

    /** A dead ReLU unit: its rescaling orbit has a zero tangent at theta; the intersection must drop it. */
    @Test
    void deadReluUnitIsNoGauge() {
        check(net(Activation.RELU, true, 3, 4, true), probe(3, false), 21 - 5 - 3, 3);
    }

    private static void check(MultiLayerNetwork net, INDArray probe, int rank, int gauge) {
        Oracle.Result r = Oracle.read(net, probe, 1);
        assertTrue(r.wellConditioned(), r.toString());
        assertNull(r.ambiguous(), r.toString());
        assertEquals(rank, r.rank(), r.toString());
        assertEquals(gauge, r.gauge(), r.toString());
    }

    /** Output(3 -> 1, identity, MSE) or (3 -> 4, softmax); with hidden = true Dense(3 -> 4, phi) first. */
    private static MultiLayerNetwork net(Activation phi, boolean hidden, int in, int width, boolean killUnit3) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).list();
        if (hidden) {
            b.layer(new DenseLayer.Builder().nIn(in).nOut(width).activation(phi).build());
            b.layer(new OutputLayer.Builder(LossFunction.MSE).nIn(width).nOut(1).activation(Activation.IDENTITY).build());
        } else if (phi == Activation.SOFTMAX) {
            b.layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(in).nOut(4).activation(Activation.SOFTMAX).build());
        } else {
            b.layer(new OutputLayer.Builder(LossFunction.MSE).nIn(in).nOut(1).activation(Activation.IDENTITY).build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        Random rnd = new Random(7);
        INDArray p = net.params();
        for (long i = 0; i < p.length(); i++) {
            p.putScalar(i, rnd.nextGaussian());
        }
        if (hidden && phi == Activation.RELU) {
            // Every unit active on part of the probe.
            net.getLayer(0).getParam("b").assign(0.3);
        }
        if (killUnit3) {
            net.getLayer(0).getParam("W").getColumn(3).assign(0);
            net.getLayer(0).getParam("b").putScalar(3, 0);
            net.getLayer(1).getParam("W").getRow(3).assign(0);
        }
        return net;
    }

    private static INDArray probe(int in, boolean collinear) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 256, in);
        if (collinear) {
            x.getColumn(2).assign(x.getColumn(0));
        }
        return x;
    }
}
