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
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Locale;
import java.util.Random;

/**
 * A stand-in for the demo's trained student (the demo module is not a dependency): a 4 -> 3 -> 1
 * tanh teacher with N(0, 1) weights and biases, n = 4096 standard-normal inputs labelled
 * y = teacher(x) + N(0, 1), and a 4 -> 12 -> 1 tanh student (MSE) trained on them with
 * Adam(1e-2), minibatch 256 in a fixed order, 40 epochs. The student is over-parameterised for
 * the teacher, so its checkpoint is singular with no closed-form lambda.
 */
record StudentCheckpoint(MultiLayerNetwork network, INDArray probe, LlcData data, double trainNll) {

    static final int SAMPLES = 4096;
    static final int EPOCHS = 40;
    static final int BATCH = 256;

    static StudentCheckpoint train(long seed) {
        Random random = new Random(seed);
        MultiLayerNetwork teacher = net(3, seed);
        for (String key : new String[]{"W", "b"}) {
            for (int layer = 0; layer < 2; layer++) {
                INDArray p = teacher.getLayer(layer).getParam(key);
                p.assign(gaussian(random, (int) p.length()).reshape(p.shape()));
            }
        }
        INDArray x = gaussian(random, SAMPLES * 4).reshape(SAMPLES, 4);
        INDArray y = teacher.output(x, false).add(gaussian(random, SAMPLES).reshape(SAMPLES, 1));
        MultiLayerNetwork student = net(12, seed + 1);
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            for (int from = 0; from < SAMPLES; from += BATCH) {
                student.fit(new DataSet(x.get(NDArrayIndex.interval(from, from + BATCH), NDArrayIndex.all()),
                        y.get(NDArrayIndex.interval(from, from + BATCH), NDArrayIndex.all())));
            }
        }
        // DL4J's MSE score with one output is mean (y - f)^2; the Gaussian NLL is half that plus ln(2 pi)/2.
        double nll = student.score(new DataSet(x, y), false) / 2 + 0.5 * Math.log(2 * Math.PI);
        INDArray probe = gaussian(random, 512 * 4).reshape(512, 4);
        return new StudentCheckpoint(student, probe, new LlcData(x, y), nll);
    }

    String describe() {
        return String.format(Locale.ROOT, "trained-student: 4-12-1 tanh student, Adam(1e-2), %d epochs x batch %d on n = %d"
                + " samples of a 4-3-1 tanh teacher + N(0,1) noise; final training NLL %.4f (noise floor %.4f); the estimator"
                + " uses the training data, the read a fresh 512-sample probe.", EPOCHS, BATCH, SAMPLES, trainNll,
                0.5 + 0.5 * Math.log(2 * Math.PI));
    }

    private static MultiLayerNetwork net(int hidden, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
                .updater(new Adam(1e-2)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(hidden).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(hidden).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    private static INDArray gaussian(Random random, int count) {
        double[] v = new double[count];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        return Nd4j.createFromArray(v);
    }
}
