package io.github.deaddirections.llc;

import org.deeplearning4j.nn.api.Model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Sweeps the SGLD step size ε and localization γ on a small grid and recommends a setting.
 *
 * <p>Every grid point runs the estimator with the base settings, only ε, γ and the number of draws
 * replaced; every point uses the base seed, so the same seed gives the same sweep.
 *
 * <p>The recommendation rule: for each γ, smallest first (a weak pull keeps the sampled posterior
 * closest to the unlocalized one the coefficient is defined by), walk the step sizes from small to
 * large and keep the smallest healthy ε whose estimate agrees with the next larger ε's healthy
 * estimate within the sum of their chain standard deviations. Too small a step has not moved the
 * chains away from the checkpoint (λ̂ too low, drifting or disagreeing: unhealthy); every larger
 * step adds discretization bias (Euler–Maruyama is weak order 1: λ̂ grows about linearly in ε, as
 * measured on devinterp's trained reduced-rank case (5,3,5): 6.65, 7.03, 7.37, 7.84 at ε = 3e-4,
 * 6e-4, 1e-3, 2e-3 for a true 6.5). So the first step where the estimate has become stable is the
 * least biased one the sweep can trust. The first γ with such a pair wins. If no two adjacent
 * healthy steps agree, the smallest healthy step at the smallest γ that has one is recommended,
 * marked as not on a plateau; if no setting is healthy, nothing is recommended.
 *
 * <p>Where the recommended γ has at least {@value #EXTRAPOLATION_POINTS} healthy steps from the
 * recommended one up, the sweep also fits λ̂ = a + b·ε through them by least squares and reports
 * a, the estimate extrapolated to ε → 0: the first-order discretization bias removed. On the case
 * above it gives 6.57.
 */
public final class Calibration {

    /** The default step sizes swept. */
    public static final List<Double> DEFAULT_STEPS = List.of(1e-5, 3e-5, 1e-4, 3e-4, 1e-3);

    /** The default localizations swept. */
    public static final List<Double> DEFAULT_LOCALIZATIONS = List.of(1.0, 10.0, 100.0);

    /** The default number of recorded draws per setting: enough to see drift, few enough to sweep. */
    public static final int DEFAULT_DRAWS = 300;

    /** Healthy steps needed for the ε → 0 extrapolation: two points always fit a line. */
    public static final int EXTRAPOLATION_POINTS = 3;

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
     * @param extrapolated λ̂ extrapolated to ε → 0 through the healthy steps from the recommended one up, if
     *                     there are at least {@link #EXTRAPOLATION_POINTS}
     */
    public record Result(List<Point> points, Optional<Point> recommended, boolean onPlateau, String reason,
                         OptionalDouble extrapolated) {
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
            List<Point> row = points.stream().filter(p -> p.localization() == gamma).toList();
            for (int i = 0; i < row.size(); i++) {
                Point p = row.get(i);
                if (!p.health().healthy()) {
                    continue;
                }
                if (fallback == null) {
                    fallback = p;
                }
                // Agreement only counts between neighbouring healthy steps.
                if (i + 1 < row.size() && row.get(i + 1).health().healthy() && agree(p, row.get(i + 1))) {
                    return new Result(points, Optional.of(p), true, "the smallest step whose estimate agrees with the"
                            + " next larger step's, at the smallest localization that has such a pair",
                            extrapolate(row, i));
                }
            }
        }
        if (fallback != null) {
            Point f = fallback;
            List<Point> row = points.stream().filter(p -> p.localization() == f.localization()).toList();
            return new Result(points, Optional.of(fallback), false, "no two neighbouring healthy steps agree; this is"
                    + " the smallest healthy step at the smallest localization that has one: confirm it with more draws",
                    extrapolate(row, row.indexOf(f)));
        }
        return new Result(points, Optional.empty(), false, "no setting is healthy: widen the grid (smaller steps) or"
                + " check that the checkpoint is a trained minimum", OptionalDouble.empty());
    }

    /** The least-squares intercept of λ̂ against ε over the run of healthy steps starting at {@code from}. */
    private static OptionalDouble extrapolate(List<Point> row, int from) {
        List<double[]> xy = new ArrayList<>();
        for (int i = from; i < row.size() && row.get(i).health().healthy(); i++) {
            xy.add(new double[]{row.get(i).stepSize(), row.get(i).estimate().mean()});
        }
        return xy.size() < EXTRAPOLATION_POINTS ? OptionalDouble.empty() : OptionalDouble.of(intercept(xy));
    }

    /** The intercept a of the least-squares line y = a + b x. */
    static double intercept(List<double[]> xy) {
        double mx = 0;
        double my = 0;
        for (double[] p : xy) {
            mx += p[0] / xy.size();
            my += p[1] / xy.size();
        }
        double sxx = 0;
        double sxy = 0;
        for (double[] p : xy) {
            sxx += (p[0] - mx) * (p[0] - mx);
            sxy += (p[0] - mx) * (p[1] - my);
        }
        return my - sxy / sxx * mx;
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
