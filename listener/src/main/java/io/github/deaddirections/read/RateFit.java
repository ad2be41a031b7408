package io.github.deaddirections.read;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.read.RateEstimate.Verdict;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the order k off a directional Fisher curve (METHOD 2.1 steps 3-5).
 *
 * <p>{@code F_u(t) ~ k^2 E[a^2] t^(2(k-1))}, so the log-log slope tends to {@code 2(k-1)} and
 * {@code k-hat = 1 + slope / 2}. Radii where F is under the null threshold carry only rounding
 * noise and are dropped. An additive floor c0 under a power law {@code b t^m} makes the local
 * slope collapse to 0 below the crossover {@code t_x = (c0 / b)^(1/m)}; the fit therefore looks
 * for the longest window of stable local slopes (spread within a tolerance) and fits the OLS
 * slope there. A floor above the null threshold is a live leak: the direction has order 1.
 */
public final class RateFit {

    private final double slopeTolerance;
    private final int minWindow;
    private final double roundingTolerance;
    private final double minR2;

    public RateFit(double slopeTolerance, int minWindow, double roundingTolerance, double minR2) {
        this.slopeTolerance = slopeTolerance;
        this.minWindow = minWindow;
        this.roundingTolerance = roundingTolerance;
        this.minR2 = minR2;
    }

    public static RateFit from(ReadConfig config) {
        return new RateFit(config.slopeTolerance(), config.minWindow(), config.roundingTolerance(), config.minR2());
    }

    /**
     * @param radii         increasing radii
     * @param fisher        F_u at each radius
     * @param nullThreshold values at or below it are the null floor
     */
    public RateEstimate fit(double[] radii, double[] fisher, double nullThreshold) {
        // The longest contiguous run of radii above the null floor.
        int runStart = -1;
        int runLength = 0;
        for (int i = 0; i < radii.length; ) {
            if (fisher[i] > nullThreshold && Double.isFinite(fisher[i])) {
                int j = i;
                while (j < radii.length && fisher[j] > nullThreshold && Double.isFinite(fisher[j])) {
                    j++;
                }
                if (j - i > runLength) {
                    runStart = i;
                    runLength = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (runLength == 0) {
            return RateEstimate.flat();
        }
        int n = runLength;
        double[] lt = new double[n];
        double[] lf = new double[n];
        for (int i = 0; i < n; i++) {
            lt[i] = Math.log(radii[runStart + i]);
            lf[i] = Math.log(fisher[runStart + i]);
        }
        List<Double> local = new ArrayList<>();
        for (int i = 0; i + 1 < n; i++) {
            local.add((lf[i + 1] - lf[i]) / (lt[i + 1] - lt[i]));
        }
        if (n < minWindow) {
            return new RateEstimate(Verdict.UNRESOLVED, null, null, null, null, -1, -1, local, false, Double.NaN);
        }

        // Longest window [a, b] whose local slopes spread at most slopeTolerance; ties go to the
        // smaller radii, where the leading term dominates the higher-order corrections.
        int bestA = -1;
        int bestB = -1;
        for (int a = 0; a < n; a++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            int b = a;
            while (b + 1 < n) {
                double s = local.get(b);
                double nlo = Math.min(lo, s);
                double nhi = Math.max(hi, s);
                if (nhi - nlo > slopeTolerance) {
                    break;
                }
                lo = nlo;
                hi = nhi;
                b++;
            }
            if (b - a + 1 >= minWindow && b - a > bestB - bestA) {
                bestA = a;
                bestB = b;
            }
        }
        if (bestA < 0) {
            return new RateEstimate(Verdict.UNRESOLVED, null, null, null, null, -1, -1, local, false, Double.NaN);
        }
        double[] ols = ols(lt, lf, bestA, bestB);
        double slope = ols[0];
        double intercept = ols[1];
        double r2 = ols[2];
        double kHat = 1 + slope / 2;

        // A live floor below the window: at least two local slopes near 0 at smaller radii.
        boolean leak = false;
        double crossover = Double.NaN;
        if (slope > slopeTolerance && bestA >= 2) {
            int flatSlopes = 0;
            for (int i = 0; i < bestA; i++) {
                if (Math.abs(local.get(i)) <= slopeTolerance) {
                    flatSlopes++;
                }
            }
            if (flatSlopes >= 2 && Math.abs(local.get(0)) <= slopeTolerance) {
                leak = true;
                double floor = Math.exp(lf[0]);
                crossover = Math.exp((Math.log(floor) - intercept) / slope);
            }
        }
        // The floor itself is the longest window and a steeper regime rises above it.
        if (!leak && Math.abs(slope) <= slopeTolerance && bestB <= n - 3) {
            int steep = 0;
            for (int i = bestB; i < local.size(); i++) {
                if (local.get(i) > slopeTolerance) {
                    steep++;
                }
            }
            if (steep >= 2) {
                leak = true;
                crossover = Math.exp(lt[bestB]);
            }
        }
        int start = runStart + bestA;
        int end = runStart + bestB;
        if (leak) {
            return new RateEstimate(Verdict.LIVE, 1, kHat, slope, r2, start, end, local, true, crossover);
        }
        long k = Math.round(kHat);
        if (Math.abs(kHat - k) <= roundingTolerance && r2 >= minR2 && k >= 1) {
            Verdict v = k == 1 ? Verdict.LIVE : Verdict.ORDER;
            return new RateEstimate(v, (int) k, kHat, slope, r2, start, end, local, false, Double.NaN);
        }
        return new RateEstimate(Verdict.UNRESOLVED, null, kHat, slope, r2, start, end, local, false, Double.NaN);
    }

    /** Ordinary least squares of y on x over [a, b]: {slope, intercept, R^2}. */
    static double[] ols(double[] x, double[] y, int a, int b) {
        int m = b - a + 1;
        double mx = 0;
        double my = 0;
        for (int i = a; i <= b; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= m;
        my /= m;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (int i = a; i <= b; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
            syy += (y[i] - my) * (y[i] - my);
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double ssRes = 0;
        for (int i = a; i <= b; i++) {
            double r = y[i] - (intercept + slope * x[i]);
            ssRes += r * r;
        }
        // A perfectly flat curve has no variance to explain: the fit is exact.
        double r2 = syy <= 1e-300 ? 1.0 : Math.max(0.0, 1 - ssRes / syy);
        if (ssRes <= 1e-24 * Math.max(1.0, syy)) {
            r2 = 1.0;
        }
        return new double[]{slope, intercept, r2};
    }
}
