package io.github.deaddirections.assemble;

import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegrator;
import org.apache.commons.math3.analysis.integration.gauss.GaussIntegratorFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Watanabe's singular fluctuation of a direction of order k (METHOD 6):
 *
 * <pre>
 *   nu(k) = E_{Z ~ N(0, 2)} Var_{pi_Z}[eta^k],   pi_Z(eta) ~ exp(Z eta^k - eta^(2k))
 * </pre>
 *
 * computed by Gauss-Hermite quadrature over Z and adaptive Gauss-Legendre quadrature over eta.
 * Values are cached per k. nu(1) = 1/2 exactly (pi_Z is then Gaussian with variance 1/2).
 */
public final class SingularFluctuation {

    private static final int HERMITE_POINTS = 96;
    /** The integrand is cut where the exponent has fallen this far below its maximum. */
    private static final double TAIL = 60.0;
    private static final ConcurrentMap<Integer, Double> CACHE = new ConcurrentHashMap<>();

    private SingularFluctuation() {
    }

    /** nu(k) for k >= 1. */
    public static double of(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("order must be at least 1, was " + k);
        }
        return CACHE.computeIfAbsent(k, SingularFluctuation::compute);
    }

    private static double compute(int k) {
        // E over Z ~ N(0, 2): with Z = 2x, E[g(Z)] = pi^(-1/2) * integral g(2x) exp(-x^2) dx.
        GaussIntegrator hermite = new GaussIntegratorFactory().hermite(HERMITE_POINTS);
        return hermite.integrate(x -> variance(k, 2 * x)) / Math.sqrt(Math.PI);
    }

    /** Var_{pi_Z}[eta^k], by quadrature over eta. Public for tests of the frozen (Z = 0) value. */
    public static double variance(int k, double z) {
        // The exponent Z u - u^2 (u = eta^k) peaks at u = Z/2 with value Z^2/4 (for even k only u >= 0).
        double shift = (k % 2 == 0 && z < 0) ? 0.0 : z * z / 4;
        double u = (Math.abs(z) + Math.sqrt(z * z + 4 * (TAIL + shift))) / 2;
        double limit = Math.pow(u, 1.0 / k);
        double[] m = new double[3];
        for (int j = 0; j < 3; j++) {
            final int power = j;
            IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(8, 1e-13, 1e-300);
            java.util.function.DoubleUnaryOperator f = eta -> {
                double ek = Math.pow(eta, k);
                return Math.pow(ek, power) * Math.exp(z * ek - ek * ek - shift);
            };
            double peak = Math.pow(Math.max(z / 2, 0), 1.0 / k);
            m[j] = piecewise(integrator, f, -limit, limit, peak);
        }
        double mean = m[1] / m[0];
        return Math.max(m[2] / m[0] - mean * mean, 0.0);
    }

    private static double piecewise(IterativeLegendreGaussIntegrator integrator, java.util.function.DoubleUnaryOperator f,
                                    double lo, double hi, double peak) {
        // Break at 0 and at the peaks so each piece is unimodal.
        double[] cuts = {lo, -peak, 0.0, peak, hi};
        java.util.Arrays.sort(cuts);
        double sum = 0;
        for (int i = 0; i + 1 < cuts.length; i++) {
            if (cuts[i + 1] > cuts[i]) {
                sum += integrator.integrate(Integer.MAX_VALUE, f::applyAsDouble, cuts[i], cuts[i + 1]);
            }
        }
        return sum;
    }
}
