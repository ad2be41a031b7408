package io.github.deaddirections.bench;

import io.github.deaddirections.demo.TeacherStudent;
import io.github.deaddirections.monitor.DeadDirectionListener;
import io.github.deaddirections.monitor.ReadStatistics;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A user's training, as {@link ListenerReadCostBenchmark} runs it in a JVM of its own with ND4J's
 * default threading (no OMP_NUM_THREADS): the listener with its defaults, reading every 5 epochs (the demo: at its default schedule),
 * and a checkpoint saved at every scheduled epoch, so the CLI can read the same parameters. Prints
 * one {@code READ} line per finished read and a {@code SUMMARY} line.
 *
 * <p>Arguments: {@code mlp400|demo epochs outputDirectory}.
 */
public final class UserTraining {

    /** The MLP reads every 5 epochs (issue 14's case); the demo at its own default schedule. */
    static int readEvery(String model) {
        return model.equals("demo") ? io.github.deaddirections.demo.DemoOptions.defaults().readEvery() : 5;
    }

    public static void main(String[] args) throws Exception {
        String model = args[0];
        int epochs = Integer.parseInt(args[1]);
        Path dir = Files.createDirectories(Path.of(args[2]));
        MultiLayerNetwork net;
        DataSet data;
        if (model.equals("demo")) {
            TeacherStudent problem = new TeacherStudent(42);
            net = problem.student();
            data = problem.data();
        } else {
            net = mlp400();
            data = mlpData();
        }
        DataSetIterator batches = new ListDataSetIterator<>(data.asList(), 64);
        data.save(dir.resolve("probe.bin").toFile());
        int every = readEvery(model);
        net.addListeners(new Checkpoints(dir, every));
        try (DeadDirectionListener listener = DeadDirectionListener.builder().model(model).everyEpochs(every)
                .probe(batches, 256)
                .onRead(r -> System.out.printf(Locale.ROOT, "READ epoch=%d millis=%.1f passes=%d%n", r.epoch(),
                        r.report().timing().totalMillis(), r.report().timing().forwardPasses()))
                .build()) {
            net.addListeners(listener);
            long start = System.nanoTime();
            for (int e = 0; e < epochs; e++) {
                net.fit(batches);
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            listener.awaitReads(java.time.Duration.ofMinutes(5));
            ReadStatistics s = listener.statistics();
            System.out.printf(Locale.ROOT, "SUMMARY params=%d scheduled=%d success=%d skipped=%d failed=%d train_s=%.1f%n",
                    net.numParams(), epochs / every, s.successes(), s.skips(), s.failures(), trainSeconds);
        }
    }

    /** 10-16-12-1 (ReLU, tanh; 393 parameters), like the 403-parameter MLP of issue 14. */
    static MultiLayerNetwork mlp400() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .dataType(DataType.FLOAT).updater(new Adam(3e-3)).list()
                .layer(new DenseLayer.Builder().nIn(10).nOut(16).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(16).nOut(12).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(12).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    static DataSet mlpData() {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 1024, 10);
        INDArray y = Nd4j.math().tanh(x.getColumns(0, 1, 2).sum(true, 1)).reshape(1024, 1)
                .addi(x.getColumn(3).reshape(1024, 1).mul(0.5));
        return new DataSet(x, y);
    }

    /** Saves the network at every scheduled epoch, before the read listener copies it (same parameters). */
    private static final class Checkpoints extends BaseTrainingListener {
        private final Path dir;
        private final int every;

        Checkpoints(Path dir, int every) {
            this.dir = dir;
            this.every = every;
        }

        @Override
        public void onEpochEnd(Model model) {
            MultiLayerNetwork net = (MultiLayerNetwork) model;
            int completed = net.getEpochCount() + 1;
            if (completed % every == 0) {
                try {
                    ModelSerializer.writeModel(net, dir.resolve(String.format("epoch-%05d.zip", completed)).toFile(), false);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
