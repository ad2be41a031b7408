package io.github.deaddirections.llcbench;

/**
 * The learning coefficient of reduced-rank regression, x (M) -> B A x (N) with A: H x M and
 * B: N x H, at a true map of rank r (Aoyagi and Watanabe 2005, "Stochastic complexities of
 * reduced rank regression in Bayesian estimation", Main Theorem). Written from the paper, as an
 * independent reference for the estimator.
 */
final class AoyagiWatanabeLambda {

    private AoyagiWatanabeLambda() {
    }

    static double of(int m, int h, int n, int r) {
        if (n + r <= m + h && m + r <= n + h && h + r <= m + n) {
            // The "interior" case; the parity of M + H + N + r adds 1/8 when odd.
            double base = 2.0 * (h + r) * (m + n) - (double) (m - n) * (m - n) - (double) (h + r) * (h + r);
            return ((m + h + n + r) % 2 == 0 ? base : base + 1) / 8;
        }
        if (m + h < n + r) {
            return (h * m - h * r + n * r) / 2.0;
        }
        if (n + h < m + r) {
            return (h * n - h * r + m * r) / 2.0;
        }
        return m * n / 2.0; // m + n < h + r: the hidden layer does not constrain the map
    }
}
