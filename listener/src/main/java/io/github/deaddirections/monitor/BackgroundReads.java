package io.github.deaddirections.monitor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs reads off the training thread, one at a time, on a named daemon thread whose ND4J ops run
 * on that thread alone ({@link ReadThreads}); with a cpuShare below 1 the thread also has the
 * lowest OS priority (see {@link LowPriority}). A read handed in
 * while the thread is busy is refused (and the caller counts it as skipped) unless the policy
 * lets one wait. {@link #close()} lets running reads finish within a bound, then cancels them.
 */
final class BackgroundReads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundReads.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final BusyPolicy policy;
    private final Duration shutdownTimeout;
    private final ExecutorService executor;
    /** Reads accepted and not yet finished (running plus waiting). */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean closing;

    /** How long close() waits for an interrupted read to stop before it returns anyway. */
    static final Duration STOP_GRACE = Duration.ofSeconds(1);

    /**
     * @param giveWay lower the read thread's OS priority (the user asked reads to give way to
     *                training with a cpuShare below 1)
     */
    BackgroundReads(BusyPolicy policy, Duration shutdownTimeout, boolean giveWay) {
        this.policy = policy;
        this.shutdownTimeout = shutdownTimeout;
        this.executor = policy == BusyPolicy.SYNCHRONOUS ? null : Executors.newSingleThreadExecutor(
                namedDaemonThreads("dead-directions-read-" + POOLS.incrementAndGet(), giveWay));
    }

    /**
     * Runs a read now (synchronous policy) or hands it to the read thread.
     *
     * @return false when the read was refused because the read thread is busy, or after close
     */
    boolean submit(Runnable read) {
        if (executor == null) {
            read.run();
            return true;
        }
        int limit = policy == BusyPolicy.QUEUE_ONE ? 2 : 1;
        if (inFlight.incrementAndGet() > limit || executor.isShutdown()) {
            finished();
            return false;
        }
        try {
            executor.execute(() -> {
                try {
                    read.run();
                } finally {
                    finished();
                }
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            finished();
            return false;
        }
    }

    /** Waits until no read is running or waiting; false when the time ran out first. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    private void finished() {
        inFlight.decrementAndGet();
        synchronized (idle) {
            idle.notifyAll();
        }
    }

    /**
     * Stops accepting reads; waits up to the shutdown timeout for the running one, then interrupts
     * it and waits at most {@link #STOP_GRACE} more for it to stop (a read checks for the interrupt
     * before every forward pass). The read itself reports that it was cancelled.
     */
    @Override
    public void close() {
        if (executor == null || executor.isShutdown() && executor.isTerminated()) {
            return;
        }
        closing = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
                if (!executor.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.info("dead-directions: the cancelled read has not stopped within {} ms; its daemon thread "
                            + "ends with it", STOP_GRACE.toMillis());
                }
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** True once {@link #close()} began: a read that fails from now on was (most likely) cancelled. */
    boolean closing() {
        return closing;
    }

    private static ThreadFactory namedDaemonThreads(String name, boolean giveWay) {
        return runnable -> {
            Thread t = new Thread(() -> {
                ReadThreads.oneThreadPerOp();
                if (giveWay) {
                    LowPriority.applyToCurrentThread();
                }
                runnable.run();
            }, name);
            t.setDaemon(true);
            return t;
        };
    }
}
