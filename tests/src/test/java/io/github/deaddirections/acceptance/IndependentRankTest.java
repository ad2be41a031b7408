package io.github.deaddirections.acceptance;

import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
    @CsvSource({"tanh-node-death, 16", "relu-rescaling, 17", "duplicate-unit, 16", "outgoing-dead-unit, 17"})
    void closedFormJacobianHasThePredictedRank(String name, int rank) {
        for (long seed = 1; seed <= 3; seed++) {
            Cell cell = ConstructedCells.byName(name, seed);
            assertEquals(rank, jacobianRank(cell.network(), cell.probe(), name.startsWith("relu")), name + " seed " + seed);
        }
    }

    /** relu-rescaling with unit 3 dead on the probe (CellAcceptanceTest#deadRelu): 21 - 4 - 4 = 13 by the closed form. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void deadReluUnitHasThePredictedRank(long seed) {
        Cell cell = CellAcceptanceTest.deadRelu(seed);
        assertEquals(13, jacobianRank(cell.network(), cell.probe(), true), "seed " + seed);
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
            assertHandRank(name + " seed " + seed, cell, model, rank, 1e-5);
        }
    }

    /**
     * Checks the hand-written forward pass against DL4J's output (1e-12), then asserts the rank of its
     * finite-difference Jacobian: singular values above 1e-8 of the largest, the last live one above
     * {@code liveFloor} and the first null one at the finite-difference floor (below 1e-10).
     */
    private static void assertHandRank(String what, Cell cell, HandModel model, int rank, double liveFloor) {
        double[][] x = cell.probe().reshape(cell.probe().size(0), cell.probe().length() / cell.probe().size(0))
                .toDoubleMatrix();
        double[][] dl4j = cell.network().output(cell.probe(), false).toDoubleMatrix();
        for (int s = 0; s < x.length; s++) {
            double[] mine = model.output(model.theta(), x[s]);
            for (int o = 0; o < mine.length; o++) {
                assertEquals(dl4j[s][o], mine[o], 1e-12, what + ": hand forward pass = DL4J's");
            }
        }
        double[] sv = finiteDifferenceSingularValues(model, x);
        int r = 0;
        while (r < sv.length && sv[r] > 1e-8 * sv[0]) {
            r++;
        }
        System.out.printf("%s: P = %d, singular values around the cut %.3e | %.3e (relative)%n", what, sv.length,
                sv[r - 1] / sv[0], r < sv.length ? sv[r] / sv[0] : 0.0);
        assertEquals(rank, r, what);
        assertTrue(sv[r - 1] / sv[0] > liveFloor, "live directions well above the cut");
        assertTrue(r == sv.length || sv[r] / sv[0] < 1e-10, "flat directions at the finite-difference floor");
    }

    /**
     * The K-FAC cells (docs/CELLS-MORE.md) written out in plain Java (checked against DL4J's output),
     * 5-point finite-difference Jacobian over every parameter, rank by commons-math's SVD:
     * conv-constant-channel 61 - 27 = 34 and its padded twin 61 - 3 = 58.
     */
    @ParameterizedTest
    @CsvSource({"conv-constant-channel, 34", "conv-constant-channel-padded, 58"})
    void convCellsHaveThePredictedRank(String name, int rank) {
        for (long seed = 1; seed <= 3; seed++) {
            Cell cell = ConstructedCells.byName(name, seed);
            HandModel model = new ConvModel(cell.network(), name.endsWith("padded") ? 1 : 0);
            assertHandRank(name + " seed " + seed, cell, model, rank, 1e-6);
        }
    }

    /**
     * z[c, y, x] = b[c] + sum W[c, i, ky, kx] in[i, y + ky - p, x + kx - p] (zero outside), 3 channels
     * of 3x3 kernels over 2 x 6 x 6 inputs; out = sum_c W2[c] mean_yx tanh(z[c]) + b2.
     */
    private record ConvModel(double[] theta, int pad) implements HandModel {
        ConvModel(MultiLayerNetwork net, int pad) {
            this(concat(net.getLayer(0).getParam("W"), net.getLayer(0).getParam("b"), net.getLayer(2).getParam("W"),
                    net.getLayer(2).getParam("b")), pad);
        }

        @Override
        public double[] output(double[] t, double[] x) {
            int out = 6 + 2 * pad - 2;
            double f = t[54 + 3 + 3];
            for (int c = 0; c < 3; c++) {
                double pooled = 0;
                for (int y = 0; y < out; y++) {
                    for (int xx = 0; xx < out; xx++) {
                        double z = t[54 + c];
                        for (int i = 0; i < 2; i++) {
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    int iy = y + ky - pad;
                                    int ix = xx + kx - pad;
                                    if (iy >= 0 && iy < 6 && ix >= 0 && ix < 6) {
                                        z += t[((c * 2 + i) * 3 + ky) * 3 + kx] * x[(i * 6 + iy) * 6 + ix];
                                    }
                                }
                            }
                        }
                        pooled += Math.tanh(z) / (out * out);
                    }
                }
                f += t[57 + c] * pooled;
            }
            return new double[]{f};
        }
    }

    /**
     * prelu-rescaling (docs/CELLS-MORE.md): the Jacobian of {@code f_k = sum_j A_jk prelu(z_j; alpha_j) + c_k},
     * {@code z = x W + b}, written out in closed form (no stencil, so no kink error), checked against
     * DL4J's output, rank by commons-math's SVD: 30 - 4 rescaling orbits = 26. With one output the
     * rank is 25 - 5 = 20: the linear parts make a fifth flat direction (asserted too).
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void preluJacobianHasThePredictedRank(long seed) {
        Cell cell = ConstructedCells.preluRescaling(seed);
        assertEquals(26, preluRank(cell.network(), cell.probe(), 2), "two outputs, seed " + seed);
        MultiLayerNetwork single = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .dataType(org.nd4j.linalg.api.buffer.DataType.DOUBLE).list()
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(3).nOut(4)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .layer(new org.deeplearning4j.nn.conf.layers.PReLULayer.Builder().inputShape(4).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE).nIn(4).nOut(1)
                        .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build())
                .build());
        single.init();
        for (String key : new String[]{"W", "b"}) {
            single.getLayer(0).getParam(key).assign(cell.network().getLayer(0).getParam(key));
        }
        single.getLayer(1).getParam("W").assign(cell.network().getLayer(1).getParam("W"));
        single.getLayer(2).getParam("W").assign(cell.network().getLayer(2).getParam("W").getColumn(0).reshape(4, 1));
        single.getLayer(2).getParam("b").assign(cell.network().getLayer(2).getParam("b").getDouble(0));
        assertEquals(20, preluRank(single, cell.probe(), 1), "one output, seed " + seed);
    }

    private static int preluRank(MultiLayerNetwork net, INDArray probe, int outputs) {
        double[][] w = net.getLayer(0).getParam("W").toDoubleMatrix();
        double[] b = net.getLayer(0).getParam("b").toDoubleVector();
        double[] alpha = net.getLayer(1).getParam("W").toDoubleVector();
        double[][] a = net.getLayer(2).getParam("W").reshape(4, outputs).toDoubleMatrix();
        double[] c = net.getLayer(2).getParam("b").toDoubleVector();
        double[][] x = probe.toDoubleMatrix();
        double[][] dl4j = net.output(probe, false).toDoubleMatrix();
        int d = 3;
        int h = 4;
        int p = d * h + h + h + h * outputs + outputs;
        double[][] j = new double[x.length * outputs][p];
        for (int s = 0; s < x.length; s++) {
            double[] f = c.clone();
            for (int u = 0; u < h; u++) {
                double z = b[u];
                for (int i = 0; i < d; i++) {
                    z += x[s][i] * w[i][u];
                }
                double y = z > 0 ? z : alpha[u] * z;
                double slope = z > 0 ? 1 : alpha[u];
                for (int k = 0; k < outputs; k++) {
                    int row = s * outputs + k;
                    f[k] += a[u][k] * y;
                    for (int i = 0; i < d; i++) {
                        j[row][i * h + u] = a[u][k] * slope * x[s][i];
                    }
                    j[row][d * h + u] = a[u][k] * slope;
                    j[row][d * h + h + u] = a[u][k] * Math.min(z, 0);
                    j[row][d * h + 2 * h + u * outputs + k] = y;
                    j[row][p - outputs + k] = 1.0;
                }
            }
            for (int k = 0; k < outputs; k++) {
                assertEquals(dl4j[s][k], f[k], 1e-12, "closed form = DL4J's output");
            }
        }
        double[] sv = new SingularValueDecomposition(new Array2DRowRealMatrix(j, false)).getSingularValues();
        int r = 0;
        while (r < sv.length && sv[r] > 1e-9 * sv[0]) {
            r++;
        }
        System.out.printf("prelu, %d output(s): P = %d, singular values around the cut %.3e | %.3e (relative)%n", outputs,
                p, sv[r - 1] / sv[0], r < sv.length ? sv[r] / sv[0] : 0.0);
        return r;
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

    /**
     * The self-attention cell (docs/CELLS-MORE.md): a plain-Java forward written from the
     * MultiHeadDotProductAttention definition (no DL4J), first checked against DL4J's output, then
     * its Jacobian by 5-point finite differences and the rank by commons-math's SVD: predicted
     * 52 - 2 heads x (4 + 4) GL(2) gauge dimensions = 36, with a clean gap below it.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void selfAttentionJacobianHasThePredictedRank(long seed) {
        Cell cell = ConstructedCells.selfAttention(seed);
        Attention f = new Attention(cell.network(), cell.probe());
        double[][] dl4j = cell.network().output(cell.probe(), false).toDoubleMatrix();
        double[][] mine = f.output(f.theta);
        for (int s = 0; s < dl4j.length; s++) {
            for (int o = 0; o < dl4j[s].length; o++) {
                assertEquals(dl4j[s][o], mine[s][o], 1e-10, "plain forward = DL4J, sample " + s + " output " + o);
            }
        }
        double[] sv = f.jacobianSingularValues();
        int rank = 0;
        for (double v : sv) {
            if (v > 1e-7 * sv[0]) {
                rank++;
            }
        }
        assertEquals(52, sv.length, "P");
        assertEquals(36, rank, "rank, seed " + seed);
        // The gap: the last live singular value and the first null one lie decades apart.
        assertTrue(sv[35] / sv[0] > 1e-4 && sv[36] / sv[0] < 1e-9,
                "gap between sv[35]/sv[0] = " + sv[35] / sv[0] + " and sv[36]/sv[0] = " + sv[36] / sv[0]);
    }

    /**
     * Self-attention -> average over tokens, written out: per head h, q = Wq_h x, k = Wk_h x,
     * v = Wv_h x (Wq_h the [headSize, nIn] slice), scores q_a . k_b / sqrt(headSize), softmax over
     * the keys b, heads concatenated head-major and projected by Wo [nHeads headSize, nOut].
     */
    private static final class Attention {
        final int heads = 2;
        final int d = 2;
        final int nIn = 3;
        final int nOut = 4;
        final double[] theta;
        final double[][][] x;

        Attention(MultiLayerNetwork net, INDArray probe) {
            double[] wq = net.getLayer(0).getParam("Wq").dup().data().asDouble();
            double[] wk = net.getLayer(0).getParam("Wk").dup().data().asDouble();
            double[] wv = net.getLayer(0).getParam("Wv").dup().data().asDouble();
            double[] wo = net.getLayer(0).getParam("Wo").dup().data().asDouble();
            theta = new double[wq.length + wk.length + wv.length + wo.length];
            System.arraycopy(wq, 0, theta, 0, 12);
            System.arraycopy(wk, 0, theta, 12, 12);
            System.arraycopy(wv, 0, theta, 24, 12);
            System.arraycopy(wo, 0, theta, 36, 16);
            int n = (int) probe.size(0);
            int tokens = (int) probe.size(2);
            x = new double[n][nIn][tokens];
            for (int s = 0; s < n; s++) {
                for (int i = 0; i < nIn; i++) {
                    for (int t = 0; t < tokens; t++) {
                        x[s][i][t] = probe.getDouble(s, i, t);
                    }
                }
            }
        }

        /** Wq, Wk, Wv at [h][k][i] = theta[offset + (h d + k) nIn + i]; Wo at [j][o] = theta[36 + j nOut + o]. */
        double[][] output(double[] th) {
            double[][] out = new double[x.length][nOut];
            for (int s = 0; s < x.length; s++) {
                int tokens = x[s][0].length;
                double[][] concat = new double[heads * d][tokens];
                for (int h = 0; h < heads; h++) {
                    double[][] q = project(th, 0, h, x[s]);
                    double[][] k = project(th, 12, h, x[s]);
                    double[][] v = project(th, 24, h, x[s]);
                    for (int a = 0; a < tokens; a++) {
                        double[] score = new double[tokens];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int b = 0; b < tokens; b++) {
                            for (int c = 0; c < d; c++) {
                                score[b] += q[c][a] * k[c][b];
                            }
                            score[b] /= Math.sqrt(d);
                            max = Math.max(max, score[b]);
                        }
                        double z = 0;
                        for (int b = 0; b < tokens; b++) {
                            score[b] = Math.exp(score[b] - max);
                            z += score[b];
                        }
                        for (int c = 0; c < d; c++) {
                            for (int b = 0; b < tokens; b++) {
                                concat[h * d + c][a] += score[b] / z * v[c][b];
                            }
                        }
                    }
                }
                for (int o = 0; o < nOut; o++) {
                    double sum = 0;
                    for (int j = 0; j < heads * d; j++) {
                        for (int a = 0; a < tokens; a++) {
                            sum += th[36 + j * nOut + o] * concat[j][a];
                        }
                    }
                    out[s][o] = sum / tokens;
                }
            }
            return out;
        }

        private double[][] project(double[] th, int offset, int h, double[][] xs) {
            double[][] y = new double[d][xs[0].length];
            for (int c = 0; c < d; c++) {
                for (int t = 0; t < xs[0].length; t++) {
                    for (int i = 0; i < nIn; i++) {
                        y[c][t] += th[offset + (h * d + c) * nIn + i] * xs[i][t];
                    }
                }
            }
            return y;
        }

        /** Singular values of the Jacobian [(sample, output), parameter], 5-point stencil with step 1e-3. */
        double[] jacobianSingularValues() {
            double step = 1e-3;
            int rows = x.length * nOut;
            double[][] j = new double[rows][theta.length];
            for (int p = 0; p < theta.length; p++) {
                double[][] p2 = output(shifted(p, 2 * step));
                double[][] p1 = output(shifted(p, step));
                double[][] m1 = output(shifted(p, -step));
                double[][] m2 = output(shifted(p, -2 * step));
                for (int s = 0; s < x.length; s++) {
                    for (int o = 0; o < nOut; o++) {
                        j[s * nOut + o][p] = (-p2[s][o] + 8 * p1[s][o] - 8 * m1[s][o] + m2[s][o]) / (12 * step);
                    }
                }
            }
            return new SingularValueDecomposition(new Array2DRowRealMatrix(j, false)).getSingularValues();
        }

        private double[] shifted(int p, double by) {
            double[] th = theta.clone();
            th[p] += by;
            return th;
        }
    }
}
