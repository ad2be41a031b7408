package io.github.deaddirections.llcbench;

import java.util.OptionalLong;

/**
 * How many SGLD passes it takes to come within a relative tolerance of the true lambda.
 *
 * <p>The chains run in lockstep in this accounting: after draw t every chain has made
 * {@code burnIn + t} steps. The running estimate at draw t is
 * nBeta * (mean of the recorded losses of all chains at draws 0..t - L_n(w*)), the estimator's own
 * formula truncated at t. The answer is the pass count at the smallest t after which the running
 * estimate stays within the band for the rest of the run; a run that only touches the band and
 * leaves it again, or ends outside it, has no answer (empty).
 *
 * @param fixedPasses   passes spent before the first draw counts (anchor loss, burn-in of all chains)
 * @param passesPerDraw passes one draw of all chains costs
 */
record PassesToTolerance(long fixedPasses, long passesPerDraw) {

    /** The running estimate after each draw; traces are per chain, one recorded loss per draw. */
    static double[] runningEstimate(double[][] traces, double anchorLoss, double nBeta) {
        int draws = Integer.MAX_VALUE;
        for (double[] trace : traces) {
            draws = Math.min(draws, trace.length);
        }
        double[] running = new double[draws];
        double sum = 0;
        for (int t = 0; t < draws; t++) {
            for (double[] trace : traces) {
                sum += trace[t];
            }
            running[t] = nBeta * (sum / ((t + 1.0) * traces.length) - anchorLoss);
        }
        return running;
    }

    /** Passes until the running estimate enters the band |estimate - truth| <= tolerance * truth for good. */
    OptionalLong passesWithin(double[] running, double truth, double tolerance) {
        int first = running.length;
        // Walk back from the end: the band must hold on the whole tail.
        while (first > 0 && Math.abs(running[first - 1] - truth) <= tolerance * Math.abs(truth)) {
            first--;
        }
        if (first == running.length) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(fixedPasses + (first + 1L) * passesPerDraw);
    }
}
