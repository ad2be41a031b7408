package io.github.deaddirections.read;

import io.github.deaddirections.report.DirectionReport;

import java.util.ArrayList;
import java.util.List;

/**
 * One direction read along its path: the curves at every radius and the rate estimate.
 *
 * @param role          the direction's role in its structure
 * @param radii         radii, increasing
 * @param fisher        F_u at each radius
 * @param kl            K_u at each radius
 * @param estimate      the rate fit
 * @param clearedFloor  whether F_u rose at least {@code clearDecades} above the null threshold
 */
public record DirectionRead(String role, double[] radii, double[] fisher, double[] kl, RateEstimate estimate,
                            boolean clearedFloor) {

    public RateEstimate.Verdict verdict() {
        return estimate.verdict();
    }

    /** A note for people: leak crossover, or a curve that never cleared the floor. */
    public String note() {
        if (estimate.leak()) {
            return String.format("first-order leak: slope collapses below t = %.3g (live, order 1)", estimate.crossover());
        }
        if (estimate.verdict() != RateEstimate.Verdict.FLAT && !clearedFloor) {
            return "F_u never cleared the null threshold by the configured decades, even at t = s";
        }
        return "";
    }

    public DirectionReport toReport() {
        RateEstimate e = estimate;
        return new DirectionReport(role, e.order() != null && e.verdict() != RateEstimate.Verdict.UNRESOLVED ? e.order() : null,
                e.orderEstimate(), e.slope(), e.r2(), list(radii), list(fisher), list(kl), note());
    }

    private static List<Double> list(double[] a) {
        List<Double> l = new ArrayList<>(a.length);
        for (double v : a) {
            l.add(v);
        }
        return l;
    }
}
