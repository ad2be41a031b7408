package io.github.deaddirections.llcbench;

import io.github.deaddirections.llc.LlcData;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Random;

/**
 * One of devinterp's reduced-rank accuracy cases (its {@code test_accuracy_rrr}): a two-layer
 * linear network M -> H -> N without biases, trained with full-batch Adam(0.01) for 5000 steps
 * on MSE, on n = 1000 samples with x and y drawn independently from N(0, 1). Since y does not
 * depend on x, the true map is W = 0 (rank r = 0) and the learning coefficient is
 * {@link #theory()}.
 */
record DevinterpCase(int inputs, int hidden, int outputs) {

    static final int SAMPLES = 1000;
    static final int STEPS = 5000;

    /** The five cases of devinterp's test. */
    static final DevinterpCase[] ALL = {
            new DevinterpCase(5, 3, 5), new DevinterpCase(5, 4, 5), new DevinterpCase(4, 3, 8),
            new DevinterpCase(8, 3, 4), new DevinterpCase(3, 8, 4)};

    /** The Aoyagi-Watanabe lambda at true rank 0. */
    double theory() {
        return AoyagiWatanabeLambda.of(inputs, hidden, outputs, 0);
    }

    /** A trained checkpoint and its training data. */
    record Trained(MultiLayerNetwork network, LlcData data) {
    }

    Trained train(long seed) {
        Random random = new Random(seed);
        INDArray x = gaussian(random, SAMPLES, inputs);
        INDArray y = gaussian(random, SAMPLES, outputs);
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.DOUBLE).updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(inputs).nOut(hidden).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(hidden).nOut(outputs).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        DataSet all = new DataSet(x, y);
        for (int step = 0; step < STEPS; step++) {
            net.fit(all);
        }
        return new Trained(net, new LlcData(x, y));
    }

    @Override
    public String toString() {
        return "(" + inputs + "," + hidden + "," + outputs + ")";
    }

    private static INDArray gaussian(Random random, int rows, int columns) {
        double[] v = new double[rows * columns];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        return Nd4j.createFromArray(v).reshape(rows, columns);
    }
}
