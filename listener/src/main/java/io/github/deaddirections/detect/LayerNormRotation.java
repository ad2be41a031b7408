package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.ParameterBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * The rotation gauge of a layer-normalised identity layer read by a dense layer (see
 * {@link LayerNormGaugeDetector}): for a rotation R of the plane orthogonal to 1,
 * {@code W -> W R, b -> b D^-1 R D, W2 -> D^-1 R' D W2} with D = diag(g). One generator per pair
 * (a, b) of an orthonormal basis q_1..q_{n-1} of 1-perp: A = q_a q_b' - q_b q_a', whose group
 * element is R(s) = I + sin(s) A + (1 - cos s) A^2 (A^3 = -A). The orbit is read at
 * s = t / |tangent|, so its speed at t = 0 is 1.
 */
final class LayerNormRotation {

    private LayerNormRotation() {
    }

    static List<Orbit> orbits(double[] theta, ParameterBlock w, ParameterBlock g, ParameterBlock b, ParameterBlock w2) {
        int n = (int) w.dim(1);
        double[][] q = helmert(n);
        List<Orbit> out = new ArrayList<>();
        for (int a = 0; a < n - 1; a++) {
            for (int c = a + 1; c < n - 1; c++) {
                double[][] gen = new double[n][n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        gen[i][j] = q[a][i] * q[c][j] - q[c][i] * q[a][j];
                    }
                }
                out.add(orbit("rotation:" + a + "-" + c, theta, w, g, b, w2, gen));
            }
        }
        return out;
    }

    private static Orbit orbit(String role, double[] theta, ParameterBlock w, ParameterBlock g, ParameterBlock b,
                               ParameterBlock w2, double[][] gen) {
        double[][] gen2 = multiply(gen, gen);
        // The tangent, d/ds at s = 0: the action is linear in R, so act(I + A) - act(I) is exactly it.
        double[] tangent = new double[theta.length];
        double[] step = act(theta, w, g, b, w2, identityPlus(gen, 1.0, gen2, 0.0));
        for (int i = 0; i < theta.length; i++) {
            tangent[i] = step[i] - theta[i];
        }
        double norm = Directions.norm(tangent);
        Direction u = Direction.of(tangent).normalised();
        return new Orbit(role, u, t -> {
            double s = t / norm;
            return act(theta, w, g, b, w2, identityPlus(gen, Math.sin(s), gen2, 1 - Math.cos(s)));
        });
    }

    /** theta with W -> W R, b -> b D^-1 R D, W2 -> D^-1 R' D W2 (a fresh array). */
    private static double[] act(double[] base, ParameterBlock w, ParameterBlock g, ParameterBlock b, ParameterBlock w2,
                                double[][] r) {
        int nIn = (int) w.dim(0);
        int n = (int) w.dim(1);
        int nOut = (int) w2.dim(1);
        double[] gain = new double[n];
        for (int j = 0; j < n; j++) {
            gain[j] = base[g.flatIndex()[j]];
        }
        double[] x = base.clone();
        for (int i = 0; i < nIn; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += base[w.index(i, k)] * r[k][j];
                }
                x[w.index(i, j)] = s;
            }
        }
        if (b != null) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += base[b.flatIndex()[k]] / gain[k] * r[k][j];
                }
                x[b.flatIndex()[j]] = s * gain[j];
            }
        }
        for (int j = 0; j < n; j++) {
            for (int e = 0; e < nOut; e++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += r[k][j] * gain[k] * base[w2.index(k, e)];
                }
                x[w2.index(j, e)] = s / gain[j];
            }
        }
        return x;
    }

    /** I + c1 A + c2 A^2. */
    private static double[][] identityPlus(double[][] a, double c1, double[][] a2, double c2) {
        int n = a.length;
        double[][] r = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                r[i][j] = (i == j ? 1.0 : 0.0) + c1 * a[i][j] + c2 * a2[i][j];
            }
        }
        return r;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int n = a.length;
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    /** Orthonormal basis of the plane orthogonal to 1: q_k = (1, .., 1, -k, 0, ..) / sqrt(k (k + 1)). */
    static double[][] helmert(int n) {
        double[][] q = new double[n - 1][n];
        for (int k = 1; k < n; k++) {
            double norm = Math.sqrt(k * (k + 1.0));
            for (int i = 0; i < k; i++) {
                q[k - 1][i] = 1.0 / norm;
            }
            q[k - 1][k] = -k / norm;
        }
        return q;
    }
}
