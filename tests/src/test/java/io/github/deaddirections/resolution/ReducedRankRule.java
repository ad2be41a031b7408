package io.github.deaddirections.resolution;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * The free-energy rule for a linear bottleneck computed independently of the library (no DL4J,
 * no read): rank-k truncations C_k of the trained product (commons-math's SVD), their fitted
 * values x C_k, K_k = mean |x (C - C_k)|^2 / (2 sigma^2) with sigma^2 the residual variance at
 * theta-hat, and F_k = n K_k + lambda_k log n - (m_k - 1) log log n with Aoyagi-Watanabe's
 * lambda_k, m_k. The rank of lowest F_k wins; on a tie the larger rank (theta-hat) stays.
 */
final class ReducedRankRule {

    record Choice(int rank, double lambda, int multiplicity, double kl, int trainedRank) {
    }

    private ReducedRankRule() {
    }

    static double residualVariance(double[][] x, double[][] y, double[][] c) {
        double[][] fitted = LinearBottleneck.mult(x, c);
        double sum = 0;
        for (int s = 0; s < x.length; s++) {
            for (int j = 0; j < y[0].length; j++) {
                double d = y[s][j] - fitted[s][j];
                sum += d * d;
            }
        }
        return sum / ((double) x.length * y[0].length);
    }

    static Choice choose(int m, int h, int nOut, double[][] x, double[][] c, double variance, long n) {
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(c));
        double[] s = svd.getSingularValues();
        int rank = 0;
        while (rank < s.length && s[rank] > 1e-9 * s[0]) {
            rank++;
        }
        double logN = Math.log(n);
        double logLogN = Math.log(logN);
        Choice best = null;
        double bestF = Double.POSITIVE_INFINITY;
        for (int k = rank; k >= 0; k--) {
            RealMatrix ck = truncated(svd, k);
            double[][] diff = new Array2DRowRealMatrix(c).subtract(ck).getData();
            double[][] moved = LinearBottleneck.mult(x, diff);
            double kl = 0;
            for (double[] row : moved) {
                for (double v : row) {
                    kl += v * v;
                }
            }
            kl /= 2 * variance * x.length;
            AoyagiWatanabe.Coefficient aw = AoyagiWatanabe.of(m, nOut, h, k);
            double f = n * kl + aw.lambda() * logN - (aw.multiplicity() - 1) * logLogN;
            if (f < bestF) {
                bestF = f;
                best = new Choice(k, aw.lambda(), aw.multiplicity(), kl, rank);
            }
        }
        return best;
    }

    private static RealMatrix truncated(SingularValueDecomposition svd, int k) {
        RealMatrix u = svd.getU();
        RealMatrix v = svd.getV();
        double[] s = svd.getSingularValues();
        RealMatrix out = new Array2DRowRealMatrix(u.getRowDimension(), v.getRowDimension());
        for (int i = 0; i < k; i++) {
            out = out.add(u.getColumnMatrix(i).scalarMultiply(s[i]).multiply(v.getColumnMatrix(i).transpose()));
        }
        return out;
    }
}
