package io.github.deaddirections.bench;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.demo.TeacherStudent;
import io.github.deaddirections.monitor.BusyPolicy;
import io.github.deaddirections.monitor.DeadDirectionListener;
import io.github.deaddirections.monitor.ReadStatistics;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Not a test: measures the training wall-time overhead of the listener on the demo (student
 * 4-12-1, reads every 5 epochs, asynchronous, skip when busy). Runs without and with the
 * listener alternately, after one warm-up of each, and prints the ratio. Excluded from the
 * default build (tag "benchmark"); run it with
 * {@code mvn -B -q -pl tests -am test -Dtest=ListenerOverheadBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DexcludedTags=none}.
 */
@Tag("benchmark")
class ListenerOverheadBenchmark {

    private static final int EPOCHS = Integer.getInteger("bench.epochs", 100);
    private static final int REPEATS = Integer.getInteger("bench.repeats", 5);
    private static final int READ_EVERY = 5;
    private static final boolean CONTROL = Boolean.getBoolean("bench.control");
    /** The listener's default share of a core for its reads, unless -Dbench.cpuShare says otherwise. */
    private static final double CPU_SHARE = Double.parseDouble(System.getProperty("bench.cpuShare",
            String.valueOf(io.github.deaddirections.config.ListenerConfig.DEFAULT_CPU_SHARE)));

    @Test
    void printTrainingOverheadOfTheListener() throws Exception {
        TeacherStudent.oneThreadPerOp(); // as the demo does
        TeacherStudent problem = new TeacherStudent(42);
        train(problem, false);
        train(problem, true);
        List<Double> without = new ArrayList<>();
        List<Double> with = new ArrayList<>();
        for (int r = 0; r < REPEATS; r++) {
            // Alternate, and swap the order every repeat, so drift in machine load hits both sides.
            if (r % 2 == 0) {
                without.add(train(problem, false));
                with.add(train(problem, true));
            } else {
                with.add(train(problem, true));
                without.add(train(problem, false));
            }
        }
        double a = without.stream().mapToDouble(Double::doubleValue).sum();
        double b = with.stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf(Locale.ROOT, "%nlistener overhead on the demo (%d epochs, reads every %d epochs, async, skip when busy,"
                + " read cpuShare %.2f)%n", EPOCHS, READ_EVERY, CPU_SHARE);
        for (int r = 0; r < REPEATS; r++) {
            System.out.printf(Locale.ROOT, "  repeat %d: without %.2f s, with %.2f s, ratio %.3f%n", r + 1,
                    without.get(r), with.get(r), with.get(r) / without.get(r));
        }
        double[] ratios = new double[REPEATS];
        for (int r = 0; r < REPEATS; r++) {
            ratios[r] = with.get(r) / without.get(r);
        }
        java.util.Arrays.sort(ratios);
        double median = REPEATS % 2 == 1 ? ratios[REPEATS / 2] : (ratios[REPEATS / 2 - 1] + ratios[REPEATS / 2]) / 2;
        System.out.printf(Locale.ROOT, "  total: without %.2f s, with %.2f s, ratio %.3f (overhead %+.1f%%; target under 5%%)%n",
                a, b, b / a, 100 * (b / a - 1));
        System.out.printf(Locale.ROOT, "  median of the per-repeat ratios: %.3f (less sensitive to a load spike in one run)%n", median);
        System.out.printf(Locale.ROOT, "  machine: %d cores, load average %.2f%n%n", Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * The control experiment (-Dbench.control=true): instead of the listener, a thread that only
     * does arithmetic (no allocation, no ND4J) for the same share of a core. Whatever it costs
     * training is the price of any concurrent work on this machine, not of the read.
     */
    private static Thread spinner(double share) {
        Thread t = new Thread(() -> {
            double x = 1;
            while (!Thread.currentThread().isInterrupted()) {
                long until = System.nanoTime() + 1_000_000;
                while (System.nanoTime() < until) {
                    x = Math.sqrt(x + 1.000001);
                }
                try {
                    Thread.sleep((long) (1 / share - 1));
                } catch (InterruptedException e) {
                    break;
                }
            }
            if (x == 42) {
                System.out.print("");
            }
        }, "benchmark-control");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static long gcMillis() {
        long sum = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /** Wall seconds of the training loop alone (the listener's last read may finish after it). */
    private static double train(TeacherStudent problem, boolean listen) throws InterruptedException {
        MultiLayerNetwork student = problem.student();
        DeadDirectionListener listener = null;
        Thread control = null;
        if (listen && CONTROL) {
            control = spinner(CPU_SHARE);
            listen = false;
        }
        if (listen) {
            listener = DeadDirectionListener.builder().model("bench").everyEpochs(READ_EVERY)
                    .whenBusy(BusyPolicy.SKIP).probe(problem.batches(), 128)
                    .readConfig(ReadConfig.builder().gaugeTestLimit(0).cpuShare(CPU_SHARE).build()).build();
            student.addListeners(listener);
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long gcBefore = gcMillis();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int e = 0; e < EPOCHS; e++) {
            student.fit(problem.batches());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (control != null) {
            control.interrupt();
            control.join();
            System.out.printf(Locale.ROOT, "  with a spinning control thread: %.2f s%n", seconds);
        }
        // Where the wall time went: the training thread's own CPU, and collector pauses.
        System.out.printf(Locale.ROOT, "    training thread cpu %.2f s, garbage collection %.2f s%n",
                (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9, (gcMillis() - gcBefore) / 1e3);
        if (listener != null) {
            listener.awaitReads(Duration.ofMinutes(2));
            ReadStatistics s = listener.statistics();
            System.out.printf(Locale.ROOT, "  with listener: %.2f s, reads %d done, %d skipped, %d failed%n", seconds,
                    s.successes(), s.skips(), s.failures());
            listener.close();
        } else {
            System.out.printf(Locale.ROOT, "  without listener: %.2f s%n", seconds);
        }
        return seconds;
    }
}
