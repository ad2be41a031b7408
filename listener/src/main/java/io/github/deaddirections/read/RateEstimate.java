package io.github.deaddirections.read;

import java.util.List;

/**
 * What the rate fit read off one curve (METHOD 2.1 steps 3-5).
 *
 * @param verdict      flat, an order, live (order 1) or unresolved
 * @param order        the rounded order k (null unless verdict is ORDER or LIVE)
 * @param orderEstimate k-hat = 1 + slope / 2 (null when flat)
 * @param slope        OLS slope of log F on log t in the stable window (null when flat)
 * @param r2           R squared of that fit (null when flat)
 * @param windowStart  first radius index of the window (-1 when flat)
 * @param windowEnd    last radius index of the window, inclusive (-1 when flat)
 * @param localSlopes  the local slope profile between neighbouring radii above the null floor
 * @param leak         true when a live floor sits below a steeper regime (slope collapse below the
 *                     crossover): the direction is live with a first-order leak
 * @param crossover    estimated crossover radius {@code (c0 / b)^(1/m)} when a leak is seen, else NaN
 */
public record RateEstimate(Verdict verdict, Integer order, Double orderEstimate, Double slope, Double r2,
                           int windowStart, int windowEnd, List<Double> localSlopes, boolean leak, double crossover) {

    public enum Verdict {
        /** F_u stayed below the null threshold at every radius: no order (a gauge or flat locus). */
        FLAT,
        /** A stable integer order k >= 2. */
        ORDER,
        /** Order 1: live, possibly with a leak floor under a steeper regime. */
        LIVE,
        /** No stable window, a non-integer slope or a poor fit. */
        UNRESOLVED
    }

    public RateEstimate {
        localSlopes = List.copyOf(localSlopes);
    }

    static RateEstimate flat() {
        return new RateEstimate(Verdict.FLAT, null, null, null, null, -1, -1, List.of(), false, Double.NaN);
    }
}
