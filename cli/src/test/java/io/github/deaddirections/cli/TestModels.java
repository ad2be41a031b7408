package io.github.deaddirections.cli;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.io.IOException;
import java.nio.file.Path;

/** Small saved models for the tests: a linear regression 3 -> 1 with any loss. */
final class TestModels {

    private TestModels() {
    }

    static MultiLayerNetwork linear(LossFunction loss) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .list()
                .layer(new OutputLayer.Builder(loss).nIn(3).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    static Path save(MultiLayerNetwork net, Path file) throws IOException {
        ModelSerializer.writeModel(net, file.toFile(), false);
        return file;
    }
}
