package io.github.deaddirections.llc;

import org.deeplearning4j.nn.api.Model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Sweeps the SGLD step size ε and localization γ on a small grid and recommends a setting.
 *
 * <p>Every grid point runs the estimator with the base settings, only ε, γ and the number of draws
 * replaced; every point uses the base seed, so the same seed gives the same sweep.
 *
 * <p>The recommendation rule: for each γ, smallest first (a weak pull keeps the sampled posterior
 * closest to the unlocalized one the coefficient is defined by), walk the step sizes from small to
 * large and keep the largest ε whose healthy estimate agrees with the next smaller ε's healthy
 * estimate within the sum of their chain standard deviations. Too small a step has not moved the
 * chains away from the checkpoint (λ̂ too low, drifting); too large a step overshoots (λ̂ too high
 * or diverged). Between the two the estimate sits on a plateau where it no longer depends on ε,
 * and the largest step on it mixes fastest. The first γ with such a pair wins. If no two adjacent
 * healthy steps agree, the largest healthy step at the smallest γ that has one is recommended,
 * marked as not on a plateau; if no setting is healthy, nothing is recommended.
 */
public final class Calibration {

    /** The default step sizes swept. */
    public static final List<Double> DEFAULT_STEPS = List.of(1e-5, 3e-5, 1e-4, 3e-4, 1e-3);

    /** The default localizations swept. */
    public static final List<Double> DEFAULT_LOCALIZATIONS = List.of(1.0, 10.0, 100.0);

    /** The default number of recorded draws per setting: enough to see drift, few enough to sweep. */
    public static final int DEFAULT_DRAWS = 300;

    /** Told before each setting runs (index from 1). */
    public interface Listener {
        void setting(int index, int total, double stepSize, double localization);
    }

    /** One grid point: its settings, the estimate and its health. */
    public record Point(LlcSettings settings, LlcEstimate estimate, TraceHealth health) {
        public double stepSize() {
            return settings.stepSize();
        }

        public double localization() {
            return settings.localization();
        }
    }

    /**
     * The sweep's outcome.
     *
     * @param points the grid, localization-major, each axis ascending
     * @param recommended the recommended point, if any setting was healthy
     * @param onPlateau whether the recommended point agrees with its next smaller step
     * @param reason why this point (or why none), in a sentence
     */
    public record Result(List<Point> points, Optional<Point> recommended, boolean onPlateau, String reason) {
    }

    private final LlcSettings base;
    private final List<Double> steps;
    private final List<Double> localizations;
    private final int draws;

    /**
     * @param base the settings every point starts from (chains, burn-in, batch, seed, ...)
     * @param steps the step sizes, each finite and positive
     * @param localizations the localizations, each finite and non-negative
     * @param draws recorded draws per setting
     */
    public Calibration(LlcSettings base, List<Double> steps, List<Double> localizations, int draws) {
        if (steps.isEmpty() || localizations.isEmpty()) {
            throw new IllegalArgumentException("the grid needs at least one step size and one localization");
        }
        this.base = base;
        this.steps = sorted(steps);
        this.localizations = sorted(localizations);
        this.draws = draws;
        for (double s : this.steps) {
            settingsFor(s, this.localizations.get(0)); // validates each value before any sampling
        }
        for (double g : this.localizations) {
            settingsFor(this.steps.get(0), g);
        }
    }

    public int size() {
        return steps.size() * localizations.size();
    }

    /** Runs the sweep. */
    public Result run(Model network, LlcData data, Listener listener) {
        List<Point> points = new ArrayList<>();
        int index = 0;
        for (double gamma : localizations) {
            for (double eps : steps) {
                listener.setting(++index, size(), eps, gamma);
                LlcSettings s = settingsFor(eps, gamma);
                LlcEstimate e = new LlcEstimator(s).estimate(network, data);
                points.add(new Point(s, e, TraceHealth.of(e)));
            }
        }
        return recommend(points);
    }

    /** Applies the recommendation rule (see the class comment) to a finished grid. */
    Result recommend(List<Point> points) {
        Point fallback = null;
        for (double gamma : localizations) {
            Point plateau = null;
            Point previous = null;
            for (Point p : points) {
                if (p.localization() != gamma) {
                    continue;
                }
                if (p.health().healthy()) {
                    if (fallback == null || fallback.localization() == gamma) {
                        fallback = p;
                    }
                    if (previous != null && agree(previous, p)) {
                        plateau = p;
                    }
                    previous = p;
                } else {
                    previous = null; // agreement only counts between neighbouring healthy steps
                }
            }
            if (plateau != null) {
                return new Result(points, Optional.of(plateau), true, "the largest step whose estimate agrees with the"
                        + " next smaller step's, at the smallest localization that has such a pair");
            }
        }
        if (fallback != null) {
            return new Result(points, Optional.of(fallback), false, "no two neighbouring healthy steps agree; this is"
                    + " the largest healthy step at the smallest localization: confirm it with more draws");
        }
        return new Result(points, Optional.empty(), false, "no setting is healthy: widen the grid (smaller steps) or"
                + " check that the checkpoint is a trained minimum");
    }

    private static boolean agree(Point smaller, Point larger) {
        double gap = Math.abs(larger.estimate().mean() - smaller.estimate().mean());
        return gap <= larger.estimate().standardDeviation() + smaller.estimate().standardDeviation();
    }

    private LlcSettings settingsFor(double eps, double gamma) {
        return base.toBuilder().stepSize(eps).localization(gamma).draws(draws).build();
    }

    private static List<Double> sorted(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).distinct().sorted().toArray();
        return Arrays.stream(v).boxed().toList();
    }
}
