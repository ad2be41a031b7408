package io.github.deaddirections.demo;

import io.github.deaddirections.config.ListenerConfigYaml;
import io.github.deaddirections.monitor.DeadDirectionListener;
import io.github.deaddirections.monitor.ReadResult;
import io.github.deaddirections.monitor.ReadStatistics;
import io.github.deaddirections.report.ReportTable;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * The runnable demo: a student wider than its teacher trains on the teacher's data with the
 * dead-directions listener attached. Every epoch prints a progress line, every read prints its
 * report table, and the meters are served for Prometheus at http://127.0.0.1:9404/metrics.
 *
 * <pre>mvn -B -q -pl demo-training -am compile exec:java</pre>
 */
public final class DemoTraining {

    private final DemoOptions options;
    private final PrintStream out;
    private volatile boolean stopRequested;

    public DemoTraining(DemoOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("plot")) {
            // exec:java has one main class: "plot REPORT_DIR OUT.svg" draws lambda over a run's reports.
            LambdaPlot.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        new DemoTraining(options, System.out).run();
    }

    /** Asks a running demo to stop training after the current epoch (non-interactive mode then returns). */
    public void stop() {
        stopRequested = true;
    }

    /** Trains, serving metrics meanwhile; in interactive mode keeps serving until Ctrl-C. */
    public ReadStatistics run() throws IOException, InterruptedException {
        TeacherStudent.oneThreadPerOp();
        TeacherStudent problem = new TeacherStudent(options.seed());
        MultiLayerNetwork student = problem.student();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (MetricsServer server = new MetricsServer(registry, options.port());
             DeadDirectionListener listener = listener(problem, registry)) {
            out.printf("dead-directions demo: student %d-%d-1 (%d parameters) learns a %d-%d-1 teacher; "
                            + "reading every %d epochs; metrics at http://127.0.0.1:%d/metrics%n",
                    TeacherStudent.INPUTS, TeacherStudent.STUDENT_HIDDEN, student.numParams(), TeacherStudent.INPUTS,
                    TeacherStudent.TEACHER_HIDDEN, options.readEvery(), server.port());
            student.addListeners(listener);
            train(student, problem, listener.statistics());
            if (options.nonInteractive()) {
                listener.awaitReads(Duration.ofSeconds(120));
            } else {
                out.printf("training done; metrics stay at http://127.0.0.1:%d/metrics - press Ctrl-C to stop%n",
                        server.port());
                CountDownLatch forever = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
                forever.await();
            }
            return listener.statistics();
        } finally {
            registry.close();
        }
    }

    private DeadDirectionListener listener(TeacherStudent problem, PrometheusMeterRegistry registry) throws IOException {
        // The listener as a user attaches it: its defaults, or the YAML file given.
        DeadDirectionListener.Builder b = options.config() == null ? DeadDirectionListener.builder()
                : DeadDirectionListener.builder().config(ListenerConfigYaml.parseBuilder(
                        Files.readString(options.config(), StandardCharsets.UTF_8)));
        return b.model(options.model()).everyEpochs(options.readEvery())
                .probe(problem.batches(), options.probeExamples())
                .meterRegistry(registry).onRead(this::printRead).build();
    }

    private void train(MultiLayerNetwork student, TeacherStudent problem, ReadStatistics stats) {
        long start = System.nanoTime();
        for (int epoch = 1; epoch <= options.epochs(); epoch++) {
            long epochStart = System.nanoTime();
            student.fit(problem.batches());
            double seconds = (System.nanoTime() - start) / 1e9;
            out.println(String.format(Locale.ROOT, "epoch %4d/%d  loss %.5f  %5.2f s  reads: %d done, %d failed, %d skipped"
                            + "  lambda %s", epoch, options.epochs(), student.score(),
                    (System.nanoTime() - epochStart) / 1e9, stats.successes(), stats.failures(), stats.skips(),
                    Double.isNaN(stats.latest().learningCoefficient()) ? "-" : String.format(Locale.ROOT, "%.2f",
                            stats.latest().learningCoefficient())));
            if (stopRequested) {
                return;
            }
            if (options.maxSeconds() > 0 && seconds >= options.maxSeconds()) {
                out.printf("stopping after %.0f s (--max-seconds)%n", seconds);
                return;
            }
        }
    }

    private void printRead(ReadResult result) {
        if (!options.quiet()) {
            out.printf("%n--- dead directions after epoch %d (read took %.1f s) ---%n%s%n", result.epoch(),
                    result.report().timing().totalMillis() / 1000, ReportTable.render(result.report()));
        }
    }
}
