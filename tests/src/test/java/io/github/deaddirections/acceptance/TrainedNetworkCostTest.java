package io.github.deaddirections.acceptance;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.ReportTable;
import io.github.deaddirections.report.StructureClass;
import io.github.deaddirections.report.StructureReport;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, item 5: default settings read small *trained* networks for what their structure needs.
 * A LeNet-like CNN of under a thousand parameters (8 x 8 images, two ReLU convolutions with max
 * pooling, a ReLU dense layer, softmax over 10 classes) and a 400-parameter tanh MLP, each trained
 * a few epochs on labels from a random teacher, are read on 512 probe samples. The budget is
 * counted in forward passes (machine-independent): at most 10,000 for the CNN. Every FLAT_GAUGE
 * the read reports must carry its certificate, and the null space must be fully owned.
 */
class TrainedNetworkCostTest {

    private static final int PROBE = 512;
    private static final int CLASSES = 10;

    @ParameterizedTest(name = "{0} convolutions, {1} padding, seed {2}")
    @CsvSource({"RELU, truncate, 3", "RELU, same, 4", "TANH, truncate, 5", "LEAKYRELU, same, 6"})
    void aTrainedSmallCnnReadsInAtMostTenThousandPasses(Activation phi, String padding, long seed) {
        ConvolutionMode mode = padding.equals("same") ? ConvolutionMode.Same : ConvolutionMode.Truncate;
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(5e-3))
                .convolutionMode(mode).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(4).activation(phi).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(6).activation(phi).build())
                .layer(new DenseLayer.Builder().nOut(mode == ConvolutionMode.Same ? 4 : 12).activation(phi).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(CLASSES).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DeadDirectionReport report = trainAndRead(net, new long[]{2048, 1, 8, 8});
        assertTrue(report.parameters() < 1000, report.parameters() + " parameters");
        assertTrue(report.timing().forwardPasses() <= 10_000,
                report.timing().forwardPasses() + " forward passes for a trained " + report.parameters()
                        + "-parameter CNN\n" + ReportTable.render(report));
    }

    @Test
    void aTrainedFourHundredParameterMlpReadsInAtMostTenThousandPasses() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(5e-3)).list()
                .layer(new DenseLayer.Builder().nIn(9).nOut(16).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(16).nOut(12).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(12).nOut(3).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DeadDirectionReport report = trainAndRead(net, new long[]{2048, 9});
        assertEquals(403, report.parameters());
        assertTrue(report.timing().forwardPasses() <= 10_000,
                report.timing().forwardPasses() + " forward passes for a trained 403-parameter MLP\n"
                        + ReportTable.render(report));
    }

    private static DeadDirectionReport trainAndRead(MultiLayerNetwork net, long[] shape) {
        Nd4j.getRandom().setSeed(17);
        INDArray x = Nd4j.randn(DataType.FLOAT, shape);
        int n = (int) shape[0];
        INDArray flat = x.reshape(n, x.length() / n);
        int classes = (int) net.getLayer(net.getnLayers() - 1).getParam("b").length();
        INDArray teacher = Nd4j.randn(DataType.FLOAT, flat.size(1), classes);
        INDArray argmax = flat.mmul(teacher).argMax(1);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, argmax.getInt(i), 1f);
        }
        DataSet all = new DataSet(x, y);
        for (int epoch = 0; epoch < 5; epoch++) {
            for (DataSet batch : all.batchBy(64)) {
                net.fit(batch);
            }
        }
        INDArray probe = x.get(NDArrayIndex.interval(0, PROBE)).dup();
        DeadDirectionReport report = DeadDirectionReader.withDefaults().readExact(Snapshot.of(net, probe));
        System.out.printf("trained %d-parameter network: %d forward passes, %.0f ms, rank %d, lambda %.2f%n",
                report.parameters(), report.timing().forwardPasses(), report.timing().totalMillis(), report.fisherRank(),
                report.global().learningCoefficient());
        for (StructureReport s : report.structuresOf(StructureClass.FLAT_GAUGE)) {
            assertNotNull(s.certifiedBy(), s.id() + " is a FLAT_GAUGE without a certificate");
        }
        int owned = report.global().gaugeDimension() + report.global().unresolvedDirections()
                + report.structuresOf(StructureClass.GENUINE_SINGULARITY).stream().mapToInt(StructureReport::dimension).sum();
        assertEquals(report.parameters() - report.fisherRank(), owned, "every null dimension owned\n" + ReportTable.render(report));
        return report;
    }
}
