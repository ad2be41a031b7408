package io.github.deaddirections.oracle;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The linear-group law by brute force (Watanabe's volume scaling, as in {@link NodeDeathVolumeTest}):
 * H constant units inside affine pieces, so near theta-hat the group is the bilinear map
 * {@code f(x) = A W x} (N outputs, H units, M inputs), at W = 0 with an outgoing matrix A0 of rank rho
 * (the incoming-dead units' live outgoing weights). K = E|A W x|^2 / 2 over a fixed sample of x, A
 * in A0 + [-r, r]^(N x H), W in [-r, r]^(H x M). The fitted slope of log V(t) on log t must match
 * the group law {@code rho M / 2 + AW(M, H - rho, N - rho, 0)} (docs/METHOD.md, "Linear groups")
 * within 0.1, and be closer to it than to what treating each dead unit as its own node death gives
 * ({@code rho M / 2 + (H - rho) min(N, M) / 2}, the incoming-dead units' weights regular, each dead
 * unit min(n_out, d_in)/2).
 *
 * <p>Cases, with the Aoyagi-Watanabe values worked by hand: (N, H, M, rho) = (1, 2, 2, 1): AW with
 * N - rho = 0 outputs is 0, so lambda = 1 against 1.5; (2, 2, 2, 1): AW(2, 1, 1, 0) = 1/2, lambda =
 * 1.5 against 2; (1, 3, 1, 1): lambda = 0.5 against 1.5; (1, 4, 3, 1): lambda = 1.5 against 3
 * (the configuration of {@link LinearGroupReadTest}'s seed 14).
 */
class LinearGroupVolumeTest {

    private static final int SAMPLES = 400_000;
    private static final int X = 32;

    @ParameterizedTest(name = "N={0} H={1} M={2} rho={3}")
    @CsvSource({"1, 2, 2, 1, 1.0, 1.5", "2, 2, 2, 1, 1.5, 2.0", "1, 3, 1, 1, 0.5, 1.5", "1, 4, 3, 1, 1.5, 3.0"})
    void volumeScalingFollowsTheGroupLaw(int n, int h, int m, int rho, double law, double perUnit) {
        Random rnd = new Random(5 + 31L * n + 7L * h + m);
        double[][] x = new double[X][m];
        for (double[] row : x) {
            for (int i = 0; i < m; i++) {
                row[i] = rnd.nextGaussian();
            }
        }
        // A0: the first rho units have live outgoing weights (a generic full-rank N x rho block), the rest none.
        double[][] a0 = new double[n][h];
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < rho; j++) {
                a0[k][j] = (k == j ? 1.0 : 0.3) + 0.1 * k;
            }
        }
        double r = 0.4;
        double[] k2 = new double[SAMPLES];
        double[][] a = new double[n][h];
        double[][] w = new double[h][m];
        for (int s = 0; s < SAMPLES; s++) {
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < h; j++) {
                    a[k][j] = a0[k][j] + r * (2 * rnd.nextDouble() - 1);
                }
            }
            for (int j = 0; j < h; j++) {
                for (int i = 0; i < m; i++) {
                    w[j][i] = r * (2 * rnd.nextDouble() - 1);
                }
            }
            double sum = 0;
            for (double[] row : x) {
                for (int k = 0; k < n; k++) {
                    double f = 0;
                    for (int j = 0; j < h; j++) {
                        double z = 0;
                        for (int i = 0; i < m; i++) {
                            z += w[j][i] * row[i];
                        }
                        f += a[k][j] * z;
                    }
                    sum += f * f;
                }
            }
            k2[s] = sum / X;
        }
        double[] sorted = k2.clone();
        Arrays.sort(sorted);
        double tLow = sorted[(int) (0.0005 * SAMPLES)];
        double tHigh = sorted[(int) (0.05 * SAMPLES)];
        int points = 12;
        double[] logT = new double[points];
        double[] y = new double[points];
        for (int g = 0; g < points; g++) {
            double t = tLow * Math.pow(tHigh / tLow, g / (points - 1.0));
            int below = 0;
            for (double v : k2) {
                if (v < t) {
                    below++;
                }
            }
            logT[g] = Math.log(t);
            y[g] = Math.log(below / (double) SAMPLES);
        }
        double slope = NodeDeathVolumeTest.slope(logT, y);
        String what = String.format(java.util.Locale.ROOT, "N=%d H=%d M=%d rho=%d: fitted %.3f, group law %.3f, per-unit %.3f",
                n, h, m, rho, slope, law, perUnit);
        System.out.println(what);
        assertEquals(law, slope, 0.1, what);
        assertTrue(Math.abs(slope - law) < Math.abs(slope - perUnit), what);
    }
}
