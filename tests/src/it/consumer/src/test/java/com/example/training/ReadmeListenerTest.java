package com.example.training;

import com.sun.net.httpserver.HttpServer;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user does with README.md's snippet: train their own network through
 * {@link TrainWithDeadDirections#fit}, serve the meters with
 * {@link TrainWithDeadDirections#serveMetrics}, and let Prometheus scrape them.
 */
class ReadmeListenerTest {

    @Test
    void trainingWithTheReadmeListenerServesItsReadsOnMetrics() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .dataType(DataType.FLOAT).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        INDArray before = net.params().dup();
        INDArray x = Nd4j.rand(DataType.FLOAT, 256, 3).subi(0.5);
        INDArray y = x.sum(true, 1).reshape(256, 1);
        ListDataSetIterator<DataSet> train = new ListDataSetIterator<>(new DataSet(x, y).asList(), 32);

        HttpServer server = TrainWithDeadDirections.serveMetrics(0);
        try {
            TrainWithDeadDirections.fit(net, train, 60);
            String metrics = scrape(server.getAddress().getPort());

            assertTrue(net.params().neq(before).any(), "the network trained");
            double successes = value(metrics, "deaddirections_reads_total\\{model=\"my-mlp\",outcome=\"success\"\\}");
            double skipped = value(metrics, "deaddirections_reads_total\\{model=\"my-mlp\",outcome=\"skipped\"\\}");
            double cancelled = value(metrics, "deaddirections_reads_total\\{model=\"my-mlp\",outcome=\"cancelled\"\\}");
            double failures = value(metrics, "deaddirections_reads_total\\{model=\"my-mlp\",outcome=\"failure\"\\}");
            assertEquals(0, failures, metrics);
            assertEquals(60 / 5, successes + skipped + cancelled, "every scheduled read is counted once\n" + metrics);
            assertTrue(successes >= 1, "at least one read finished\n" + metrics);
            // A 3-4-1 tanh network: 21 parameters, at most 21/2 in lambda, and a finite value once read.
            double lambda = value(metrics, "deaddirections_learning_coefficient\\{model=\"my-mlp\",resolution=\"exact\"\\}");
            assertTrue(lambda > 0 && lambda <= 21 / 2.0, "lambda = " + lambda);
        } finally {
            server.stop(0);
        }
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** The value of the one series matching {@code series} (a regex of name and tags). */
    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), "no series " + series + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }
}
