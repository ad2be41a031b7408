package io.github.deaddirections.acceptance;

import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An independent check of the "rank" column for the one-hidden-layer cells: the Jacobian of
 * {@code f(x) = sum_j a_j phi(w_j . x + b_j) + c} written out by hand (no DL4J forward pass, no
 * stencil), its rank by commons-math's SVD. Agreement with CELLS.md here means the cells are
 * built as the table says; the read's own rank is tested in {@link CellAcceptanceTest}.
 */
class IndependentRankTest {

    @ParameterizedTest
    @CsvSource({"tanh-node-death, 16", "relu-rescaling, 17", "duplicate-unit, 16"})
    void closedFormJacobianHasThePredictedRank(String name, int rank) {
        for (long seed = 1; seed <= 3; seed++) {
            Cell cell = ConstructedCells.byName(name, seed);
            assertEquals(rank, jacobianRank(cell.network(), cell.probe(), name.startsWith("relu")), name + " seed " + seed);
        }
    }

    /**
     * The normalisation cells (docs/CELLS-MORE.md): the forward pass written in plain Java from the
     * formulas DL4J documents, checked against DL4J's own output, then a 5-point finite-difference
     * Jacobian over every parameter and its rank by commons-math's SVD. Neither the read nor its
     * detectors are involved.
     */
    @ParameterizedTest
    @CsvSource({"layernorm, 10", "batchnorm, 16"})
    void normalisationCellsHaveThePredictedRank(String name, int rank) {
        for (long seed = 1; seed <= 3; seed++) {
            Cell cell = ConstructedCells.byName(name, seed);
            HandModel model = name.equals("layernorm") ? new LayerNormModel(cell.network()) : new BatchNormModel(cell.network());
            double[][] x = cell.probe().toDoubleMatrix();
            double[][] dl4j = cell.network().output(cell.probe(), false).toDoubleMatrix();
            for (int s = 0; s < x.length; s++) {
                double[] mine = model.output(model.theta(), x[s]);
                for (int o = 0; o < mine.length; o++) {
                    assertEquals(dl4j[s][o], mine[o], 1e-12, name + ": hand forward pass = DL4J's");
                }
            }
            double[] sv = finiteDifferenceSingularValues(model, x);
            int r = 0;
            while (r < sv.length && sv[r] > 1e-8 * sv[0]) {
                r++;
            }
            System.out.printf("%s seed %d: P = %d, singular values around the cut %.3e | %.3e (relative)%n", name, seed,
                    sv.length, sv[r - 1] / sv[0], r < sv.length ? sv[r] / sv[0] : 0.0);
            assertEquals(rank, r, name + " seed " + seed);
            assertTrue(sv[r - 1] / sv[0] > 1e-5, "live directions well above the cut");
            assertTrue(r == sv.length || sv[r] / sv[0] < 1e-10, "flat directions at the finite-difference floor");
        }
    }

    /** A network written out by hand: its parameters (in any order) and its output at one input. */
    private interface HandModel {
        double[] theta();

        double[] output(double[] theta, double[] x);
    }

    /** y = g (z - mean z) / std z + b, z = x W (population std, no epsilon); out = y W2 + b2. */
    private record LayerNormModel(double[] theta, int d, int n, int k) implements HandModel {
        LayerNormModel(MultiLayerNetwork net) {
            this(concat(net.getLayer(0).getParam("W"), net.getLayer(0).getParam("b"), net.getLayer(0).getParam("g"),
                    net.getLayer(1).getParam("W"), net.getLayer(1).getParam("b")), 3, 3, 2);
        }

        @Override
        public double[] output(double[] t, double[] x) {
            double[] z = new double[n];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < d; i++) {
                    z[j] += x[i] * t[i * n + j];
                }
            }
            double mean = 0;
            for (double v : z) {
                mean += v / n;
            }
            double var = 0;
            for (double v : z) {
                var += (v - mean) * (v - mean) / n;
            }
            int b = d * n;
            int g = b + n;
            int w2 = g + n;
            int b2 = w2 + n * k;
            double[] out = new double[k];
            for (int e = 0; e < k; e++) {
                out[e] = t[b2 + e];
                for (int j = 0; j < n; j++) {
                    double y = t[g + j] * (z[j] - mean) / Math.sqrt(var) + t[b + j];
                    out[e] += y * t[w2 + j * k + e];
                }
            }
            return out;
        }
    }

    /**
     * z = x W + b; y = gamma (z - mean) / sqrt(10^(2 log10stdev) + eps) + beta; out = tanh(y) . w2 + b2.
     */
    private record BatchNormModel(double[] theta, int d, int n, double eps) implements HandModel {
        BatchNormModel(MultiLayerNetwork net) {
            this(concat(net.getLayer(0).getParam("W"), net.getLayer(0).getParam("b"), net.getLayer(1).getParam("gamma"),
                    net.getLayer(1).getParam("beta"), net.getLayer(1).getParam("mean"),
                    net.getLayer(1).getParam("log10stdev"), net.getLayer(3).getParam("W"), net.getLayer(3).getParam("b")),
                    3, 3, ((BatchNormalization) net.getLayer(1).conf().getLayer()).getEps());
        }

        @Override
        public double[] output(double[] t, double[] x) {
            int b = d * n;
            int gamma = b + n;
            int beta = gamma + n;
            int mean = beta + n;
            int logStd = mean + n;
            int w2 = logStd + n;
            double out = t[w2 + n];
            for (int j = 0; j < n; j++) {
                double z = t[b + j];
                for (int i = 0; i < d; i++) {
                    z += x[i] * t[i * n + j];
                }
                double s = Math.sqrt(Math.pow(10.0, 2 * t[logStd + j]) + eps);
                out += Math.tanh(t[gamma + j] * (z - t[mean + j]) / s + t[beta + j]) * t[w2 + j];
            }
            return new double[]{out};
        }
    }

    private static double[] concat(INDArray... parts) {
        return java.util.Arrays.stream(parts).flatMapToDouble(a -> java.util.Arrays.stream(a.dup('c').data().asDouble()))
                .toArray();
    }

    /** Singular values of the Jacobian (rows: sample x output), by 5-point central differences, h = 1e-4. */
    private static double[] finiteDifferenceSingularValues(HandModel model, double[][] x) {
        double[] theta = model.theta();
        int outputs = model.output(theta, x[0]).length;
        double[][] j = new double[x.length * outputs][theta.length];
        double h = 1e-4;
        for (int c = 0; c < theta.length; c++) {
            double[][] at = new double[4][];
            int k = 0;
            for (double step : new double[]{2 * h, h, -h, -2 * h}) {
                double[] t = theta.clone();
                t[c] += step;
                at[k++] = t;
            }
            for (int s = 0; s < x.length; s++) {
                double[] p2 = model.output(at[0], x[s]);
                double[] p1 = model.output(at[1], x[s]);
                double[] m1 = model.output(at[2], x[s]);
                double[] m2 = model.output(at[3], x[s]);
                for (int o = 0; o < outputs; o++) {
                    j[s * outputs + o][c] = (-p2[o] + 8 * p1[o] - 8 * m1[o] + m2[o]) / (12 * h);
                }
            }
        }
        return new SingularValueDecomposition(new Array2DRowRealMatrix(j, false)).getSingularValues();
    }

    private static int jacobianRank(MultiLayerNetwork net, INDArray probe, boolean relu) {
        double[][] w = net.getLayer(0).getParam("W").toDoubleMatrix();
        double[] b = net.getLayer(0).getParam("b").toDoubleVector();
        double[] a = net.getLayer(1).getParam("W").toDoubleVector();
        double[][] x = probe.toDoubleMatrix();
        int d = w.length;
        int h = w[0].length;
        int p = d * h + h + h + 1;
        double[][] j = new double[x.length][p];
        for (int s = 0; s < x.length; s++) {
            for (int u = 0; u < h; u++) {
                double z = b[u];
                for (int i = 0; i < d; i++) {
                    z += x[s][i] * w[i][u];
                }
                double phi = relu ? Math.max(z, 0) : Math.tanh(z);
                double dphi = relu ? (z > 0 ? 1 : 0) : 1 - Math.tanh(z) * Math.tanh(z);
                for (int i = 0; i < d; i++) {
                    j[s][i * h + u] = a[u] * dphi * x[s][i];
                }
                j[s][d * h + u] = a[u] * dphi;
                j[s][d * h + h + u] = phi;
            }
            j[s][p - 1] = 1.0;
        }
        double[] sv = new SingularValueDecomposition(new Array2DRowRealMatrix(j, false)).getSingularValues();
        int r = 0;
        for (double v : sv) {
            if (v > 1e-9 * sv[0]) {
                r++;
            }
        }
        return r;
    }
}
