package io.github.deaddirections.scaling;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.report.DeadDirectionReport;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The read's cost on networks unlike the ones it was tuned on (issue 12, item 6), with the
 * default settings throughout (the exact path where P is within the fisher-null limit):
 * <ul>
 *   <li>tanh, sigmoid and GELU MLPs (32 inputs, two hidden layers of width w, softmax over 10
 *       classes) at about 1e3, 1e4, 1e5 and 1e6 parameters;</li>
 *   <li>LeNet-like CNNs (conv 3x3 c tanh, average pool, conv 3x3 2c tanh, average pool, dense h
 *       tanh, softmax over 10, as LeNet-5 had it) at about 1e3 to 1e6 parameters on 28 x 28 images
 *       (a dead ReLU channel is an inactive unit with an open flat region, not a node death);</li>
 * </ul>
 * each trained for one epoch over 50k samples (the epoch time is the yardstick, measured in the
 * same run), then about 1% of the units of every hidden layer (at least one), or of the channels
 * of every convolution, are killed (incoming weights, bias and outgoing weights set to 0) and the
 * network is read on a 512-sample probe. Every planted unit must be found as a node death of order
 * 2; the row says how many were. Prints read / epoch, passes, lambda, and the fitted exponent of
 * read time against P per family. Not part of the default test run:
 *
 * <pre>mvn -B -pl tests -am test -DexcludedTags=none -Dtest=PlantedFamiliesBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 * ({@code -Dbench.families=tanh,sigmoid,gelu,cnn} picks families, {@code -Dbench.sizes=0,1,2,3} sizes).
 */
@Tag("benchmark")
@Tag("scaling-benchmark")
class PlantedFamiliesBenchmark {

    private static final int PROBE = 512;
    private static final int INPUTS = 32;
    private static final int CLASSES = 10;
    private static final int IMAGE = 28;
    private static final int EPOCH_SAMPLES = Integer.getInteger("bench.epochSamples", 50_000);
    private static final int[] WIDTHS = {20, 80, 300, 990};
    // At least two channels: the smallest CNN must keep a live channel when one is killed.
    private static final int[][] CNN = {{2, 8}, {4, 24}, {8, 128}, {32, 300}};

    private record Row(String model, long p, double readMs, double epochMs, long passes, double lambda, int planted,
                       int found) {
    }

    @Test
    void readCostWithDeadUnitsInEveryLayer() {
        List<String> families = List.of(System.getProperty("bench.families", "tanh,sigmoid,gelu,cnn").split(","));
        List<String> sizes = List.of(System.getProperty("bench.sizes", "0,1,2,3").split(","));
        for (String family : families) {
            List<Row> rows = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                if (!sizes.contains(Integer.toString(s))) {
                    continue;
                }
                rows.add(family.equals("cnn") ? run("cnn-" + CNN[s][0] + "-" + CNN[s][1], cnn(CNN[s][0], CNN[s][1]), true)
                        : run(family + "-" + WIDTHS[s], mlp(Activation.valueOf(family.toUpperCase(Locale.ROOT)), WIDTHS[s]),
                        false));
            }
            print(family, rows);
        }
    }

    private static MultiLayerNetwork mlp(Activation phi, int width) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nIn(INPUTS).nOut(width).activation(phi).build())
                .layer(new DenseLayer.Builder().nIn(width).nOut(width).activation(phi).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(width).nOut(CLASSES).activation(Activation.SOFTMAX)
                        .build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static MultiLayerNetwork cnn(int channels, int hidden) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(channels).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2 * channels).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(hidden).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(CLASSES).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(IMAGE, IMAGE, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static Row run(String name, MultiLayerNetwork net, boolean image) {
        Nd4j.getRandom().setSeed(7);
        long[] shape = image ? new long[]{EPOCH_SAMPLES, 1, IMAGE, IMAGE} : new long[]{EPOCH_SAMPLES, INPUTS};
        INDArray x = Nd4j.randn(DataType.FLOAT, shape);
        // Labels from a fixed random linear teacher, so the epoch learns something.
        INDArray flat = x.reshape(EPOCH_SAMPLES, x.length() / EPOCH_SAMPLES);
        INDArray teacher = Nd4j.randn(DataType.FLOAT, flat.size(1), CLASSES);
        INDArray y = Nd4j.zeros(DataType.FLOAT, EPOCH_SAMPLES, CLASSES);
        INDArray argmax = flat.mmul(teacher).argMax(1);
        for (int i = 0; i < EPOCH_SAMPLES; i++) {
            y.putScalar(i, argmax.getInt(i), 1f);
        }
        long t0 = System.nanoTime();
        for (DataSet batch : new DataSet(x, y).batchBy(256)) {
            net.fit(batch);
        }
        double epochMs = (System.nanoTime() - t0) / 1e6;
        List<String> planted = plant(net, new Random(11));
        INDArray probe = x.get(NDArrayIndex.interval(0, PROBE)).dup();
        long r0 = System.nanoTime();
        DeadDirectionReport report = DeadDirectionReader.withDefaults().readExact(Snapshot.of(net, probe));
        double readMs = (System.nanoTime() - r0) / 1e6;
        int found = 0;
        for (String id : planted) {
            StructureReport s = report.structures().stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
            if (s != null && s.structureClass() == StructureClass.GENUINE_SINGULARITY && s.order() == 2) {
                found++;
            } else {
                System.out.printf(Locale.ROOT, "%s: planted %s read as %s%n", name, id,
                        s == null ? "nothing" : s.structureClass() + " order " + s.order());
            }
        }
        Row row = new Row(name, report.parameters(), readMs, epochMs, report.timing().forwardPasses(),
                report.global().learningCoefficient(), planted.size(), found);
        System.out.printf(Locale.ROOT, "measured %s: P %d, read %.0f ms, epoch %.0f ms, ratio %.3f, %d passes, lambda %.1f,"
                        + " %d of %d planted found (%d blocks read, %d claimed by law)%n", name, row.p(), readMs, epochMs,
                readMs / epochMs, row.passes(), row.lambda(), found, planted.size(), report.global().structuresRead(),
                report.global().structuresClaimedByLaw());
        return row;
    }

    /** Kills about 1% (at least one) of the units or channels of every hidden layer; returns their node-death ids. */
    private static List<String> plant(MultiLayerNetwork net, Random random) {
        List<String> ids = new ArrayList<>();
        org.deeplearning4j.nn.api.Layer[] layers = net.getLayers();
        for (int l = 0; l < layers.length - 1; l++) {
            INDArray w = layers[l].getParam("W");
            if (w == null) {
                continue;
            }
            int next = l + 1;
            while (layers[next].getParam("W") == null) {
                next++;
            }
            boolean conv = w.rank() == 4;
            int units = (int) (conv ? w.size(0) : w.size(1));
            int dead = Math.max(1, Math.round(units / 100f));
            for (int k = 0; k < dead; k++) {
                int j = (k * units) / dead + random.nextInt(Math.max(1, units / dead));
                kill(layers[l], layers[next], j, conv);
                ids.add("node-death:" + l + ":" + (conv ? "channel" : "unit") + j);
            }
        }
        return ids;
    }

    /** Sets to 0 every entry of a 4-d array whose index along {@code axis} is {@code j}. */
    private static void zeroSlice(INDArray a, int axis, int j) {
        long[] shape = a.shape();
        for (long i0 = 0; i0 < shape[0]; i0++) {
            for (long i1 = 0; i1 < shape[1]; i1++) {
                if ((axis == 0 ? i0 : i1) != j) {
                    continue;
                }
                for (long i2 = 0; i2 < shape[2]; i2++) {
                    for (long i3 = 0; i3 < shape[3]; i3++) {
                        a.putScalar(new long[]{i0, i1, i2, i3}, 0.0);
                    }
                }
            }
        }
    }

    private static void kill(org.deeplearning4j.nn.api.Layer layer, org.deeplearning4j.nn.api.Layer consumer, int j,
                             boolean conv) {
        INDArray w = layer.getParam("W");
        INDArray wNext = consumer.getParam("W");
        layer.getParam("b").putScalar(j, 0);
        if (conv) {
            // Entry by entry: a point-indexed view of a 4-d parameter view has no buffer in ND4J 1.0.0-M2.1.
            zeroSlice(w, 0, j);
            if (wNext.rank() == 4) {
                zeroSlice(wNext, 1, j);
            } else {
                // A dense head after flattening NCHW: channel j's rows are j*hw ... (j+1)*hw - 1.
                long hw = wNext.size(0) / w.size(0);
                wNext.get(NDArrayIndex.interval(j * hw, (j + 1) * hw), NDArrayIndex.all()).assign(0);
            }
        } else {
            w.getColumn(j).assign(0);
            wNext.getRow(j).assign(0);
        }
    }

    private static void print(String family, List<Row> rows) {
        System.out.printf(Locale.ROOT, "%n%s: read (probe %d, default settings) vs one epoch over %d samples%n", family, PROBE,
                EPOCH_SAMPLES);
        System.out.printf(Locale.ROOT, "%-12s %10s %10s %10s %8s %8s %10s %8s%n", "model", "P", "read ms", "epoch ms",
                "ratio", "passes", "lambda", "found");
        double[] sizes = new double[rows.size()];
        double[] millis = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            System.out.printf(Locale.ROOT, "%-12s %10d %10.0f %10.0f %8.3f %8d %10.1f %5d/%d%n", r.model(), r.p(), r.readMs(),
                    r.epochMs(), r.readMs() / r.epochMs(), r.passes(), r.lambda(), r.found(), r.planted());
            sizes[i] = r.p();
            millis[i] = r.readMs();
        }
        if (rows.size() < 2) {
            return;
        }
        System.out.printf(Locale.ROOT, "%s: fitted exponent of read time against P: %.2f%n", family, ScalingExponent.of(sizes, millis));
    }
}
