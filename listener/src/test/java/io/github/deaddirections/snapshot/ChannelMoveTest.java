package io.github.deaddirections.snapshot;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Passes that move a few output channels of one layer start from the layer's cached
 * pre-activation ({@link ChannelMove}) and must give DL4J's own output at the moved parameters:
 * kernel and bias moves of one and two channels of each convolution of a LeNet-shaped CNN, with
 * strided and padded convolutions, a dense layer's units below a batch norm, and a move of most
 * channels (which goes back to DL4J). The counter shows which passes took the shortcut.
 */
class ChannelMoveTest {

    @Test
    void convolutionChannelMovesMatchDl4j() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(2).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 2).stride(1, 2).padding(1, 0).nOut(6)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 1).stride(2, 1).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 2))
                .build());
        net.init();
        Nd4j.getRandom().setSeed(3);
        INDArray probe = Nd4j.randn(DataType.DOUBLE, 12, 2, 8, 8);
        Snapshot s = Snapshot.of(net, probe);
        Random rnd = new Random(5);
        for (int layer : new int[]{0, 2}) {
            String name = String.valueOf(layer);
            ParameterBlock w = s.layout().block(name, "W").orElseThrow();
            int[] b = s.layout().block(name, "b").orElseThrow().flatIndex();
            int perChannel = w.size() / (int) w.dim(0);
            long before = s.model().channelMovePasses();

            double[] oneKernel = s.parameters();
            for (int k = 0; k < perChannel; k++) {
                oneKernel[w.flatIndex()[perChannel + k]] += 0.3 * rnd.nextGaussian();
            }
            assertMatches(net, probe, s, oneKernel, layer, "layer " + name + ": kernel of channel 1");

            double[] oneEntry = s.parameters();
            oneEntry[w.index(2, 1, 1, 0)] += 0.7; // one kernel entry, as an output-null kernel lift's stencil
            oneEntry[b[2]] -= 0.2;
            assertMatches(net, probe, s, oneEntry, layer, "layer " + name + ": one kernel entry and the bias of channel 2");

            double[] twoChannels = s.parameters();
            for (int k = 0; k < perChannel; k++) {
                twoChannels[w.flatIndex()[k]] += 0.2 * rnd.nextGaussian();
                twoChannels[w.flatIndex()[3 * perChannel + k]] += 0.2 * rnd.nextGaussian();
            }
            twoChannels[b[3]] += 0.1;
            assertMatches(net, probe, s, twoChannels, layer, "layer " + name + ": channels 0 and 3");

            double[] biasOnly = s.parameters();
            biasOnly[b[1]] += 0.3;
            assertMatches(net, probe, s, biasOnly, layer, "layer " + name + ": bias of channel 1 alone");
            assertEquals(before + 4, s.model().channelMovePasses(), "layer " + name + ": all four took the shortcut");

            double[] most = s.parameters();
            for (int c = 0; c < b.length - 1; c++) {
                most[b[c]] += 0.1 * (c + 1);
            }
            assertMatches(net, probe, s, most, layer, "layer " + name + ": all channels but one (DL4J's pass)");
            assertEquals(before + 4, s.model().channelMovePasses(), "layer " + name + ": a move of most channels goes to DL4J");
        }
        double[] nothing = s.parameters();
        double[][] base = ForwardModel.rows(net.output(probe, false));
        double[][] same = s.model().output(nothing, 2);
        for (int n = 0; n < base.length; n++) {
            assertArrayEquals(base[n], same[n], 1e-12, "theta-hat itself");
        }
    }

    @Test
    void dilatedStridedSameConvolutionMatchesDl4j() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(8).dataType(DataType.DOUBLE)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 2).stride(2, 1).dilation(2, 2).nIn(3).nOut(5)
                        .convolutionMode(ConvolutionMode.Same).activation(Activation.ELU).build())
                .layer(new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(7, 9, 3))
                .build());
        net.init();
        Nd4j.getRandom().setSeed(6);
        INDArray probe = Nd4j.randn(DataType.DOUBLE, 10, 3, 7, 9);
        Snapshot s = Snapshot.of(net, probe);
        ParameterBlock w = s.layout().block("0", "W").orElseThrow();
        long before = s.model().channelMovePasses();
        Random rnd = new Random(2);
        for (int entry = 0; entry < w.size() / w.dim(0); entry++) {
            double[] theta = s.parameters();
            theta[w.flatIndex()[3 * (w.size() / (int) w.dim(0)) + entry]] += rnd.nextGaussian();
            assertMatches(net, probe, s, theta, 0, "kernel entry " + entry + " of channel 3");
        }
        assertEquals(before + w.size() / w.dim(0), s.model().channelMovePasses(), "every entry took the shortcut");
    }

    @Test
    void denseUnitMovesBelowABatchNormMatchDl4j() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(8).activation(Activation.SIGMOID).build())
                .layer(new BatchNormalization.Builder().nOut(8).build())
                .layer(new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(5))
                .build());
        net.init();
        Nd4j.getRandom().setSeed(4);
        INDArray probe = Nd4j.randn(DataType.DOUBLE, 16, 5);
        Snapshot s = Snapshot.of(net, probe);
        ParameterBlock w = s.layout().block("0", "W").orElseThrow();
        int[] b = s.layout().block("0", "b").orElseThrow().flatIndex();
        long before = s.model().channelMovePasses();
        double[] unit = s.parameters();
        for (int i = 0; i < w.dim(0); i++) {
            unit[w.index(i, 6)] += 0.5;
        }
        unit[b[6]] -= 0.3;
        unit[w.index(1, 2)] += 0.4;
        assertMatches(net, probe, s, unit, 0, "units 6 and 2 of the dense layer");
        assertEquals(before + 1, s.model().channelMovePasses(), "the dense move took the shortcut");
    }

    private static void assertMatches(MultiLayerNetwork net, INDArray probe, Snapshot s, double[] theta, int from,
                                      String what) {
        DenseChainTest.assertClose(DenseChainTest.dl4j(net, probe, theta), s.model().output(theta, from), what);
    }
}
