package io.github.deaddirections.resolution;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

/**
 * devinterp's reduced-rank accuracy case, trained as its test trains it: a two-layer linear
 * network without biases, {@code x -> x W1 -> x W1 W2} (M -> H -> N), MSE (mean over samples and
 * outputs), full-batch Adam (lr 0.01, betas 0.9 / 0.999, eps 1e-8), PyTorch's default init
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)). The gradient of a linear network's MSE needs only
 * {@code X'X} and {@code X'Y}, so the 5000 steps are a few M x N products each, in plain Java;
 * the trained factors are then put into a DL4J MultiLayerNetwork for the read.
 */
final class LinearBottleneck {

    final int m;
    final int h;
    final int n;
    final double[][] x;
    final double[][] y;
    final double[][] w1;
    final double[][] w2;

    private LinearBottleneck(int m, int h, int n, double[][] x, double[][] y, double[][] w1, double[][] w2) {
        this.m = m;
        this.h = h;
        this.n = n;
        this.x = x;
        this.y = y;
        this.w1 = w1;
        this.w2 = w2;
    }

    /** x and y independent N(0, 1): the true product is 0 (rank 0). */
    static double[][][] independentData(int m, int n, int samples, Random random) {
        return new double[][][]{gaussian(samples, m, random), gaussian(samples, n, random)};
    }

    /** y = x C0 + noise eps, C0 = U V' of rank r (U [M, r], V [N, r] standard normal). */
    static double[][][] realizableData(int m, int n, int r, double noise, int samples, Random random) {
        double[][] u = gaussian(m, r, random);
        double[][] v = gaussian(n, r, random);
        double[][] c0 = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < r; k++) {
                    c0[i][j] += u[i][k] * v[j][k];
                }
            }
        }
        double[][] x = gaussian(samples, m, random);
        double[][] y = new double[samples][n];
        for (int s = 0; s < samples; s++) {
            for (int j = 0; j < n; j++) {
                double f = 0;
                for (int i = 0; i < m; i++) {
                    f += x[s][i] * c0[i][j];
                }
                y[s][j] = f + noise * random.nextGaussian();
            }
        }
        return new double[][][]{x, y};
    }

    static LinearBottleneck train(int m, int h, int n, double[][] x, double[][] y, int steps, double lr, Random random) {
        double[][] w1 = uniform(m, h, 1 / Math.sqrt(m), random);
        double[][] w2 = uniform(h, n, 1 / Math.sqrt(h), random);
        double[][] sxx = new double[m][m];
        double[][] sxy = new double[m][n];
        for (int s = 0; s < x.length; s++) {
            for (int i = 0; i < m; i++) {
                for (int k = 0; k < m; k++) {
                    sxx[i][k] += x[s][i] * x[s][k];
                }
                for (int j = 0; j < n; j++) {
                    sxy[i][j] += x[s][i] * y[s][j];
                }
            }
        }
        double scale = 2.0 / ((double) x.length * n);
        Adam a1 = new Adam(m, h, lr);
        Adam a2 = new Adam(h, n, lr);
        for (int step = 1; step <= steps; step++) {
            double[][] c = mult(w1, w2);
            double[][] dc = mult(sxx, c);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    dc[i][j] = scale * (dc[i][j] - sxy[i][j]);
                }
            }
            double[][] g1 = multTransB(dc, w2);
            double[][] g2 = multTransA(w1, dc);
            a1.step(w1, g1, step);
            a2.step(w2, g2, step);
        }
        return new LinearBottleneck(m, h, n, x, y, w1, w2);
    }

    /** The trained network as DL4J sees it: Dense(identity, no bias) -> Output(identity, MSE, no bias). */
    MultiLayerNetwork network() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nIn(m).nOut(h).activation(Activation.IDENTITY).hasBias(false).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(h).nOut(n).activation(Activation.IDENTITY)
                        .hasBias(false).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.getLayer(0).setParam("W", Nd4j.createFromArray(w1));
        net.getLayer(1).setParam("W", Nd4j.createFromArray(w2));
        return net;
    }

    /** The trained product C = W1 W2 [M, N]. */
    double[][] product() {
        return mult(w1, w2);
    }

    static double[][] gaussian(int rows, int cols, Random random) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return a;
    }

    private static double[][] uniform(int rows, int cols, double bound, Random random) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = (2 * random.nextDouble() - 1) * bound;
            }
        }
        return a;
    }

    static double[][] mult(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                double v = a[i][k];
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += v * b[k][j];
                }
            }
        }
        return c;
    }

    private static double[][] multTransB(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                double s = 0;
                for (int k = 0; k < a[0].length; k++) {
                    s += a[i][k] * b[j][k];
                }
                c[i][j] = s;
            }
        }
        return c;
    }

    private static double[][] multTransA(double[][] a, double[][] b) {
        double[][] c = new double[a[0].length][b[0].length];
        for (int k = 0; k < a.length; k++) {
            for (int i = 0; i < a[0].length; i++) {
                double v = a[k][i];
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += v * b[k][j];
                }
            }
        }
        return c;
    }

    /** Adam on one matrix (PyTorch's defaults). */
    private static final class Adam {
        private final double[][] first;
        private final double[][] second;
        private final double lr;

        Adam(int rows, int cols, double lr) {
            this.first = new double[rows][cols];
            this.second = new double[rows][cols];
            this.lr = lr;
        }

        void step(double[][] w, double[][] g, int t) {
            double c1 = 1 - Math.pow(0.9, t);
            double c2 = 1 - Math.pow(0.999, t);
            for (int i = 0; i < w.length; i++) {
                for (int j = 0; j < w[0].length; j++) {
                    first[i][j] = 0.9 * first[i][j] + 0.1 * g[i][j];
                    second[i][j] = 0.999 * second[i][j] + 0.001 * g[i][j] * g[i][j];
                    w[i][j] -= lr * (first[i][j] / c1) / (Math.sqrt(second[i][j] / c2) + 1e-8);
                }
            }
        }
    }
}
