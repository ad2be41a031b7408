package io.github.deaddirections.scaling;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.report.DeadDirectionReport;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the read's cost grows with the model (issue 5): MLPs and CNNs of about 1e3 to 1e6
 * parameters, each trained for one epoch on synthetic data, then read on a 512-sample probe with
 * the structural detectors only (the exact Fisher is switched off so every size takes the same
 * path). Prints per size: read time, one training epoch, their ratio, peak heap, and the fitted
 * exponent of read time against P. Not part of the default test run:
 *
 * <pre>mvn -B -pl tests -am test -DexcludedTags=none -Dtest=ReadScalingBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * ({@code -Dbench.families=mlp} or {@code cnn} runs one family only; {@code -Dbench.exactCheck=true} also
 * reads the models within the fisher-null limit on the exact path and prints both lambdas; on a
 * trained CNN that takes hours, since the exact path's generic gauge test forms a full Jacobian at
 * 2 d0 + 8 nearby points for the null directions no detector explains).
 */
@Tag("benchmark")
@Tag("scaling-benchmark")
class ReadScalingBenchmark {

    private static final int PROBE = 512;
    private static final int IMAGE = 28;
    private static final int EPOCH_SAMPLES = Integer.getInteger("bench.epochSamples", 50_000);

    private record Row(String model, long p, double readMs, double epochMs, double peakHeapMb, long passes, double lambda) {
    }

    @Test
    void readCostAgainstModelSize() {
        List<String> families = List.of(System.getProperty("bench.families", "mlp,cnn").split(","));
        List<String> models = List.of(System.getProperty("bench.models", "").split(","));
        if (families.contains("mlp")) {
            List<Row> mlp = new ArrayList<>();
            for (int width : new int[]{20, 80, 300, 990}) {
                if (selected(models, "mlp-" + width)) {
                    mlp.add(run("mlp-" + width, mlp(width), 32, false));
                }
            }
            print("MLP", mlp);
        }
        if (families.contains("cnn")) {
            List<Row> cnn = new ArrayList<>();
            // LeNet-shaped, like most image classifiers: a convolutional trunk and a dense head
            // holding most of the parameters.
            int[][] sizes = {{1, 8}, {4, 24}, {8, 128}, {32, 300}};
            for (int[] size : sizes) {
                String name = "cnn-" + size[0] + "-" + size[1];
                if (selected(models, name)) {
                    cnn.add(run(name, cnn(size[0], size[1]), 0, true));
                }
            }
            print("CNN", cnn);
        }
    }

    static MultiLayerNetwork mlp(int width) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nIn(32).nOut(width).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(width).nOut(width).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(width).nOut(4).activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static boolean selected(List<String> models, String name) {
        return models.equals(List.of("")) || models.contains(name);
    }

    /** conv 3x3 (c) - max pool - conv 3x3 (2c) - max pool - dense (h) - output, on 28 x 28 images. */
    private static MultiLayerNetwork cnn(int channels, int hidden) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(channels).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2 * channels).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(hidden).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nOut(4).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(IMAGE, IMAGE, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static Row run(String name, MultiLayerNetwork net, int inputs, boolean image) {
        Nd4j.getRandom().setSeed(7);
        long[] shape = image ? new long[]{EPOCH_SAMPLES, 1, IMAGE, IMAGE} : new long[]{EPOCH_SAMPLES, inputs};
        INDArray x = Nd4j.randn(DataType.FLOAT, shape);
        INDArray y = Nd4j.randn(DataType.FLOAT, EPOCH_SAMPLES, 4);
        List<DataSet> batches = new DataSet(x, y).batchBy(256);
        long t0 = System.nanoTime();
        for (DataSet batch : batches) {
            net.fit(batch);
        }
        double epochMs = (System.nanoTime() - t0) / 1e6;

        INDArray probe = image ? x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, PROBE)).dup()
                : x.getRows(java.util.stream.IntStream.range(0, PROBE).toArray());
        // -Dbench.outputNullMaxWidth=0 reads without the K-FAC G side's stencils.
        ReadConfig.Builder config = ReadConfig.builder().fisherNullLimit(1);
        if (System.getProperty("bench.outputNullMaxWidth") != null) {
            config.outputNullMaxWidth(Integer.getInteger("bench.outputNullMaxWidth"));
        }
        DeadDirectionReader reader = DeadDirectionReader.builder().config(config.build()).build();
        resetPeaks();
        long r0 = System.nanoTime();
        DeadDirectionReport report = reader.readExact(Snapshot.of(net, probe));
        double readMs = (System.nanoTime() - r0) / 1e6;
        Row row = new Row(name, report.parameters(), readMs, epochMs, peakHeapMb(), report.timing().forwardPasses(),
                report.global().learningCoefficient());
        // Each row as soon as it is measured: the large models take minutes.
        System.out.printf(Locale.ROOT, "measured %s: P %d, read %.0f ms, epoch %.0f ms, ratio %.3f, %d passes, lambda %.1f%n",
                name, row.p(), readMs, epochMs, readMs / epochMs, row.passes(), row.lambda());
        if (Boolean.getBoolean("bench.exactCheck") && report.parameters() <= ReadConfig.defaults().fisherNullLimit()) {
            // A second method on the same trained network: the exact Fisher's rank and null space.
            DeadDirectionReport exact = DeadDirectionReader.withDefaults().readExact(Snapshot.of(net, probe));
            System.out.printf(Locale.ROOT, "exact path on %s: fisher rank %d, lambda %.1f (structural path %.1f), gauge %d%n",
                    name, exact.fisherRank(), exact.global().learningCoefficient(), row.lambda(),
                    exact.global().gaugeDimension());
        }
        return row;
    }

    private static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }
    }

    private static double peakHeapMb() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum / 1e6;
    }

    private static void print(String family, List<Row> rows) {
        System.out.printf(Locale.ROOT, "%n%s: read (probe %d, structural detectors) vs one epoch over %d samples%n", family,
                PROBE, EPOCH_SAMPLES);
        System.out.printf(Locale.ROOT, "%-10s %10s %10s %10s %8s %10s %8s %10s%n", "model", "P", "read ms", "epoch ms",
                "ratio", "heap MB", "passes", "lambda");
        double[] sizes = new double[rows.size()];
        double[] millis = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            System.out.printf(Locale.ROOT, "%-10s %10d %10.0f %10.0f %8.3f %10.1f %8d %10.1f%n", r.model(), r.p(), r.readMs(),
                    r.epochMs(), r.readMs() / r.epochMs(), r.peakHeapMb(), r.passes(), r.lambda());
            sizes[i] = r.p();
            millis[i] = r.readMs();
        }
        System.out.printf(Locale.ROOT, "%s: fitted exponent of read time against P: %.2f%n", family, ScalingExponent.of(sizes, millis));
    }
}
