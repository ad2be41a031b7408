package io.github.deaddirections.monitor;

import io.github.deaddirections.detect.Candidate;
import io.github.deaddirections.detect.DetectionContext;
import io.github.deaddirections.detect.Detector;
import io.github.deaddirections.snapshot.LayerInfo;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadDirectionListenerTest {

    private static final int EPOCHS = 6;

    @ParameterizedTest
    @EnumSource(BusyPolicy.class)
    void trainingEndsWithTheSameParametersWithAndWithoutTheListener(BusyPolicy policy) throws Exception {
        MultiLayerNetwork plain = SmallTraining.network();
        plain.fit(SmallTraining.iterator(), EPOCHS);

        MultiLayerNetwork watched = SmallTraining.network();
        try (DeadDirectionListener listener = DeadDirectionListener.builder().everyEpochs(2).whenBusy(policy)
                .probe(SmallTraining.data()).build()) {
            watched.addListeners(listener);
            watched.fit(SmallTraining.iterator(), EPOCHS);
            assertTrue(listener.awaitReads(Duration.ofSeconds(60)));
            assertTrue(listener.statistics().successes() >= 1, "the listener read at least once");
            assertEquals(0, listener.statistics().failures());
        }
        assertEquals(plain.params(), watched.params(), "training with the listener must end where training without it ends");
    }

    @Test
    void readsAComputationGraphAndLeavesItsTrainingAlone() throws Exception {
        ComputationGraph plain = SmallTraining.graph();
        plain.fit(SmallTraining.iterator(), 4);

        ComputationGraph watched = SmallTraining.graph();
        try (DeadDirectionListener listener = DeadDirectionListener.builder().everyEpochs(2)
                .probe(SmallTraining.iterator(), 32).build()) {
            watched.addListeners(listener);
            watched.fit(SmallTraining.iterator(), 4);
            assertTrue(listener.awaitReads(Duration.ofSeconds(60)));
            assertEquals(0, listener.statistics().failures());
            assertTrue(listener.statistics().successes() >= 1);
            assertEquals(List.of("hidden", "out"), listener.statistics().layerTags());
        }
        assertEquals(plain.params(), watched.params());
    }

    @Test
    void aThrowingDetectorIsCountedAsAFailureAndTrainingFinishes() throws Exception {
        MultiLayerNetwork net = SmallTraining.network();
        try (DeadDirectionListener listener = DeadDirectionListener.builder().everyEpochs(1)
                .whenBusy(BusyPolicy.QUEUE_ONE).probe(SmallTraining.data()).detector(new Throwing()).build()) {
            net.addListeners(listener);
            net.fit(SmallTraining.iterator(), 3);
            assertTrue(listener.awaitReads(Duration.ofSeconds(60)));
            ReadStatistics stats = listener.statistics();
            assertEquals(3, stats.failures() + stats.skips(), "every scheduled read failed or was skipped");
            assertTrue(stats.failures() >= 1);
            assertEquals(0, stats.successes());
            assertTrue(Double.isNaN(stats.latest().learningCoefficient()), "no summary is published by a failed read");
        }
        assertEquals(3, net.getEpochCount(), "all epochs ran");
    }

    @Test
    void aReadDueWhileAnotherRunsIsSkipped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        MultiLayerNetwork net = SmallTraining.network();
        try (DeadDirectionListener listener = DeadDirectionListener.builder().everyIterations(1)
                .whenBusy(BusyPolicy.SKIP).probe(SmallTraining.data()).detector(new Blocking(release)).build()) {
            net.addListeners(listener);
            net.fit(SmallTraining.iterator(), 2); // 8 iterations; the first read blocks until released
            assertEquals(7, listener.statistics().skips());
            release.countDown();
            assertTrue(listener.awaitReads(Duration.ofSeconds(60)));
            assertEquals(1, listener.statistics().successes());
        }
    }

    @Test
    void queueOneKeepsOneReadWaiting() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        MultiLayerNetwork net = SmallTraining.network();
        try (DeadDirectionListener listener = DeadDirectionListener.builder().everyIterations(1)
                .whenBusy(BusyPolicy.QUEUE_ONE).probe(SmallTraining.data()).detector(new Blocking(release)).build()) {
            net.addListeners(listener);
            net.fit(SmallTraining.iterator(), 2);
            assertEquals(6, listener.statistics().skips());
            release.countDown();
            assertTrue(listener.awaitReads(Duration.ofSeconds(60)));
            assertEquals(2, listener.statistics().successes());
        }
    }

    @Test
    void closeCancelsARunningReadAndLeavesNoThreadBehind() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        DeadDirectionListener listener = DeadDirectionListener.builder().everyEpochs(1).probe(SmallTraining.data())
                .shutdownTimeout(Duration.ofMillis(200)).detector(new Blocking(never)).build();
        MultiLayerNetwork net = SmallTraining.network();
        net.addListeners(listener);
        net.fit(SmallTraining.iterator(), 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!readThreadsAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(readThreadsAlive(), "the read is running");
        long closeStart = System.nanoTime();
        listener.close(); // the blocked detector is interrupted
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeStart);
        assertFalse(readThreadsAlive(), "no read thread outlives close()");
        assertTrue(closeMillis < 200 + BackgroundReads.STOP_GRACE.toMillis(),
                "close() waits the shutdown timeout and a short grace, not more: " + closeMillis + " ms");
        assertEquals(1, listener.statistics().cancellations(), "the interrupted read counts as cancelled");
        assertEquals(0, listener.statistics().failures(), "shutdown is not a failure");
    }

    @Test
    void buildRejectsAMissingProbeAndBadSchedules() {
        IllegalStateException noProbe = assertThrows(IllegalStateException.class,
                () -> DeadDirectionListener.builder().build());
        assertTrue(noProbe.getMessage().contains("probe"), noProbe.getMessage());
        var badEvery = assertThrows(io.github.deaddirections.config.ConfigException.class,
                () -> DeadDirectionListener.builder().everyEpochs(0));
        assertEquals("schedule.every", badEvery.key());
        var badModel = assertThrows(io.github.deaddirections.config.ConfigException.class,
                () -> DeadDirectionListener.builder().model("my model!").probe(SmallTraining.data()).build());
        assertEquals("model", badModel.key());
    }

    private static boolean readThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().startsWith("dead-directions-read-") && isOurs(t));
    }

    /** Only threads blocked in our detector, so threads of other tests' listeners do not count. */
    private static boolean isOurs(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(Blocking.class.getName())) {
                return true;
            }
        }
        return false;
    }

    /** A user detector with a bug. */
    private static final class Throwing implements Detector {
        @Override
        public String mechanism() {
            return "throwing";
        }

        @Override
        public boolean understands(LayerInfo layer) {
            return false;
        }

        @Override
        public List<Candidate> detect(DetectionContext context) {
            throw new IllegalStateException("a bug in a user detector");
        }
    }

    /** A detector that holds the read until released (or interrupted). */
    private static final class Blocking implements Detector {
        private final CountDownLatch release;

        Blocking(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public String mechanism() {
            return "blocking";
        }

        @Override
        public boolean understands(LayerInfo layer) {
            return false;
        }

        @Override
        public List<Candidate> detect(DetectionContext context) {
            try {
                if (!release.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("read cancelled", e);
            }
            return List.of();
        }
    }
}
