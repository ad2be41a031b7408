package io.github.deaddirections.monitor;

import io.github.deaddirections.resolve.Resolution;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The listener's n for lambda(n): the training examples counted over the first epoch (64 here,
 * in batches of 16), or the size set in the builder; sigma^2 of the MSE output the residual
 * variance over the probe's labels.
 */
class ListenerSampleSizeTest {

    @Test
    void nIsTheTrainingSetCountedOverTheFirstEpoch() throws Exception {
        List<Resolution> seen = read(DeadDirectionListener.builder());
        for (Resolution r : seen) {
            assertEquals(64, r.sampleSize(), r.sampleSizeSource());
            assertEquals("training set size (counted over the first epoch)", r.sampleSizeSource());
            assertNotNull(r.learningCoefficient(), "the probe's labels give sigma^2");
            assertTrue(r.noiseVarianceSource().startsWith("residual variance at theta-hat over 64 labelled samples"),
                    r.noiseVarianceSource());
        }
    }

    @Test
    void nAndSigmaSquaredSetInTheBuilder() throws Exception {
        List<Resolution> seen = read(DeadDirectionListener.builder().sampleSize(60_000).noiseVariance(0.25));
        for (Resolution r : seen) {
            assertEquals(60_000, r.sampleSize());
            assertEquals(0.25, r.noiseVariance(), 0.0);
        }
    }

    private static List<Resolution> read(DeadDirectionListener.Builder builder) throws Exception {
        List<Resolution> seen = new ArrayList<>();
        MultiLayerNetwork net = SmallTraining.network();
        try (DeadDirectionListener listener = builder.everyEpochs(2).whenBusy(BusyPolicy.SYNCHRONOUS)
                .probe(SmallTraining.data()).onRead(r -> seen.add(r.report().resolution())).build()) {
            net.addListeners(listener);
            net.fit(SmallTraining.iterator(), 4);
            assertTrue(listener.awaitReads(Duration.ofSeconds(60)));
        }
        assertEquals(2, seen.size(), "reads after epochs 2 and 4");
        return seen;
    }
}
