package io.github.deaddirections.fisher;

import io.github.deaddirections.snapshot.BranchPoints;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two shortcuts the gauge and flat-locus tests take at a point away from theta-hat, each
 * against the plain computation: the Fisher on a copy anchored at the point (whose stencils start
 * from the layer each column moves) against whole-network passes at the same point, and the SVD
 * through the Jacobian's QR factor against EJML's direct SVD.
 */
class AnchoredFisherTest {

    private static final double STEP = 1e-4;

    @Test
    void anchoredColumnsEqualWholePassColumnsOnRandomMlpsAndCnns() {
        Activation[] activations = {Activation.TANH, Activation.SIGMOID, Activation.RELU, Activation.SOFTPLUS,
                Activation.CUBE, Activation.SWISH};
        for (long seed = 1; seed <= 6; seed++) {
            Random rnd = new Random(seed);
            Activation phi = activations[(int) (seed - 1) % activations.length];
            boolean cnn = seed % 2 == 0;
            MultiLayerNetwork net = cnn ? cnn(seed, phi) : mlp(seed, phi);
            int samples = 24;
            Snapshot snapshot = Snapshot.of(net, cnn ? Nd4j.randn(DataType.DOUBLE, samples, 1, 6, 6)
                    : Nd4j.randn(DataType.DOUBLE, samples, 5));
            ExpectedFisher fisher = new ExpectedFisher(snapshot.model(), new OutputDistribution.Categorical(),
                    snapshot.layerPositions(), BranchPoints.alongParameters(snapshot), STEP);
            double[] point = snapshot.parameters();
            for (int i = 0; i < point.length; i++) {
                point[i] += 0.05 * rnd.nextGaussian();
            }
            int[] support = java.util.stream.IntStream.range(0, point.length).toArray();
            double[] scale = new double[point.length];
            Arrays.fill(scale, 1.0);
            DMatrixRMaj whole = fisher.axisColumns(point, support, scale);
            DMatrixRMaj anchored = fisher.at(point).axisColumns(point, support, scale);
            double worst = 0;
            double largest = 0;
            for (int k = 0; k < whole.data.length; k++) {
                worst = Math.max(worst, Math.abs(whole.data[k] - anchored.data[k]));
                largest = Math.max(largest, Math.abs(whole.data[k]));
            }
            assertTrue(largest > 0, "seed " + seed + ": an all-zero Jacobian tests nothing");
            // Both are 5-point stencils of the same function summed in different orders: they differ by
            // the stencil's rounding (eps / h, about 1e-12 of the output); a stale cached layer would
            // differ by the 0.05 move.
            assertTrue(worst <= 1e-9 * largest, (cnn ? "CNN " : "MLP ") + phi + " seed " + seed
                    + ": anchored columns differ from whole-pass columns by " + worst + " (largest " + largest + ")");
        }
    }

    @Test
    void qrRouteHasTheDirectSingularValuesAndNullSpace() {
        for (long seed = 1; seed <= 10; seed++) {
            Random rnd = new Random(seed);
            int rows = 60 + rnd.nextInt(200);
            int cols = 5 + rnd.nextInt(40);
            int rank = 1 + rnd.nextInt(cols - 1);
            // G = A B with A rows x rank, B rank x cols, and some columns zeroed: a known null space.
            DMatrixRMaj a = random(rnd, rows, rank);
            DMatrixRMaj b = random(rnd, rank, cols);
            DMatrixRMaj g = new DMatrixRMaj(rows, cols);
            org.ejml.dense.row.CommonOps_DDRM.mult(a, b, g);
            for (int j = 0; j < cols; j += 4) {
                for (int r = 0; r < rows; r++) {
                    g.set(r, j, 0.0);
                }
            }
            SingularValueDecomposition_F64<DMatrixRMaj> direct = DecompositionFactory_DDRM.svd(rows, cols, false, true, false);
            assertTrue(direct.decompose(g.copy()));
            SingularValueDecomposition_F64<DMatrixRMaj> viaQr = JacobianSvd.of(g.copy(), true);
            assertNotNull(viaQr);
            double[] s1 = sorted(direct.getSingularValues(), cols);
            double[] s2 = sorted(viaQr.getSingularValues(), cols);
            double top = s1[cols - 1];
            for (int k = 0; k < cols; k++) {
                assertEquals(s1[k], s2[k], 1e-12 * top, "seed " + seed + ": singular value " + k);
            }
            // Every right singular vector of a (numerically) zero singular value is null for G.
            DMatrixRMaj v = viaQr.getV(null, false);
            double[] w = viaQr.getSingularValues();
            for (int q = 0; q < cols; q++) {
                if (w[q] > 1e-10 * top) {
                    continue;
                }
                double norm = 0;
                for (int r = 0; r < rows; r++) {
                    double s = 0;
                    for (int j = 0; j < cols; j++) {
                        s += g.get(r, j) * v.get(j, q);
                    }
                    norm += s * s;
                }
                assertTrue(Math.sqrt(norm) <= 1e-12 * top, "seed " + seed + ": |G v| = " + Math.sqrt(norm));
            }
        }
    }

    private static double[] sorted(double[] values, int n) {
        double[] s = Arrays.copyOf(values, n);
        Arrays.sort(s);
        return s;
    }

    private static DMatrixRMaj random(Random rnd, int rows, int cols) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int k = 0; k < m.data.length; k++) {
            m.data[k] = rnd.nextGaussian();
        }
        return m;
    }

    private static MultiLayerNetwork mlp(long seed, Activation phi) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(6).activation(phi).build())
                .layer(new DenseLayer.Builder().nIn(6).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(4).nOut(3).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return net;
    }

    private static MultiLayerNetwork cnn(long seed, Activation phi) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(3).activation(phi).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build());
        net.init();
        return net;
    }
}
