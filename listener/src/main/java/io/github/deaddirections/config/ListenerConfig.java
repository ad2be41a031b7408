package io.github.deaddirections.config;

import io.github.deaddirections.monitor.BusyPolicy;
import io.github.deaddirections.monitor.ReadSchedule;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Every setting of the live monitor: when to read, on how much probe data, what to do when
 * busy, how metrics are tagged, where reports go, and the read settings themselves. Immutable;
 * build it with {@link #builder()} or load it from YAML with {@link ListenerConfigYaml}. The
 * defaults are those of {@code config/dead-directions.yaml}.
 *
 * @param model           the value of the {@code model} tag on every meter
 * @param schedule        when reads happen
 * @param probeExamples   how many examples are taken (once) from a probe iterator
 * @param whenBusy        what happens when a read is due while one is running
 * @param shutdownTimeout how long {@code close()} waits for running reads before cancelling them
 * @param reportDirectory where every read is written as JSON, or null for nowhere
 * @param maxLayerTags    layers with their own {@code layer} tag; later layers share {@code layer="other"}
 * @param maxOrderTag     the largest order with its own {@code order} tag; higher orders share one tag
 * @param read            the settings of each read
 * @param sampleSize      n for lambda(n) (METHOD 8): the training set size; 0 counts it over the first epoch
 * @param noiseVariance   sigma^2 of a Gaussian output for lambda(n), or null for the residual variance at the
 *                        read's parameters over the probe's labels
 */
public record ListenerConfig(String model, ReadSchedule schedule, int probeExamples, BusyPolicy whenBusy,
                             Duration shutdownTimeout, Path reportDirectory, int maxLayerTags, int maxOrderTag,
                             ReadConfig read, long sampleSize, Double noiseVariance) {

    /** Prometheus label values may be anything, but a model name should also be a safe file and panel name. */
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public ListenerConfig {
        if (model == null || !MODEL_NAME.matcher(model).matches()) {
            throw new ConfigException("model", "'" + model + "' must be 1 to 64 letters, digits or _ . : -");
        }
        if (schedule == null) {
            throw new ConfigException("schedule", "is missing");
        }
        if (probeExamples < 1) {
            throw new ConfigException("probe.examples", probeExamples + " must be at least 1");
        }
        if (whenBusy == null) {
            throw new ConfigException("whenBusy", "is missing; choose one of " + YamlNamed.names(BusyPolicy.class));
        }
        if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
            throw new ConfigException("shutdownTimeoutSeconds", shutdownTimeout + " must be zero or more seconds");
        }
        if (maxLayerTags < 1) {
            throw new ConfigException("metrics.maxLayerTags", maxLayerTags + " must be at least 1");
        }
        if (maxOrderTag < 2) {
            throw new ConfigException("metrics.maxOrderTag", maxOrderTag + " must be at least 2 (genuine orders start at 2)");
        }
        if (read == null) {
            throw new ConfigException("read", "is missing");
        }
        if (sampleSize < 0 || sampleSize == 1) {
            throw new ConfigException("resolution.sampleSize", sampleSize + " must be 0 (count the first epoch) or at least 2");
        }
        if (noiseVariance != null && !(noiseVariance > 0 && Double.isFinite(noiseVariance))) {
            throw new ConfigException("resolution.noiseVariance", noiseVariance + " must be a positive number");
        }
    }

    public static ListenerConfig defaults() {
        return builder().build();
    }

    /**
     * Share of one core a read beside training may use unless configured otherwise: all of it, as
     * the library's and the command-line tool's reads do, so a read inside training costs what the
     * same read of a checkpoint costs. Below 1 the read is paced and runs at the lowest OS priority
     * (it gives way to training; more reads are then skipped): at one half the listener's overhead
     * on the demo was within the noise, at 1 it was 4-12% on a 2-core machine (README, "Tests and
     * the benchmark").
     */
    public static final double DEFAULT_CPU_SHARE = 1.0;

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the defaults of {@code config/dead-directions.yaml}; {@link #build()} validates. */
    public static final class Builder {
        private String model = "model";
        private ReadSchedule schedule = ReadSchedule.everyEpochs(5);
        private int probeExamples = 256;
        private BusyPolicy whenBusy = BusyPolicy.SKIP;
        private Duration shutdownTimeout = Duration.ofSeconds(5);
        private Path reportDirectory;
        private int maxLayerTags = 16;
        private int maxOrderTag = 4;
        private ReadConfig.Builder read = ReadConfig.builder().cpuShare(DEFAULT_CPU_SHARE);
        private long sampleSize;
        private Double noiseVariance;

        private Builder() {
        }

        public Builder model(String v) { this.model = v; return this; }
        public Builder schedule(ReadSchedule v) { this.schedule = v; return this; }
        public Builder probeExamples(int v) { this.probeExamples = v; return this; }
        public Builder whenBusy(BusyPolicy v) { this.whenBusy = v; return this; }
        public Builder shutdownTimeout(Duration v) { this.shutdownTimeout = v; return this; }
        public Builder reportDirectory(Path v) { this.reportDirectory = v; return this; }
        public Builder maxLayerTags(int v) { this.maxLayerTags = v; return this; }
        public Builder maxOrderTag(int v) { this.maxOrderTag = v; return this; }
        /** n for lambda(n), the training set size (default 0: counted over the first epoch). */
        public Builder sampleSize(long v) { this.sampleSize = v; return this; }
        /** sigma^2 of a Gaussian output for lambda(n) (default: the residual variance over the probe's labels). */
        public Builder noiseVariance(Double v) { this.noiseVariance = v; return this; }

        /** The read settings, to change in place (their keys are prefixed {@code read.} in errors). */
        public ReadConfig.Builder read() {
            return read;
        }

        /** Replaces every read setting. */
        public Builder read(ReadConfig v) {
            this.read = v.toBuilder();
            return this;
        }

        public ListenerConfig build() {
            ReadConfig built;
            try {
                built = read.build();
            } catch (ConfigException e) {
                throw new ConfigException("read." + e.key(), e.getMessage().substring(e.getMessage().indexOf("': ") + 3));
            }
            return new ListenerConfig(model, schedule, probeExamples, whenBusy, shutdownTimeout, reportDirectory,
                    maxLayerTags, maxOrderTag, built, sampleSize, noiseVariance);
        }
    }
}
