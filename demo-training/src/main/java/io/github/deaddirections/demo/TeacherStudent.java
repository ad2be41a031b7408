package io.github.deaddirections.demo;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
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

/**
 * The demo's learning problem: a small tanh teacher (4 -> 3 -> 1) labels Gaussian inputs, and a
 * wider ReLU student (4 -> 12 -> 1) learns it. Every live ReLU unit carries a rescaling gauge
 * (a flat, curved orbit the read follows), and the student has more hidden units than the
 * teacher needs, so some units drift towards redundancy (inactive on the probe, or nearly
 * duplicated): the dead structure the listener reports.
 */
public final class TeacherStudent {

    public static final int INPUTS = 4;
    public static final int TEACHER_HIDDEN = 3;
    public static final int STUDENT_HIDDEN = 12;
    public static final int EXAMPLES = 512;
    public static final int BATCH = 64;

    private final DataSet data;
    private final long seed;

    public TeacherStudent(long seed) {
        this.seed = seed;
        this.data = teacherData(seed);
    }

    /**
     * Runs each ND4J op on the calling thread. The demo's matrices are tiny (64 x 12), and
     * splitting them across cores costs more than it saves, especially on a busy machine; it also
     * keeps the background read from competing with training for ND4J's worker threads.
     */
    public static void oneThreadPerOp() {
        Nd4j.getEnvironment().setMaxMasterThreads(1);
    }

    /** All training examples (the listener's probe takes its first examples from here). */
    public DataSet data() {
        return data;
    }

    /** Mini-batches of the training data, in a fixed order. */
    public DataSetIterator batches() {
        return new ListDataSetIterator<>(data.asList(), BATCH);
    }

    /** A freshly initialised student, the same for the same seed. */
    public MultiLayerNetwork student() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).updater(new Adam(5e-3)).list()
                .layer(new DenseLayer.Builder().nIn(INPUTS).nOut(STUDENT_HIDDEN).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(STUDENT_HIDDEN).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    /** Gaussian inputs labelled by a fixed random teacher with three tanh units. */
    private static DataSet teacherData(long seed) {
        Random rnd = new Random(seed);
        double[][] w1 = new double[INPUTS][TEACHER_HIDDEN];
        double[] w2 = new double[TEACHER_HIDDEN];
        for (int h = 0; h < TEACHER_HIDDEN; h++) {
            for (int i = 0; i < INPUTS; i++) {
                w1[i][h] = rnd.nextGaussian();
            }
            w2[h] = rnd.nextGaussian();
        }
        double[] x = new double[EXAMPLES * INPUTS];
        double[] y = new double[EXAMPLES];
        for (int n = 0; n < EXAMPLES; n++) {
            for (int i = 0; i < INPUTS; i++) {
                x[n * INPUTS + i] = rnd.nextGaussian();
            }
            double out = 0;
            for (int h = 0; h < TEACHER_HIDDEN; h++) {
                double a = 0;
                for (int i = 0; i < INPUTS; i++) {
                    a += x[n * INPUTS + i] * w1[i][h];
                }
                out += w2[h] * Math.tanh(a);
            }
            y[n] = out;
        }
        INDArray features = Nd4j.createFromArray(x).reshape(EXAMPLES, INPUTS).castTo(DataType.FLOAT);
        INDArray labels = Nd4j.createFromArray(y).reshape(EXAMPLES, 1).castTo(DataType.FLOAT);
        return new DataSet(features, labels);
    }
}
