package io.github.deaddirections.report;

import java.util.List;

/**
 * One direction as it was read (METHOD 2.1): the radius grid, the directional Fisher
 * {@code F_u(t)} and the KL curve {@code K_u(t)} at each radius, and the fitted rate.
 *
 * @param role          what the direction is in its structure ("diagonal", "outgoing", "incoming",
 *                      "orbit", "null-vector", ...)
 * @param order         the rounded order k, or null when the direction is flat or unresolved
 * @param orderEstimate k-hat = 1 + slope / 2, or null when the curve never left the null floor
 * @param slope         OLS slope of log F on log t in the stable window, or null
 * @param fitR2         R squared of that fit, or null
 * @param note          a short remark for people (leak crossover, grid extended, ...); not in the JSON
 */
public record DirectionReport(
        String role,
        Integer order,
        Double orderEstimate,
        Double slope,
        Double fitR2,
        List<Double> radii,
        List<Double> fisher,
        List<Double> kl,
        String note) {

    public DirectionReport {
        radii = List.copyOf(radii);
        fisher = List.copyOf(fisher);
        kl = List.copyOf(kl);
        note = note == null ? "" : note;
    }
}
