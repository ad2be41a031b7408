package io.github.deaddirections.llc;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Whether one SGLD estimate can be trusted, judged from its per-chain values and loss traces.
 *
 * <ul>
 *   <li>NEGATIVE: the mean estimate is below zero; a local minimum has λ ≥ 0.</li>
 *   <li>DIVERGED: a chain produced a non-finite loss.</li>
 *   <li>IMPLAUSIBLE: the estimate exceeds d/2 by more than three standard errors; no learning
 *       coefficient can.</li>
 *   <li>DRIFTING: per chain, the mean of the last quarter of the trace minus the mean of the second
 *       quarter. SGLD traces are autocorrelated, so one chain's difference says little; chains are
 *       independent, so a drift shared by all chains shows as a mean difference with t statistic
 *       across chains above {@value #DRIFT_T}, which also exceeds {@value #DRIFT_TOLERANCE} times the
 *       trace noise (so a tiny consistent creep does not count). One chain: noise test only, at
 *       twice the tolerance.</li>
 *   <li>DISAGREEING: Gelman–Rubin R̂ of the traces' second halves above {@value #RHAT_LIMIT}, the
 *       usual threshold (Gelman et al., Bayesian Data Analysis). Needs two chains.</li>
 * </ul>
 *
 * @param problems what is wrong; empty when healthy
 * @param rHat the Gelman–Rubin R̂ of the second halves (NaN with one chain or a diverged chain)
 * @param drift the chains' mean drift from the second to the last quarter, in trace-noise units
 * @param driftT that mean drift over its standard error across chains (NaN with one chain)
 */
public record TraceHealth(Set<Problem> problems, double rHat, double drift, double driftT) {

    /** Drift over half the run, in trace-noise units, below which the chains do not count as drifting. */
    public static final double DRIFT_TOLERANCE = 0.25;

    /** The t statistic of the chains' drift above which it counts as shared by the chains. */
    public static final double DRIFT_T = 3.0;

    /** Gelman–Rubin R̂ above which chains count as disagreeing. */
    public static final double RHAT_LIMIT = 1.1;

    /** One thing wrong with an estimate; {@link #word()} is how the CLI prints it. */
    public enum Problem {
        NEGATIVE, DIVERGED, IMPLAUSIBLE, DRIFTING, DISAGREEING;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public TraceHealth {
        problems = Set.copyOf(problems);
    }

    public boolean healthy() {
        return problems.isEmpty();
    }

    /** "healthy", or the problems' words joined by commas, in a fixed order. */
    public String verdict() {
        if (healthy()) {
            return "healthy";
        }
        List<String> words = new ArrayList<>();
        for (Problem p : Problem.values()) {
            if (problems.contains(p)) {
                words.add(p.word());
            }
        }
        return String.join(",", words);
    }

    /** Diagnoses one estimate. */
    public static TraceHealth of(LlcEstimate e) {
        return of(e.mean(), e.standardError(), e.parameters(), e.lossTrace(), e.divergedChains());
    }

    /** Diagnoses an estimate given as its mean, standard error, parameter count d, loss traces and diverged chains. */
    public static TraceHealth of(double mean, double standardError, int parameters, double[][] traces, int diverged) {
        EnumSet<Problem> problems = EnumSet.noneOf(Problem.class);
        if (diverged > 0 || !Double.isFinite(mean)) {
            problems.add(Problem.DIVERGED);
            return new TraceHealth(problems, Double.NaN, Double.NaN, Double.NaN);
        }
        if (mean < 0) {
            problems.add(Problem.NEGATIVE);
        }
        if (mean - 3 * standardError > parameters / 2.0) {
            problems.add(Problem.IMPLAUSIBLE);
        }
        double[] drift = drift(traces);
        boolean drifting = traces.length > 1
                ? drift[0] > DRIFT_TOLERANCE && drift[1] > DRIFT_T
                : drift[0] > 2 * DRIFT_TOLERANCE;
        if (drifting) {
            problems.add(Problem.DRIFTING);
        }
        double rHat = rHat(traces);
        if (rHat > RHAT_LIMIT) {
            problems.add(Problem.DISAGREEING);
        }
        return new TraceHealth(problems, rHat, drift[0], drift[1]);
    }

    /** {mean drift over the pooled within-quarter sd, its t statistic across chains}; zeros if too short. */
    static double[] drift(double[][] traces) {
        int chains = traces.length;
        double[] differences = new double[chains];
        double noise = 0;
        for (int c = 0; c < chains; c++) {
            double[] t = traces[c];
            int m = t.length / 4;
            if (m < 2) {
                return new double[] {0, 0};
            }
            double a = mean(t, m, 2 * m);
            double b = mean(t, t.length - m, t.length);
            differences[c] = b - a;
            noise += (variance(t, m, 2 * m, a) + variance(t, t.length - m, t.length, b)) / (2 * chains);
        }
        double meanDifference = mean(differences, 0, chains);
        double relative = ratio(Math.abs(meanDifference), Math.sqrt(noise));
        if (chains < 2) {
            return new double[] {relative, Double.NaN};
        }
        double standardError = Math.sqrt(variance(differences, 0, chains, meanDifference) / chains);
        return new double[] {relative, ratio(Math.abs(meanDifference), standardError)};
    }

    /** Gelman–Rubin R̂ of the second halves of the traces (the first half is warm-up); NaN if undefined. */
    static double rHat(double[][] traces) {
        int chains = traces.length;
        int n = Integer.MAX_VALUE;
        for (double[] t : traces) {
            n = Math.min(n, t.length / 2);
        }
        if (chains < 2 || n < 2) {
            return Double.NaN;
        }
        double[] means = new double[chains];
        double within = 0;
        for (int c = 0; c < chains; c++) {
            int from = traces[c].length - n;
            means[c] = mean(traces[c], from, traces[c].length);
            within += variance(traces[c], from, traces[c].length, means[c]) / chains;
        }
        double between = n * variance(means, 0, chains, mean(means, 0, chains));
        double pooled = (n - 1.0) / n * within + between / n;
        return Math.sqrt(ratio(pooled, within));
    }

    /** a / b, with 0 / 0 = 0 and a / 0 = infinity: a noiseless trace has no drift unless it moves. */
    private static double ratio(double a, double b) {
        if (b == 0) {
            return a == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return a / b;
    }

    private static double mean(double[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i];
        }
        return s / (to - from);
    }

    /** Sample variance (n - 1) of x[from, to). */
    private static double variance(double[] x, int from, int to, double mean) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (x[i] - mean) * (x[i] - mean);
        }
        return s / (to - from - 1);
    }
}
