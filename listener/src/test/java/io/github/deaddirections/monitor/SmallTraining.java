package io.github.deaddirections.monitor;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Random;

/** A tiny seeded regression (3 -> 5 tanh -> 1) trained a few epochs: fast enough to train twice per test. */
final class SmallTraining {

    static final long SEED = 7;

    private SmallTraining() {
    }

    static DataSet data() {
        Random rnd = new Random(SEED);
        double[] x = new double[64 * 3];
        double[] y = new double[64];
        for (int i = 0; i < 64; i++) {
            double s = 0;
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = rnd.nextGaussian();
                s += (j + 1) * x[i * 3 + j];
            }
            y[i] = Math.tanh(0.5 * s);
        }
        INDArray features = Nd4j.createFromArray(x).reshape(64, 3).castTo(DataType.FLOAT);
        return new DataSet(features, Nd4j.createFromArray(y).reshape(64, 1).castTo(DataType.FLOAT));
    }

    static DataSetIterator iterator() {
        return new ListDataSetIterator<>(data().asList(), 16);
    }

    static MultiLayerNetwork network() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(SEED)
                .weightInit(WeightInit.XAVIER).updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(5).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    static ComputationGraph graph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(SEED)
                .weightInit(WeightInit.XAVIER).updater(new Adam(1e-2)).graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(3).nOut(5).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MSE).nIn(5).nOut(1)
                        .activation(Activation.IDENTITY).build(), "hidden")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }
}
