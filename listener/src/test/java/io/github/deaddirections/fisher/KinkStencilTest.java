package io.github.deaddirections.fisher;

import io.github.deaddirections.snapshot.BranchPoints;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Fisher's Jacobian columns are exact derivatives even when a probe sample sits just inside a
 * stencil's reach of a kink: on random one-hidden-layer networks with piecewise-linear units, some
 * samples are placed so that only the outer points (+-2h) of a bias column's stencil cross a
 * kink, by a millionth of the step. Such a crossing changes the 5-point stencil by about 1e-8 of
 * the column (measured: 1.7e-8 before the quartic check), below what the 5-point/3-point comparison can tell from truncation, yet enough to
 * lift an exact null direction into the Fisher rank. Every column is compared with the closed
 * form d out / d theta (a phi'(z) x, a phi'(z), phi(z), 1).
 */
class KinkStencilTest {

    private static final double STEP = 1e-4;
    private static final int IN = 3;
    private static final int HIDDEN = 4;

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"RELU", "LEAKYRELU", "HARDTANH", "RELU6"})
    void columnsAreExactDerivativesNextToKinks(Activation activation) {
        IActivation phi = activation.getActivationFunction();
        double[] kinks = BranchPoints.of(phi).orElseThrow();
        for (long seed = 1; seed <= 10; seed++) {
            Random rnd = new Random(seed);
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
                    .list()
                    .layer(new DenseLayer.Builder().nIn(IN).nOut(HIDDEN).activation(phi).build())
                    .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(HIDDEN).nOut(1).activation(Activation.IDENTITY).build())
                    .build());
            net.init();
            double[] theta = new double[IN * HIDDEN + HIDDEN + HIDDEN + 1];
            for (int i = 0; i < theta.length; i++) {
                theta[i] = rnd.nextGaussian();
            }
            net.setParams(Nd4j.create(theta));
            double[][] x = probe(rnd, theta, kinks);
            Snapshot snapshot = Snapshot.of(net, Nd4j.create(x));
            ExpectedFisher fisher = new ExpectedFisher(snapshot.model(), new OutputDistribution.Gaussian(1.0),
                    snapshot.layerPositions(), BranchPoints.alongParameters(snapshot), STEP);
            double[] ones = new double[theta.length];
            java.util.Arrays.fill(ones, 1.0);
            DMatrixRMaj g = fisher.whitenedJacobian(snapshot.parametersView(), ones);
            double[][] exact = closedForm(theta, x, phi, kinks);
            double worst = 0;
            double largest = 0;
            for (int s = 0; s < x.length; s++) {
                for (int i = 0; i < theta.length; i++) {
                    worst = Math.max(worst, Math.abs(g.get(s, i) - exact[s][i]));
                    largest = Math.max(largest, Math.abs(exact[s][i]));
                }
            }
            // A redone column carries the rounding of its smaller step (eps / (h / 64), about 1e-10 here);
            // an undetected crossing errs by about 1e-8.
            assertTrue(worst <= 1e-9 * largest, activation + " seed " + seed + ": a column is off by " + worst
                    + " (largest entry " + largest + ")");
        }
    }

    /** 32 random samples, then per hidden unit one whose pre-activation sits 2h(1 - 1e-6) below a kink. */
    private static double[][] probe(Random rnd, double[] theta, double[] kinks) {
        double[][] x = new double[32 + HIDDEN][IN];
        for (double[] row : x) {
            for (int i = 0; i < IN; i++) {
                row[i] = rnd.nextGaussian();
            }
        }
        for (int j = 0; j < HIDDEN; j++) {
            double[] row = x[32 + j];
            double target = kinks[j % kinks.length] - 2 * STEP * (1 - 1e-6);
            double z = z(theta, row, j);
            double norm = 0;
            for (int i = 0; i < IN; i++) {
                norm += w(theta, i, j) * w(theta, i, j);
            }
            for (int i = 0; i < IN; i++) {
                row[i] += (target - z) * w(theta, i, j) / norm;
            }
        }
        return x;
    }

    /** d out / d theta per sample, in DL4J's parameter order (W column-major, then b; per layer), over sqrt(N). */
    private static double[][] closedForm(double[] theta, double[][] x, IActivation phi, double[] kinks) {
        double root = Math.sqrt(x.length);
        double[][] d = new double[x.length][theta.length];
        int b0 = IN * HIDDEN;
        int w1 = b0 + HIDDEN;
        for (int s = 0; s < x.length; s++) {
            for (int j = 0; j < HIDDEN; j++) {
                double z = z(theta, x[s], j);
                double a = theta[w1 + j];
                // A difference that stays inside the piece is exact for piecewise-linear units.
                double half = 0.5 * distance(z, kinks);
                double slope = (value(phi, z + half) - value(phi, z - half)) / (2 * half);
                for (int i = 0; i < IN; i++) {
                    d[s][i + j * IN] = a * slope * x[s][i] / root;
                }
                d[s][b0 + j] = a * slope / root;
                d[s][w1 + j] = value(phi, z) / root;
            }
            d[s][theta.length - 1] = 1 / root;
        }
        return d;
    }

    private static double distance(double z, double[] kinks) {
        double d = Double.POSITIVE_INFINITY;
        for (double k : kinks) {
            d = Math.min(d, Math.abs(z - k));
        }
        return Math.min(d, 1.0);
    }

    private static double z(double[] theta, double[] row, int j) {
        double z = theta[IN * HIDDEN + j];
        for (int i = 0; i < IN; i++) {
            z += row[i] * w(theta, i, j);
        }
        return z;
    }

    private static double w(double[] theta, int i, int j) {
        return theta[i + j * IN];
    }

    private static double value(IActivation phi, double z) {
        INDArray in = Nd4j.scalar(DataType.DOUBLE, z).reshape(1, 1);
        return phi.getActivation(in.dup(), false).getDouble(0);
    }
}
