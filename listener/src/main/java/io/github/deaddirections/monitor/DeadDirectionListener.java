package io.github.deaddirections.monitor;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.config.ListenerConfig;
import io.github.deaddirections.config.ListenerConfigYaml;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.detect.Detector;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.ReportJson;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.resolve.NoiseVariance;
import io.github.deaddirections.resolve.SampleSize;
import io.github.deaddirections.snapshot.Snapshot;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A DL4J training listener that reads the network's dead directions while it trains.
 *
 * <p>At each scheduled point it copies the parameters on the training thread and hands the read
 * to a background thread, so training goes on (unless the busy policy is synchronous). A read
 * that fails is logged and counted; training never sees its exception. Results go to Micrometer
 * through {@link #metrics()}, to an optional callback, and optionally to JSON files.
 *
 * <pre>{@code
 * try (DeadDirectionListener listener = DeadDirectionListener.builder()
 *         .model("mnist-mlp").everyEpochs(5).probe(trainIterator, 256)
 *         .meterRegistry(registry).build()) {
 *     net.addListeners(listener);
 *     net.fit(trainIterator, 100);
 * }
 * }</pre>
 *
 * <p>Close it when training is done: close() waits (bounded) for the last read and stops the
 * read thread.
 */
public final class DeadDirectionListener extends BaseTrainingListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadDirectionListener.class);

    private final ListenerConfig config;
    private final DeadDirectionReader reader;
    private final INDArray probe;
    /** The probe's labels (rows), or null: the residual variance for lambda(n) of a Gaussian output. */
    private final double[][] probeLabels;
    /** Examples seen in the first epoch, counted on the training thread: n for lambda(n) unless set. */
    private final java.util.concurrent.atomic.AtomicLong firstEpochExamples = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean firstEpochDone;
    private final ReadStatistics statistics = new ReadStatistics();
    private final DeadDirectionMetrics metrics;
    private final BackgroundReads reads;
    private final Consumer<ReadResult> onRead;
    /** Set on the training thread at the first scheduled point. */
    private ModelCopier copier;
    private volatile boolean closed;

    private DeadDirectionListener(Builder b, DataSet probe, DeadDirectionReader reader) {
        this.config = b.config.build();
        this.reader = reader;
        this.probe = probe.getFeatures();
        this.probeLabels = ProbeData.labels(probe);
        this.onRead = b.onRead;
        this.metrics = new DeadDirectionMetrics(statistics, config.model(), config.maxOrderTag());
        this.reads = new BackgroundReads(config.whenBusy(), config.shutdownTimeout(), config.read().cpuShare() < 1);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding the settings of a YAML file (see {@code config/dead-directions.yaml}). */
    public static Builder fromYaml(Path file) {
        try {
            return new Builder().config(ListenerConfigYaml.parseBuilder(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the dead-directions configuration " + file, e);
        }
    }

    public ListenerConfig config() {
        return config;
    }

    /** The meters of this listener; bind them to a registry (the builder's meterRegistry does this). */
    public MeterBinder metrics() {
        return metrics;
    }

    /** Counts and the latest summary, as the meters see them. */
    public ReadStatistics statistics() {
        return statistics;
    }

    /** Waits until no read is running or waiting; false when the time ran out first. */
    public boolean awaitReads(Duration timeout) throws InterruptedException {
        return reads.awaitIdle(timeout);
    }

    @Override
    public void onEpochEnd(Model model) {
        // DL4J calls this before it increments the epoch count.
        int completedEpochs = epochCount(model) + 1;
        firstEpochDone = true;
        if (config.schedule().dueAfterEpoch(completedEpochs)) {
            scheduleRead(model, completedEpochs, iterationCount(model));
        }
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        if (!firstEpochDone && config.sampleSize() == 0) {
            firstEpochExamples.addAndGet(Math.max(0, model.batchSize()));
        }
        // DL4J passes the iteration count before it increments it.
        if (config.schedule().dueAfterIteration(iteration + 1L)) {
            scheduleRead(model, epoch, iteration + 1L);
        }
    }

    /** Training thread: copy the parameters, then read now or in the background. */
    private void scheduleRead(Model model, int epoch, long iteration) {
        if (closed) {
            return;
        }
        try {
            if (copier == null) {
                copier = ModelCopier.of(model);
            }
            INDArray parameters = ModelCopier.copyParameters(model);
            ModelCopier copy = copier;
            if (!reads.submit(() -> read(copy, parameters, epoch, iteration))) {
                statistics.skipped();
                LOG.debug("dead-directions: skipped the read after epoch {} (iteration {}): the previous read is still running",
                        epoch, iteration);
            }
        } catch (RuntimeException e) {
            statistics.failedToStart();
            LOG.warn("dead-directions: could not copy the network after epoch {} for a read; training goes on", epoch, e);
        }
    }

    /** Read thread (or the training thread when synchronous). Never throws. */
    private void read(ModelCopier copy, INDArray parameters, int epoch, long iteration) {
        long start = System.nanoTime();
        DeadDirectionReport report;
        List<String> layers;
        try {
            Snapshot snapshot = copy.snapshot(parameters, probe);
            layers = snapshot.layers().stream().map(LayerInfo::name).toList();
            report = reader.read(snapshot, sampleSize(snapshot));
        } catch (Throwable t) {
            if (cancelledByClose(t)) {
                statistics.cancelled();
                LOG.info("dead-directions: the read after epoch {} (iteration {}) was cancelled by close() after "
                        + "{} s (shutdownTimeoutSeconds); not a failure", epoch, iteration,
                        config.shutdownTimeout().toMillis() / 1000.0);
                return;
            }
            statistics.failed(System.nanoTime() - start);
            LOG.warn("dead-directions: the read after epoch {} (iteration {}) failed and was skipped; training goes on: {}",
                    epoch, iteration, t.toString(), t);
            return;
        }
        statistics.succeeded(ReadSummary.of(report, layers, epoch, config.maxLayerTags(), config.maxOrderTag()),
                System.nanoTime() - start);
        logSummary(report, epoch);
        publish(new ReadResult(epoch, iteration, report));
    }

    /**
     * The one line a read logs: INFO, or WARN when the report has a caveat the user should act on
     * (the same caveats the report table prints). Per-direction details are at DEBUG.
     */
    private void logSummary(DeadDirectionReport report, int epoch) {
        var g = report.global();
        List<String> caveats = new ArrayList<>();
        report.spectrumSummary().ifPresent(s -> {
            if (s.narrowGap()) {
                caveats.add(String.format(java.util.Locale.ROOT, "narrow Fisher gap (%.1f decades), the rank is uncertain",
                        s.gapDecades()));
            }
            if (s.probeLimited()) {
                caveats.add("the probe is too small for the rank, use more probe examples");
            }
        });
        if (g.unresolvedDirections() > 0) {
            caveats.add(g.unresolvedDirections() + " unresolved directions");
        }
        if (!g.skippedDetectors().isEmpty()) {
            caveats.add(g.skippedDetectors().size() + " skipped detectors (" + g.skippedDetectors().get(0)
                    + (g.skippedDetectors().size() > 1 ? ", ..." : "") + ")");
        }
        if (!g.uncoveredLayers().isEmpty()) {
            caveats.add("layers no detector understands: " + String.join(", ", g.uncoveredLayers()));
        }
        String line = String.format(java.util.Locale.ROOT,
                "dead-directions %s after epoch %d: lambda = %.4g%s, m = %d (regular %d, gauge %d, genuine %d), %.1f s",
                config.model(), epoch, g.learningCoefficient(), g.exact() ? "" : " (bound)", g.multiplicity(),
                g.regularDimension(), g.gaugeDimension(), g.genuineStructures(), report.timing().totalMillis() / 1000);
        if (caveats.isEmpty()) {
            LOG.info(line);
        } else {
            LOG.warn("{}; {}", line, String.join("; ", caveats));
        }
    }

    /**
     * A read that threw after close() began, on an interrupted thread or because of an
     * interrupt somewhere in its causes, was stopped by close(), not broken.
     */
    private boolean cancelledByClose(Throwable t) {
        if (!reads.closing()) {
            return false;
        }
        if (Thread.currentThread().isInterrupted()) {
            return true;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof java.util.concurrent.CancellationException) {
                return true;
            }
        }
        return false;
    }

    private void publish(ReadResult result) {
        if (config.reportDirectory() != null) {
            Path file = config.reportDirectory().resolve(String.format("%s-epoch-%05d-iteration-%08d.json",
                    config.model(), result.epoch(), result.iteration()));
            try {
                ReportJson.write(result.report(), file);
            } catch (RuntimeException e) {
                LOG.warn("dead-directions: could not write the report to {}: {}", file, e.getMessage());
            }
        }
        if (onRead != null) {
            try {
                onRead.accept(result);
            } catch (RuntimeException e) {
                LOG.warn("dead-directions: the onRead callback threw after epoch {}", result.epoch(), e);
            }
        }
    }

    /**
     * Stops scheduling reads, waits up to the shutdown timeout (default 5 s) for the running one,
     * then cancels it: counted as {@code outcome="cancelled"}, logged at INFO, never a failure.
     */
    @Override
    public void close() {
        closed = true;
        reads.close();
    }

    private static int epochCount(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            return net.getEpochCount();
        }
        if (model instanceof ComputationGraph graph) {
            return graph.getEpochCount();
        }
        return 0;
    }

    private static long iterationCount(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            return net.getIterationCount();
        }
        if (model instanceof ComputationGraph graph) {
            return graph.getIterationCount();
        }
        return 0;
    }

    /**
     * n and sigma^2 for lambda(n): n as set, else the training examples counted over the first
     * epoch (so far, while it runs); sigma^2 as set, else the residual variance over the probe's labels.
     */
    private SampleSize sampleSize(Snapshot snapshot) {
        SampleSize n;
        long counted = firstEpochExamples.get();
        if (config.sampleSize() > 0) {
            n = new SampleSize(config.sampleSize(), "training set size (setting)", null);
        } else if (counted >= 2) {
            n = new SampleSize(counted, firstEpochDone ? "training set size (counted over the first epoch)"
                    : "training examples seen so far (the first epoch is not complete)", null);
        } else {
            n = SampleSize.ofProbe();
        }
        if (config.noiseVariance() != null) {
            return n.withNoiseVariance(new NoiseVariance(config.noiseVariance(), "setting"));
        }
        if (probeLabels != null) {
            double[][] fitted = snapshot.model().output(snapshot.parametersView());
            if (fitted.length == probeLabels.length && fitted[0].length == probeLabels[0].length) {
                return n.withNoiseVariance(NoiseVariance.residual(fitted, probeLabels));
            }
        }
        return n;
    }

    /** Settings, probe data and where results go; {@link #build()} checks that they make sense. */
    public static final class Builder {
        private ListenerConfig.Builder config = ListenerConfig.builder();
        private Supplier<DataSet> probe;
        private DeadDirectionReader reader;
        private final List<Detector> detectors = new ArrayList<>();
        private MeterRegistry registry;
        private Consumer<ReadResult> onRead;

        private Builder() {
        }

        /** Starts from these settings (for example loaded from YAML); later calls override them. */
        public Builder config(ListenerConfig.Builder settings) {
            this.config = settings;
            return this;
        }

        /** The value of the {@code model} tag on every meter. */
        public Builder model(String name) {
            config.model(name);
            return this;
        }

        /**
         * n for lambda(n), the training set size; by default it is counted over the first epoch
         * (reads during the first epoch use the examples seen so far).
         */
        public Builder sampleSize(long n) {
            config.sampleSize(n);
            return this;
        }

        /** sigma^2 of a Gaussian output for lambda(n); by default the residual variance over the probe's labels. */
        public Builder noiseVariance(double variance) {
            config.noiseVariance(variance);
            return this;
        }

        public Builder everyEpochs(int n) {
            config.schedule(ReadSchedule.everyEpochs(n));
            return this;
        }

        public Builder atEpochs(Integer... epochs) {
            config.schedule(ReadSchedule.atEpochs(Arrays.asList(epochs)));
            return this;
        }

        public Builder everyIterations(int n) {
            config.schedule(ReadSchedule.everyIterations(n));
            return this;
        }

        public Builder whenBusy(BusyPolicy policy) {
            config.whenBusy(policy);
            return this;
        }

        public Builder shutdownTimeout(Duration timeout) {
            config.shutdownTimeout(timeout);
            return this;
        }

        /** Writes every read as JSON ({@code dead-directions/v2}) into this folder. */
        public Builder reportDirectory(Path directory) {
            config.reportDirectory(directory);
            return this;
        }

        public Builder readConfig(ReadConfig readConfig) {
            config.read(readConfig);
            return this;
        }

        /** The probe inputs: the features of this data set. */
        public Builder probe(DataSet data) {
            this.probe = () -> new DataSet(ProbeData.of(data), data.getLabels() == null ? null : data.getLabels().dup());
            return this;
        }

        /** The probe inputs: the first {@code examples} examples of the iterator, taken once in build(). */
        public Builder probe(Iterator<DataSet> iterator, int examples) {
            config.probeExamples(examples);
            this.probe = () -> ProbeData.firstExamples(iterator, examples);
            return this;
        }

        /** As {@link #probe(Iterator, int)}; the iterator is reset afterwards when it supports it. */
        public Builder probe(DataSetIterator iterator, int examples) {
            config.probeExamples(examples);
            this.probe = () -> ProbeData.firstExamples(iterator, examples);
            return this;
        }

        /** As {@link #probe(DataSetIterator, int)} with {@code probe.examples} from the settings. */
        public Builder probe(DataSetIterator iterator) {
            this.probe = () -> ProbeData.firstExamples(iterator, config.build().probeExamples());
            return this;
        }

        /** Adds a detector to the default reader (see {@link DeadDirectionReader.Builder#detector}). */
        public Builder detector(Detector detector) {
            detectors.add(detector);
            return this;
        }

        /** Uses this reader as it is; its own settings replace the {@code read} settings. */
        public Builder reader(DeadDirectionReader reader) {
            this.reader = reader;
            return this;
        }

        /** Binds the listener's meters to this registry in build(). */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Called on the read thread after every successful read; exceptions are logged, not thrown. */
        public Builder onRead(Consumer<ReadResult> callback) {
            this.onRead = callback;
            return this;
        }

        public DeadDirectionListener build() {
            ListenerConfig settings = config.build();
            if (probe == null) {
                throw new IllegalStateException("the dead-directions listener needs probe data: call probe(DataSet), "
                        + "probe(Iterator, examples) or probe(DataSetIterator)");
            }
            if (reader != null && !detectors.isEmpty()) {
                throw new IllegalStateException("give either reader(...) or detector(...): a custom reader already "
                        + "chose its detectors");
            }
            DeadDirectionReader chosen = reader;
            if (chosen == null) {
                DeadDirectionReader.Builder rb = DeadDirectionReader.builder().config(settings.read());
                detectors.forEach(rb::detector);
                chosen = rb.build();
            }
            DeadDirectionListener listener = new DeadDirectionListener(this, probe.get(), chosen);
            if (registry != null) {
                listener.metrics().bindTo(registry);
            }
            return listener;
        }
    }
}
