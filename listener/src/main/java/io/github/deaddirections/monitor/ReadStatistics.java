package io.github.deaddirections.monitor;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What the listener has observed so far: the latest read's summary, how many reads succeeded,
 * failed, were skipped or were cancelled by {@code close()}, and how long the finished reads took. Thread-safe; written by the
 * read thread and the training thread, read by meters at scrape time.
 */
public final class ReadStatistics {

    private final AtomicReference<ReadSummary> latest = new AtomicReference<>(ReadSummary.NONE);
    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder skips = new LongAdder();
    private final LongAdder cancellations = new LongAdder();
    private final AtomicLong timedReads = new AtomicLong();
    private final AtomicLong readNanos = new AtomicLong();
    private final Set<String> layerTags = new LinkedHashSet<>();
    private final List<Consumer<String>> layerTagWatchers = new CopyOnWriteArrayList<>();

    public ReadSummary latest() {
        return latest.get();
    }

    public long successes() {
        return successes.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public long skips() {
        return skips.sum();
    }

    /** Reads stopped by {@code close()} before they finished: shutdown, not a failure. */
    public long cancellations() {
        return cancellations.sum();
    }

    public long timedReads() {
        return timedReads.get();
    }

    public long readNanos() {
        return readNanos.get();
    }

    void succeeded(ReadSummary summary, long nanos) {
        latest.set(summary);
        for (String tag : summary.layerLearningCoefficient().keySet()) {
            addLayerTag(tag);
        }
        timed(nanos);
        successes.increment();
    }

    /** A read that ran for {@code nanos} and threw. */
    void failed(long nanos) {
        timed(nanos);
        failures.increment();
    }

    /** A read that could not even start (the parameters could not be copied); not timed. */
    void failedToStart() {
        failures.increment();
    }

    void skipped() {
        skips.increment();
    }

    /** A read that {@code close()} interrupted; not timed (it did not finish). */
    void cancelled() {
        cancellations.increment();
    }

    /** Layer tags seen so far, in first-seen order. */
    public synchronized List<String> layerTags() {
        return List.copyOf(layerTags);
    }

    /**
     * Calls {@code watcher} for every layer tag seen so far and every one seen later (the layers
     * are known only once a read has run), so a meter binder can add one gauge per layer.
     */
    public synchronized void watchLayerTags(Consumer<String> watcher) {
        layerTags.forEach(watcher);
        layerTagWatchers.add(watcher);
    }

    private synchronized void addLayerTag(String tag) {
        if (layerTags.add(tag)) {
            layerTagWatchers.forEach(w -> w.accept(tag));
        }
    }

    private void timed(long nanos) {
        readNanos.addAndGet(nanos);
        timedReads.incrementAndGet();
    }
}
