package io.github.deaddirections.oracle;

import org.ejml.data.DMatrixRMaj;

/**
 * The square root of the expected Fisher: a matrix A with {@code F = A^T A} (METHOD 1), one row per
 * (probe sample, output coordinate), one column per parameter.
 *
 * <p>Column by column, forward mode: the tangent of the layer a parameter sits in is seeded
 * ({@code dz_j = x_i} for W[i][j], 1 for b[j}), then pushed through the layers above with
 * {@code da = phi'(z) dz} (phi' by the complex step on the oracle's own activation, exact to
 * rounding: no finite-difference truncation, no cancellation) and {@code dz' = da W'}. The logit
 * tangent {@code v} of a sample is then whitened by the output distribution:
 * <ul>
 *   <li>Gaussian (sigma^2 = 1): {@code v} itself;</li>
 *   <li>Bernoulli: {@code sqrt(p_c (1 - p_c)) v_c};</li>
 *   <li>categorical: {@code B v} with {@code B = (I - s s^T) diag(s)}, {@code s = sqrt(p)}, since
 *       {@code B^T B = diag(p) - p p^T}: the Fisher of the logits, which kills the logit shift by
 *       itself ({@code B 1 = 0}).</li>
 * </ul>
 * Rows are scaled by 1/sqrt(N) so that A^T A is the mean over the probe.
 */
final class WhitenedJacobian {

    private WhitenedJacobian() {
    }

    static DMatrixRMaj of(Mlp mlp, double[] theta, double[][] x) {
        Mlp.Pass pass = mlp.forward(theta, x);
        int n = x.length;
        int layers = mlp.layers.size();
        // phi'(z) of every hidden unit on every sample.
        double[][][] slope = new double[layers][][];
        for (int l = 0; l < layers - 1; l++) {
            OracleActivation phi = mlp.layers.get(l).activation();
            slope[l] = new double[n][mlp.layers.get(l).nOut()];
            for (int s = 0; s < n; s++) {
                for (int j = 0; j < slope[l][s].length; j++) {
                    slope[l][s][j] = phi.derivative(pass.z()[l][s][j]);
                }
            }
        }
        double[][] p = mlp.outputs(pass.logits());
        int c = mlp.outputs();
        int params = mlp.parameterCount();
        DMatrixRMaj a = new DMatrixRMaj(n * c, params);
        double scale = 1.0 / Math.sqrt(n);
        double[] v = new double[c];
        for (int l = 0; l < layers; l++) {
            Mlp.Layer layer = mlp.layers.get(l);
            for (int q = 0; q < layer.parameters(); q++) {
                int in = q < layer.nIn() * layer.nOut() ? q / layer.nOut() : -1;
                int unit = q < layer.nIn() * layer.nOut() ? q % layer.nOut() : q - layer.nIn() * layer.nOut();
                int column = mlp.offset(l) + q;
                for (int s = 0; s < n; s++) {
                    double[] dz = new double[layer.nOut()];
                    dz[unit] = in < 0 ? 1.0 : pass.a()[l][s][in];
                    for (int k = l; k < layers - 1; k++) {
                        Mlp.Layer next = mlp.layers.get(k + 1);
                        double[] dzNext = new double[next.nOut()];
                        for (int i = 0; i < dz.length; i++) {
                            double da = slope[k][s][i] * dz[i];
                            if (da == 0.0) {
                                continue;
                            }
                            int base = mlp.weightIndex(k + 1, i, 0);
                            for (int j = 0; j < dzNext.length; j++) {
                                dzNext[j] += da * theta[base + j];
                            }
                        }
                        dz = dzNext;
                    }
                    whiten(mlp.output, p[s], dz, v);
                    for (int o = 0; o < c; o++) {
                        a.unsafe_set(s * c + o, column, scale * v[o]);
                    }
                }
            }
        }
        return a;
    }

    private static void whiten(Mlp.Output output, double[] p, double[] dz, double[] out) {
        switch (output) {
            case GAUSSIAN -> System.arraycopy(dz, 0, out, 0, dz.length);
            case BERNOULLI -> {
                for (int c = 0; c < dz.length; c++) {
                    out[c] = Math.sqrt(p[c] * (1 - p[c])) * dz[c];
                }
            }
            case CATEGORICAL -> {
                double mean = 0;
                for (int c = 0; c < dz.length; c++) {
                    mean += p[c] * dz[c];
                }
                for (int c = 0; c < dz.length; c++) {
                    out[c] = Math.sqrt(p[c]) * (dz[c] - mean);
                }
            }
        }
    }
}
