package io.github.deaddirections.cli;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.read.RateEstimate;
import io.github.deaddirections.read.RateFit;
import io.github.deaddirections.report.DirectionReport;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The fitted line of one direction's log-log curve: {@code log F = intercept + slope log t} over
 * a window of radius indices.
 *
 * <p>The report keeps the slope but not the window. The rate fit is deterministic, so running
 * the engine's own {@link RateFit} again on the reported curve with the read's settings and null
 * threshold gives back the very window the read used; the refit is accepted only when its slope
 * equals the reported one ({@code exact}). When the threshold is unknown (no exact Fisher) or the
 * refit disagrees, the line is drawn with the reported slope through the centroid of the points
 * strictly above the lower quartile of log F, which keeps it off the null floor; {@code exact} is then false
 * and the plot says so.
 */
public record FitWindow(int start, int end, double slope, double intercept, boolean exact) {

    public static Optional<FitWindow> of(DirectionReport d, ReadConfig config, Double nullThreshold) {
        if (d.slope() == null || !Double.isFinite(d.slope())) {
            return Optional.empty();
        }
        double[] t = values(d.radii());
        double[] f = values(d.fisher());
        if (nullThreshold != null) {
            RateEstimate e = RateFit.from(config).fit(t, f, nullThreshold);
            if (e.slope() != null && e.windowStart() >= 0
                    && Math.abs(e.slope() - d.slope()) <= 1e-9 * Math.max(1, Math.abs(d.slope()))) {
                return Optional.of(through(t, f, e.windowStart(), e.windowEnd(), d.slope(), true));
            }
        }
        return upperPoints(t, f, d.slope());
    }

    private static Optional<FitWindow> upperPoints(double[] t, double[] f, double slope) {
        List<Integer> usable = new ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            if (f[i] > 0 && Double.isFinite(f[i]) && t[i] > 0) {
                usable.add(i);
            }
        }
        if (usable.isEmpty()) {
            return Optional.empty();
        }
        double[] logs = usable.stream().mapToDouble(i -> Math.log(f[i])).sorted().toArray();
        // Strictly above: a null floor repeats one value, and all of it stays out of the centroid.
        double quartile = logs[logs.length / 4];
        boolean flat = logs[logs.length - 1] <= quartile;
        int first = -1;
        int last = -1;
        double sx = 0;
        double sy = 0;
        int n = 0;
        for (int i : usable) {
            if (flat || Math.log(f[i]) > quartile) {
                first = first < 0 ? i : first;
                last = i;
                sx += Math.log(t[i]);
                sy += Math.log(f[i]);
                n++;
            }
        }
        double intercept = sy / n - slope * sx / n;
        return Optional.of(new FitWindow(first, last, slope, intercept, false));
    }

    /** The line with the given slope through the centroid of the window (OLS passes through it). */
    private static FitWindow through(double[] t, double[] f, int start, int end, double slope, boolean exact) {
        double sx = 0;
        double sy = 0;
        for (int i = start; i <= end; i++) {
            sx += Math.log(t[i]);
            sy += Math.log(f[i]);
        }
        int n = end - start + 1;
        return new FitWindow(start, end, slope, sy / n - slope * sx / n, exact);
    }

    /** log F of the line at radius t. */
    public double logFisherAt(double radius) {
        return intercept + slope * Math.log(radius);
    }

    private static double[] values(List<Double> list) {
        double[] a = new double[list.size()];
        Arrays.setAll(a, i -> list.get(i) == null ? Double.NaN : list.get(i));
        return a;
    }
}
