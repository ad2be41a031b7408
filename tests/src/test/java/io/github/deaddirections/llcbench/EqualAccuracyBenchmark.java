package io.github.deaddirections.llcbench;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.github.deaddirections.llc.LlcData;
import io.github.deaddirections.llc.LlcEstimate;
import io.github.deaddirections.llc.LlcEstimator;
import io.github.deaddirections.llc.LlcSettings;
import io.github.deaddirections.resolve.NoiseVariance;
import io.github.deaddirections.resolve.SampleSize;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Issue 15's comparison at equal accuracy: the read against SGLD, per closed-form cell and per
 * trained reduced-rank case, counting passes. Tag {@code benchmark}; run it with
 * <pre>
 * flock /tmp/heavy.lock env OMP_NUM_THREADS=1 mvn -B -q -pl tests -am test -Dtest=EqualAccuracyBenchmark \
 *     -Dsurefire.failIfNoSpecifiedTests=false -DexcludedTags=none
 * </pre>
 * It prints the table and writes it to {@code tests/target/equal-accuracy.md}.
 *
 * <p>Protocol (docs/BENCHMARKS.md, "Equal accuracy"). Cells: the read is
 * {@code readExact} on the cell's 512-sample probe, lambda(infinity); trained cases: the read's
 * lambda(n) at n = 1000 on the training inputs, sigma^2 the residual variance; SGLD sees the data of
 * {@link LlcVersusReadBenchmark} (n = 4096 inputs labelled by the checkpoint). Trained cases:
 * devinterp's checkpoints and their n = 1000 samples, truth = Aoyagi-Watanabe. SGLD runs at
 * {@link LlcVersusReadBenchmark#USUAL}, at {@link LlcSettings#defaults()}, and once at the
 * defaults lengthened to {@link #CAP} passes, from whose traces {@link PassesToTolerance} reads the
 * passes needed to come within 10% and 1% for good.
 */
@Tag("benchmark")
class EqualAccuracyBenchmark {

    /** Seeds 1..k per closed-form cell and per trained case (-Dequal.seeds, -Dequal.trainedSeeds). */
    static final long[] CELL_SEEDS = seeds(Integer.getInteger("equal.seeds", 3));
    static final long[] TRAINED_SEEDS = seeds(Integer.getInteger("equal.trainedSeeds", 3));
    /** Pass budget of the long run. */
    static final long CAP = Long.getLong("equal.cap", 100_000L);
    static final int TIMING_REPETITIONS = 200;

    private final List<String> rows = new ArrayList<>();
    private final StringBuilder log = new StringBuilder();
    private boolean targetMet = true;
    private boolean targetMetInSampleForwards = true;
    private final List<Double> backwardRatios = new ArrayList<>();

    @Test
    void readVersusSgldAtEqualAccuracy() throws IOException {
        for (String name : LlcVersusReadBenchmark.CELLS) {
            List<Seeded> seeds = new ArrayList<>();
            for (long seed : CELL_SEEDS) {
                Cell cell = ConstructedCells.byName(name, seed);
                Snapshot snapshot = Snapshot.of(cell.network(), cell.probe());
                double read = DeadDirectionReader.withDefaults().readExact(snapshot).global().learningCoefficient();
                long readPasses = snapshot.model().forwardPasses();
                LlcData data = LlcData.drawnFrom(cell.network(),
                        Inputs.standardNormal(LlcVersusReadBenchmark.SAMPLES, cell.probe(), seed), 1.0, seed);
                seeds.add(Seeded.run(cell.network(), data, cell.prediction().learningCoefficient(), seed,
                        read, readPasses, cell.probe().rows()));
            }
            summarise(name, seeds, true);
        }
        for (DevinterpCase c : DevinterpCase.ALL) {
            List<Seeded> seeds = new ArrayList<>();
            for (long seed : TRAINED_SEEDS) {
                DevinterpCase.Trained t = c.train(seed);
                // The read's lambda(n) at the training n, sigma^2 the residual variance (as ReducedRankResolutionTest).
                Snapshot snapshot = Snapshot.of(t.network(), t.data().features());
                NoiseVariance noise = NoiseVariance.residual(snapshot.model().output(snapshot.parametersView()),
                        t.data().labels().toDoubleMatrix());
                double read = DeadDirectionReader.withDefaults().read(snapshot,
                        SampleSize.of(DevinterpCase.SAMPLES).withNoiseVariance(noise)).resolution().learningCoefficient();
                long readPasses = snapshot.model().forwardPasses();
                seeds.add(Seeded.run(t.network(), t.data(), c.theory(), seed, read, readPasses, DevinterpCase.SAMPLES));
            }
            summarise("rrr " + c, seeds, false);
        }
        String text = render();
        System.out.println(text);
        Path out = Path.of("target", "equal-accuracy.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, text);
    }

    /** One checkpoint: the read, SGLD at two settings, the long run's passes to 10% and 1%, and the timing ratio. */
    record Seeded(double truth, double read, long readPasses, int probeRows, LlcEstimate usual,
                  LlcEstimate defaults, OptionalLong to10, OptionalLong to1, int samples, double backwardRatio,
                  String line) {

        static Seeded run(MultiLayerNetwork network, LlcData data, double truth, long seed, double read,
                          long readPasses, int probeRows) {
            LlcEstimate usual = new LlcEstimator(LlcVersusReadBenchmark.USUAL.toBuilder().seed(seed).build())
                    .estimate(network, data);
            LlcSettings defaults = LlcSettings.defaults().toBuilder().seed(seed).build();
            LlcEstimate standard = new LlcEstimator(defaults).estimate(network, data);
            LlcEstimate longRun = new LlcEstimator(lengthened(defaults, standard)).estimate(network, data);
            PassesToTolerance cost = accounting(longRun);
            double[] running = PassesToTolerance.runningEstimate(longRun.lossTrace(), longRun.anchorLoss(), longRun.nBeta());
            // A diverged chain ends its trace early: the run did not come within anything.
            OptionalLong to10 = longRun.diverged() ? OptionalLong.empty() : cost.passesWithin(running, truth, 0.10);
            OptionalLong to1 = longRun.diverged() ? OptionalLong.empty() : cost.passesWithin(running, truth, 0.01);
            double ratio = forwardBackwardOverForward(network, data);
            String line = String.format(Locale.ROOT,
                    "seed %d: truth %.3f read %.3f (%d passes) usual %.3f (%d) defaults %.3f (%d) long %.3f (%d): to10%% %s to1%% %s, fwd+bwd/fwd %.2f",
                    seed, truth, read, readPasses, usual.mean(), usual.cost().passes(), standard.mean(),
                    standard.cost().passes(), longRun.mean(), longRun.cost().passes(), show(to10), show(to1), ratio);
            System.out.println(line);
            return new Seeded(truth, read, readPasses, probeRows, usual, standard, to10, to1,
                    data.features().rows(), ratio, line);
        }
    }

    /** The defaults with as many draws as fit in {@link #CAP} passes, every draw's loss recorded. */
    static LlcSettings lengthened(LlcSettings defaults, LlcEstimate measured) {
        long passesPerStep = passesPerStep(measured);
        long steps = CAP / (passesPerStep * defaults.chains());
        return defaults.toBuilder().draws((int) (steps - defaults.burnIn())).fullLossEvery(0).build();
    }

    /** Passes one chain step costs, read off the estimator's own count (every step is one gradient). */
    static long passesPerStep(LlcEstimate e) {
        long steps = (long) e.settings().chains() * (e.settings().burnIn() + e.settings().draws());
        return 2 * (e.cost().backwardPasses() / steps);
    }

    /** The estimator's own accounting, split into what precedes the first draw and what each draw adds. */
    static PassesToTolerance accounting(LlcEstimate e) {
        long perStep = passesPerStep(e);
        long steps = (long) e.settings().chains() * (e.settings().burnIn() + e.settings().draws());
        long anchor = e.cost().passes() - steps * perStep;
        return new PassesToTolerance(anchor + (long) e.settings().chains() * e.settings().burnIn() * perStep,
                (long) e.settings().chains() * perStep);
    }

    /**
     * What a forward+backward pass costs in forward passes, measured on this network and data:
     * the wall time of DL4J's computeGradientAndScore over the n samples against that of output
     * over the same samples, each the median of repeated timings after a warm-up.
     */
    static double forwardBackwardOverForward(MultiLayerNetwork original, LlcData data) {
        MultiLayerNetwork network = original.clone();
        double[] forward = new double[TIMING_REPETITIONS];
        double[] both = new double[TIMING_REPETITIONS];
        for (int warm = 0; warm < 20; warm++) {
            network.output(data.features());
            network.setInput(data.features());
            network.setLabels(data.labels());
            network.computeGradientAndScore();
        }
        for (int i = 0; i < TIMING_REPETITIONS; i++) {
            long start = System.nanoTime();
            network.output(data.features());
            forward[i] = System.nanoTime() - start;
            start = System.nanoTime();
            network.setInput(data.features());
            network.setLabels(data.labels());
            network.computeGradientAndScore();
            both[i] = System.nanoTime() - start;
        }
        return median(both) / median(forward);
    }

    private void summarise(String name, List<Seeded> seeds, boolean closedForm) {
        double ratio = median(seeds.stream().mapToDouble(Seeded::backwardRatio).toArray());
        backwardRatios.add(ratio);
        Seeded first = seeds.get(0);
        OptionalLong to10 = medianPasses(seeds.stream().map(Seeded::to10).toList());
        OptionalLong to1 = medianPasses(seeds.stream().map(Seeded::to1).toList());
        long readPasses = (long) median(seeds.stream().mapToDouble(Seeded::readPasses).toArray());
        rows.add(String.format(Locale.ROOT, "| %s | %.1f | %s | %d | %d | %s / %d | %s / %d | %s | %s | %.2f |",
                name, first.truth(), percent(medianError(seeds, Seeded::read)), readPasses,
                readPasses * first.probeRows(),
                percent(medianError(seeds, s -> s.usual().mean())), first.usual().cost().passes(),
                percent(medianError(seeds, s -> s.defaults().mean())), first.defaults().cost().passes(),
                show(to10), show(to1), ratio));
        seeds.forEach(s -> log.append("  ").append(name).append(' ').append(s.line()).append('\n'));
        if (closedForm) {
            // The read must need fewer passes than SGLD needs to come within 10% (issue 15). A run that is
            // not within 10% by the cap needs more than the cap: the read meets the target below the cap.
            long sgld = to10.isPresent() ? to10.getAsLong() : CAP;
            targetMet &= readPasses < sgld;
            targetMetInSampleForwards &= readPasses * first.probeRows() < sgld * (long) first.samples();
        }
    }

    private String render() {
        return "| case | λ | read error | read passes | read sample-forwards | SGLD usual: error / passes"
                + " | SGLD defaults: error / passes | SGLD passes to 10% | SGLD passes to 1% | fwd+bwd ÷ fwd |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n"
                + String.join("\n", rows) + "\n\n"
                + String.format(Locale.ROOT,
                "Errors are medians over seeds (cells %s, trained %s) of |estimate − λ| / λ; passes to a tolerance are the "
                        + "median over seeds of the SGLD passes (forward + backward, each over all n samples) after which the "
                        + "running estimate stays within it, '> %d' if not within the %d-pass run. A forward+backward pass costs "
                        + "%.2f–%.2f forward passes (measured, last column).%n",
                Arrays.toString(CELL_SEEDS), Arrays.toString(TRAINED_SEEDS), CAP, CAP,
                backwardRatios.stream().mapToDouble(d -> d).min().orElse(Double.NaN),
                backwardRatios.stream().mapToDouble(d -> d).max().orElse(Double.NaN))
                + "Target (read passes < SGLD passes to 10% on every closed-form cell): " + (targetMet ? "met" : "NOT met")
                + "; in sample-forwards (passes × samples): " + (targetMetInSampleForwards ? "met" : "NOT met") + ".\n\n"
                + "Per seed:\n" + log;
    }

    private static double medianError(List<Seeded> seeds, java.util.function.ToDoubleFunction<Seeded> estimate) {
        return median(seeds.stream().mapToDouble(s -> Math.abs(estimate.applyAsDouble(s) - s.truth()) / s.truth()).toArray());
    }

    /** The median over seeds (the upper one for an even count), a missing answer counting as more than any pass count. */
    static OptionalLong medianPasses(List<OptionalLong> perSeed) {
        long[] sorted = perSeed.stream().mapToLong(o -> o.orElse(Long.MAX_VALUE)).sorted().toArray();
        long middle = sorted[sorted.length / 2];
        return middle == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(middle);
    }

    private static long[] seeds(int count) {
        return java.util.stream.LongStream.rangeClosed(1, count).toArray();
    }

    private static String show(OptionalLong passes) {
        return passes.isPresent() ? String.valueOf(passes.getAsLong()) : "> " + CAP;
    }

    private static String percent(double relative) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * relative);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
