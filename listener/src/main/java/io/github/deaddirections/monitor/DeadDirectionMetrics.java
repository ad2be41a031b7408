package io.github.deaddirections.monitor;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Binds the dead-direction meters to a Micrometer registry. Every meter reads
 * {@link ReadStatistics} when it is scraped; nothing here runs during training. Tags are bounded:
 * {@code model} on every meter, {@code resolution} (exact, sample) on lambda and m, {@code class} x {@code order} from a fixed set, at most
 * {@code maxLayerTags + 1} values of {@code layer}, four of {@code outcome}. The README
 * lists every meter.
 */
public final class DeadDirectionMetrics implements MeterBinder {

    public static final String PREFIX = "deaddirections.";

    private final ReadStatistics statistics;
    private final Tags common;
    private final int maxOrderTag;

    public DeadDirectionMetrics(ReadStatistics statistics, String model, int maxOrderTag) {
        this.statistics = statistics;
        this.common = Tags.of("model", model);
        this.maxOrderTag = maxOrderTag;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        // resolution=exact: lambda(infinity) at the parameters; resolution=sample: lambda(n) at the
        // training set size (METHOD 8), the one that does not flicker with near-zero eigenvalues.
        resolvedGauge(registry, "learning.coefficient", "exact", ReadSummary::learningCoefficient,
                "Watanabe's learning coefficient of the latest read: resolution=exact is lambda(infinity) at the parameters"
                        + " (a bound when the read is not exact), resolution=sample is lambda(n) at the training set size");
        resolvedGauge(registry, "learning.coefficient", "sample", ReadSummary::sampleLearningCoefficient,
                "Watanabe's learning coefficient of the latest read: resolution=exact is lambda(infinity) at the parameters"
                        + " (a bound when the read is not exact), resolution=sample is lambda(n) at the training set size");
        resolvedGauge(registry, "multiplicity", "exact", ReadSummary::multiplicity,
                "Multiplicity m of lambda, latest read: resolution=exact is m(infinity), resolution=sample is m(n)");
        resolvedGauge(registry, "multiplicity", "sample", ReadSummary::sampleMultiplicity,
                "Multiplicity m of lambda, latest read: resolution=exact is m(infinity), resolution=sample is m(n)");
        summaryGauge(registry, "singular.fluctuation", ReadSummary::singularFluctuation,
                "Singular fluctuation nu: the global value when defined, else the sum of nu(k) over genuine "
                        + "singularities; NaN when there is none");
        // Not "gauge.dimension": Prometheus's linter (promtool check metrics) rejects a gauge whose
        // name contains "_gauge_".
        summaryGauge(registry, "gauges.dimension", ReadSummary::gaugeDimension,
                "Dimensions of flat gauge directions (symmetries, exact zeros of the probe data), latest read");
        summaryGauge(registry, "regular.dimension", ReadSummary::regularDimension,
                "Live (regular) dimensions: the Fisher rank, latest read");
        summaryGauge(registry, "unresolved.dimension", ReadSummary::unresolvedDirections,
                "Dead directions whose order could not be read (excluded from lambda), latest read");
        summaryGauge(registry, "dead.relu.units", ReadSummary::deadReluUnits,
                "Dead ReLU units: units that never fire on the probe (the inactive-unit structures), latest read");
        summaryGauge(registry, "read.epoch", ReadSummary::epoch, "Completed epochs when the latest read's parameters were copied");
        for (StructureTag tag : StructureTag.all(maxOrderTag)) {
            Gauge.builder(PREFIX + "structures", statistics, s -> s.latest().structureCount(tag))
                    .description("Structures of one class and order in the latest read. class=regular counts candidates "
                            + "a detector proposed that turned out live (a leak), usually 0; the live dimensions are "
                            + "deaddirections_regular_dimension")
                    .tags(common).tag("class", tag.structureClass()).tag("order", tag.order())
                    .strongReference(true).register(registry);
        }
        statistics.watchLayerTags(layer -> Gauge.builder(PREFIX + "layer.learning.coefficient", statistics,
                        s -> s.latest().layerLearningCoefficient(layer))
                .description("Share of the singular part of lambda on this layer: each genuine structure's lambda_B "
                        + "split equally among its layers (rank/2 is not attributed)")
                .tags(common).tag("layer", layer).strongReference(true).register(registry));
        outcomeCounter(registry, "success", ReadStatistics::successes);
        outcomeCounter(registry, "failure", ReadStatistics::failures);
        outcomeCounter(registry, "skipped", ReadStatistics::skips);
        outcomeCounter(registry, "cancelled", ReadStatistics::cancellations);
        FunctionTimer.builder(PREFIX + "read.duration", statistics, ReadStatistics::timedReads,
                        s -> (double) s.readNanos(), TimeUnit.NANOSECONDS)
                .description("Wall time of finished reads (success or failure), on the read thread")
                .tags(common).register(registry);
    }

    private void summaryGauge(MeterRegistry registry, String name, ToDoubleFunction<ReadSummary> value, String description) {
        Gauge.builder(PREFIX + name, statistics, s -> value.applyAsDouble(s.latest()))
                .description(description).tags(common).strongReference(true).register(registry);
    }

    private void resolvedGauge(MeterRegistry registry, String name, String resolution, ToDoubleFunction<ReadSummary> value,
                               String description) {
        Gauge.builder(PREFIX + name, statistics, s -> value.applyAsDouble(s.latest()))
                .description(description).tags(common).tag("resolution", resolution).strongReference(true).register(registry);
    }

    private void outcomeCounter(MeterRegistry registry, String outcome, ToLongFunction<ReadStatistics> count) {
        FunctionCounter.builder(PREFIX + "reads", statistics, count::applyAsLong)
                .description("Scheduled reads by outcome: success (published), failure (the read threw; training "
                        + "went on), skipped (due while another read was running), cancelled (stopped by close() at shutdown)")
                .tags(common).tag("outcome", outcome).register(registry);
    }
}
