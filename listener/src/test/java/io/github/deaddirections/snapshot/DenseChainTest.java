package io.github.deaddirections.snapshot;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plain-Java dense chain computes the same function as DL4J: checked against DL4J's own
 * float64 forward pass at parameters away from theta-hat, for every activation it takes, and its
 * partial passes (from a layer, on cached inputs) agree with full ones.
 */
class DenseChainTest {

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"IDENTITY", "RELU", "LEAKYRELU", "ELU", "TANH", "SIGMOID", "SOFTSIGN",
            "CUBE", "SWISH"})
    void matchesDl4jForEveryActivationItTakes(Activation activation) {
        MultiLayerNetwork net = network(activation.getActivationFunction(), Activation.SOFTMAX, LossFunction.MCXENT);
        assertAgreesWithDl4j(net);
    }

    @Test
    void matchesDl4jWithLeakyAlphaDropoutAndNoBias() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(new ActivationLReLU(0.2)).build())
                .layer(new DropoutLayer.Builder(0.5).build())
                .layer(new DenseLayer.Builder().nIn(6).nOut(3).hasBias(false).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(2).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        assertAgreesWithDl4j(net);
    }

    @Test
    void leavesVariantsItDoesNotKnowToDl4j() {
        MultiLayerNetwork capped = network(new ActivationReLU(6.0, 0.0, 0.0), Activation.IDENTITY, LossFunction.MSE);
        Snapshot s = Snapshot.of(capped, probe(16, 4));
        assertTrue(DenseChain.of(s.layers(), s.layout(), s.probe()).isEmpty(), "capped ReLU goes to DL4J");
        MultiLayerNetwork normed = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).hasLayerNorm(true).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(5).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        normed.init();
        Snapshot n = Snapshot.of(normed, probe(16, 4));
        assertTrue(DenseChain.of(n.layers(), n.layout(), n.probe()).isEmpty(), "layer norm goes to DL4J");
    }

    @Test
    void denseHeadOfACnnMatchesDl4jWhenOnlyTheHeadMoves() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(3).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build())
                .layer(new DropoutLayer.Builder(0.5).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build());
        net.init();
        Nd4j.getRandom().setSeed(3);
        INDArray probe = Nd4j.randn(DataType.DOUBLE, 20, 1, 6, 6);
        Snapshot s = Snapshot.of(net, probe);
        assertTrue(DenseChain.of(s.layers(), s.layout(), s.probe()).isEmpty(), "a CNN is not a dense chain");
        DenseChain.Head head = DenseChain.head(s.layers(), s.layout()).orElseThrow();
        assertEquals(2, head.start(), "the head starts at the first dense layer after the pooling");
        Random rnd = new Random(5);
        ParameterBlock w2 = s.layout().block("2", "W").orElseThrow();
        double[] oneUnit = s.parameters();
        for (int i = 0; i < w2.dim(0); i++) {
            oneUnit[w2.index(i, 1)] += 0.4 * rnd.nextGaussian();
        }
        assertClose(dl4j(net, probe, oneUnit), s.model().output(oneUnit, head.start()), "head pass, one unit moved");
        double[] wholeHead = s.parameters();
        for (String layer : new String[]{"2", "4"}) {
            for (ParameterBlock b : s.layout().blocksOf(layer).values()) {
                for (int k = 0; k < b.size(); k++) {
                    wholeHead[b.flatIndex()[k]] += 0.3 * rnd.nextGaussian();
                }
            }
        }
        assertClose(dl4j(net, probe, wholeHead), s.model().output(wholeHead, head.start()), "head pass, head moved");
        assertClose(dl4j(net, probe, wholeHead), s.model().output(wholeHead, 1), "DL4J's pass from the pooling layer on");
        double[] conv = s.parameters();
        conv[s.layout().block("0", "W").orElseThrow().flatIndex()[4]] += 0.5;
        assertClose(dl4j(net, probe, conv), s.model().output(conv, 0), "a kernel move of one channel");
        // A move of the convolution's bias alone starts from its cached pre-activation (ChannelMove).
        double[] bias = s.parameters();
        int[] b0 = s.layout().block("0", "b").orElseThrow().flatIndex();
        bias[b0[1]] += 0.3;
        bias[b0[2]] -= 0.2;
        assertClose(dl4j(net, probe, bias), s.model().output(bias, 0), "bias-only move of the convolution");
        bias[b0[0]] -= 0.5;
        assertClose(dl4j(net, probe, bias), s.model().output(bias, 0), "a second bias move (the scratch is reused)");
        assertClose(dl4j(net, probe, conv), s.model().output(conv, 0), "a kernel move after bias moves");
    }

    static double[][] dl4j(MultiLayerNetwork net, INDArray probe, double[] theta) {
        MultiLayerNetwork reference = net.clone();
        reference.setParams(Nd4j.createFromArray(theta).reshape(1, theta.length));
        return ForwardModel.rows(reference.output(probe, false));
    }

    private static MultiLayerNetwork network(org.nd4j.linalg.activations.IActivation hidden, Activation out, LossFunction loss) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(7).activation(hidden).build())
                .layer(new DenseLayer.Builder().nIn(7).nOut(5).activation(hidden).build())
                .layer(new OutputLayer.Builder(loss).nIn(5).nOut(3).activation(out).build())
                .build());
        net.init();
        return net;
    }

    private static INDArray probe(int n, int width) {
        Nd4j.getRandom().setSeed(3);
        return Nd4j.randn(DataType.DOUBLE, n, width);
    }

    private static void assertAgreesWithDl4j(MultiLayerNetwork net) {
        INDArray probe = probe(32, (int) net.layerInputSize(0));
        Snapshot s = Snapshot.of(net, probe);
        DenseChain chain = DenseChain.of(s.layers(), s.layout(), s.probe()).orElseThrow();
        Random rnd = new Random(17);
        double[] theta = s.parameters();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += 0.3 * rnd.nextGaussian();
        }
        MultiLayerNetwork reference = net.clone();
        reference.setParams(Nd4j.createFromArray(theta).reshape(1, theta.length));
        double[][] expected = ForwardModel.rows(reference.output(probe, false));
        assertClose(expected, chain.output(theta), "full pass");
        // Near theta-hat: one unit's incoming weights and outgoing row (sparse), then a whole layer (dense).
        IncrementalPass near = new IncrementalPass(chain, s.parametersView());
        double[] moved = s.parameters();
        ParameterBlock w0 = s.layout().block("0", "W").orElseThrow();
        ParameterBlock w1 = s.layout().block(String.valueOf(firstDenseAfter(s, 0)), "W").orElseThrow();
        for (int i = 0; i < w0.dim(0); i++) {
            moved[w0.index(i, 2)] += 0.4 * rnd.nextGaussian();
        }
        for (int o = 0; o < w1.dim(1); o++) {
            moved[w1.index(2, o)] += 0.4 * rnd.nextGaussian();
        }
        assertClose(chain.output(moved), near.output(moved, 0, Long.MAX_VALUE), "incremental pass, one unit moved");
        // A few weights of a unit and its bias (an activation-null lift): taken from the cached z.
        double[] few = s.parameters();
        few[w1.index(1, 0)] += 0.5;
        few[w1.index(0, 0)] -= 0.2;
        String nextLayer = String.valueOf(firstDenseAfter(s, 0));
        s.layout().block(nextLayer, "b").ifPresent(b -> few[b.flatIndex()[0]] -= 0.3);
        assertClose(chain.output(few), near.output(few, 0, Long.MAX_VALUE), "incremental pass, two weights and a bias of one unit");
        long sparseBudget = (long) s.probeSamples() * (w0.dim(0) + w0.dim(1) + w1.dim(0) * w1.dim(1));
        assertTrue(near.output(moved, 0, 8L * sparseBudget) != null, "a one-unit move stays within a small budget");
        assertClose(chain.output(theta), near.output(theta, 0, Long.MAX_VALUE), "incremental pass, everything moved");
        assertTrue(near.output(theta, 0, sparseBudget) == null, "a dense move exceeds a one-unit budget");
        double[][] same = near.output(s.parametersView(), 0, 0);
        double[][] base = chain.output(s.parametersView());
        for (int n = 0; n < base.length; n++) {
            assertArrayEquals(base[n], same[n], 0.0, "theta-hat itself: the cached output bit for bit");
        }
        assertClose(chain.output(moved), s.model().output(moved, 0), "the snapshot's model uses the chain");
    }

    private static int firstDenseAfter(Snapshot s, int layer) {
        for (int l = layer + 1; l < s.layers().size(); l++) {
            if (s.layout().block(String.valueOf(l), "W").isPresent()) {
                return l;
            }
        }
        throw new IllegalStateException("no dense layer after " + layer);
    }

    static void assertClose(double[][] expected, double[][] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int n = 0; n < expected.length; n++) {
            for (int o = 0; o < expected[n].length; o++) {
                assertEquals(expected[n][o], actual[n][o], 1e-12 * Math.max(1, Math.abs(expected[n][o])),
                        what + " at [" + n + "," + o + "]");
            }
        }
    }
}
