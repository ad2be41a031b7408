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
 * much wider ReLU student (4 -> 16 -> 1) learns it with Adam at a high learning rate (0.05).
 * The student needs few of its 16 units, and the large steps push a unit now and then to where its
 * pre-activation is negative on every input: a dead ReLU unit. No gradient reaches its incoming
 * weights again, so it stays dead. With seed 42 the first units die after about 200 epochs and
 * more follow (measured: 0 dead units at epoch 100, 1 at 200, 2 at 300 on all 2048 examples; the
 * read's probe, the first 128, shows them as early or earlier). Each live unit also carries a
 * rescaling gauge. The reads show the dead structure forming: the inactive-unit lines and
 * deaddirections_dead_relu_units grow, λ steps down by 3 per dead unit (its 6 parameters).
 */
public final class TeacherStudent {

    public static final int INPUTS = 4;
    public static final int TEACHER_HIDDEN = 3;
    public static final int STUDENT_HIDDEN = 16;
    public static final int EXAMPLES = 2048;
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
                .dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER).updater(new Adam(5e-2)).list()
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
