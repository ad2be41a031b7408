package io.github.deaddirections.assemble;

/**
 * Aoyagi and Watanabe's (2005) learning coefficient of reduced-rank regression: a linear
 * bottleneck with M inputs, N outputs, H hidden units and true rank r (METHOD 5).
 */
public final class ReducedRank {

    private ReducedRank() {
    }

    public static double learningCoefficient(int m, int n, int h, int r) {
        check(m, n, h, r);
        if (m + h < n + r) {
            return (h * m - h * r + n * r) / 2.0;
        }
        if (n + h < m + r) {
            return (h * n - h * r + m * r) / 2.0;
        }
        if (m + n < h + r) {
            return m * n / 2.0;
        }
        double bracket = 2.0 * (h + r) * (m + n) - (double) (m - n) * (m - n) - (double) (h + r) * (h + r);
        if ((m + h + n + r) % 2 != 0) {
            bracket += 1;
        }
        return bracket / 8.0;
    }

    public static int multiplicity(int m, int n, int h, int r) {
        check(m, n, h, r);
        boolean mainCase = !(m + h < n + r) && !(n + h < m + r) && !(m + n < h + r);
        return mainCase && (m + h + n + r) % 2 != 0 ? 2 : 1;
    }

    private static void check(int m, int n, int h, int r) {
        if (m < 1 || n < 1 || h < 1 || r < 0 || r > Math.min(h, Math.min(m, n))) {
            throw new IllegalArgumentException("reduced rank needs M, N, H >= 1 and 0 <= r <= min(M, N, H); got M=" + m
                    + ", N=" + n + ", H=" + h + ", r=" + r);
        }
    }
}
