package io.github.deaddirections.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.listeners.CheckpointListener;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Models as users save them: a checkpoint of a real training run, and a ComputationGraph. */
class SavedModelsTest {

    @TempDir
    Path dir;

    /** Dense(3 -> 4, tanh) -> softmax(2), trained two epochs; DL4J's CheckpointListener saves each epoch. */
    @Test
    void readsTheLatestCheckpointOfATrainingRun() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(11).updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(4).nOut(2).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        File checkpoints = Files.createDirectories(dir.resolve("checkpoints")).toFile();
        net.setListeners(new CheckpointListener.Builder(checkpoints).saveEveryEpoch().keepLast(2).build());
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 64, 3);
        INDArray positive = x.getColumn(0).add(x.getColumn(1)).gt(0).castTo(DataType.FLOAT).reshape(64, 1);
        INDArray y = Nd4j.hstack(positive, positive.rsub(1.0));
        // Epochs end only with an iterator: 4 minibatches of 16, two epochs.
        net.fit(new ListDataSetIterator<>(new DataSet(x, y).asList(), 16), 2);

        File latest = CheckpointListener.getFileForCheckpoint(checkpoints, CheckpointListener.lastCheckpoint(checkpoints)
                .getCheckpointNum());
        assertTrue(latest.getName().endsWith(".zip"), latest.getName());
        assertEquals(2, CheckpointListener.availableCheckpoints(checkpoints).size(), "one checkpoint per epoch");
        // The probe as users often have it: a CSV with a header and the labels in the last columns.
        StringBuilder csv = new StringBuilder("x1,x2,x3,is_positive,is_negative\n");
        for (int i = 0; i < 64; i++) {
            csv.append(String.format(Locale.ROOT, "%.6f,%.6f,%.6f,%.0f,%.0f%n", x.getDouble(i, 0), x.getDouble(i, 1),
                    x.getDouble(i, 2), y.getDouble(i, 0), y.getDouble(i, 1)));
        }
        Path probe = Files.writeString(dir.resolve("probe.csv"), csv);
        Path json = dir.resolve("checkpoint.json");

        Cli.Result r = Cli.run("read", "--model", latest.getPath(), "--probe", probe.toString(), "--label-columns", "2",
                "--json", json.toString(), "--html", dir.resolve("checkpoint.html").toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        JsonNode read = new ObjectMapper().readTree(json.toFile());
        assertEquals(3 * 4 + 4 + 4 * 2 + 2, read.path("parameters").asInt(), "P of the trained network");
        assertEquals(64, read.path("probeSamples").asInt());
        // Softmax over two classes: the logit shift is a gauge, so at least n_in + 1 = 5 flat directions.
        assertTrue(read.path("global").path("gaugeDimension").asInt() >= 5, r::toString);
        assertTrue(r.err().contains("dead-directions: reading 26 parameters on 64 probe samples"), () -> "progress lines\n" + r);
    }

    /** A ComputationGraph zip is recognised as such and reads as the same graph in memory does. */
    @Test
    void readsAComputationGraph() throws Exception {
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(2).dataType(DataType.DOUBLE)
                .graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(2).nOut(3).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(1).activation(Activation.IDENTITY)
                        .build(), "hidden")
                .setOutputs("out")
                .build());
        graph.init();
        Path model = dir.resolve("graph.zip");
        ModelSerializer.writeModel(graph, model.toFile(), false);
        assertEquals(ModelLoader.Kind.COMPUTATION_GRAPH, ModelLoader.kindOf(model));
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 100, 2);
        Path probe = dir.resolve("probe.bin");
        new DataSet(x, Nd4j.zeros(DataType.DOUBLE, 100, 1)).save(probe.toFile());
        Path json = dir.resolve("graph.json");

        Cli.Result r = Cli.run("read", "--model", model.toString(), "--probe", probe.toString(), "--max-samples", "60",
                "--json", json.toString(), "-q");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        JsonNode read = new ObjectMapper().readTree(json.toFile());
        DeadDirectionReport library = DeadDirectionReader.withDefaults().read(Snapshot.of(graph, x.get(
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 60)).dup()));
        assertEquals(60, read.path("probeSamples").asInt(), "--max-samples keeps the first 60");
        assertEquals(13, read.path("parameters").asInt());
        assertEquals(library.fisherRank(), read.path("fisherRank").asInt());
        assertEquals(library.global().learningCoefficient(), read.path("global").path("learningCoefficient").asDouble(), 1e-12);
        assertEquals(library.global().multiplicity(), read.path("global").path("multiplicity").asInt());
    }
}
