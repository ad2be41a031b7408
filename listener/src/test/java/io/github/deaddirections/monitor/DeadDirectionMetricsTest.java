package io.github.deaddirections.monitor;

import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadDirectionMetricsTest {

    private static final double EPS = 1e-9;

    /** The tanh node-death cell of CELLS.md: lambda = 17/2, one genuine block of order 2 with lambda_B = 1/2 on layers 0 and 1. */
    @Test
    void gaugesShowTheLatestReadOfThePlantedNodeDeath() throws Exception {
        Cell cell = ConstructedCells.tanhNodeDeath(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DeadDirectionListener listener = DeadDirectionListener.builder().model("cell").everyEpochs(1)
                .probe(new org.nd4j.linalg.dataset.DataSet(cell.probe(), null)).meterRegistry(registry).build()) {
            assertTrue(Double.isNaN(gauge(registry, "deaddirections.learning.coefficient")), "no value before the first read");
            listener.onEpochEnd(cell.network()); // as DL4J does at the end of the first epoch
            assertTrue(listener.awaitReads(Duration.ofSeconds(120)));
        }
        assertEquals(8.5, gauge(registry, "deaddirections.learning.coefficient"), EPS);
        assertEquals(1, gauge(registry, "deaddirections.multiplicity"), EPS);
        assertEquals(1, gauge(registry, "deaddirections.read.epoch"), EPS);
        assertEquals(16, gauge(registry, "deaddirections.regular.dimension"), EPS);
        assertEquals(0, gauge(registry, "deaddirections.gauges.dimension"), EPS);
        assertEquals(1, registry.get("deaddirections.structures").tag("class", "genuine_singularity").tag("order", "2")
                .gauge().value(), EPS);
        assertEquals(0, registry.get("deaddirections.structures").tag("class", "flat_gauge").gauge().value(), EPS);
        assertEquals(0.25, registry.get("deaddirections.layer.learning.coefficient").tag("layer", "0").gauge().value(), EPS);
        assertEquals(0.25, registry.get("deaddirections.layer.learning.coefficient").tag("layer", "1").gauge().value(), EPS);
        assertTrue(gauge(registry, "deaddirections.singular.fluctuation") > 0, "nu of the order-2 block");
        assertEquals(1, outcome(registry, "success"), EPS);
        assertEquals(0, outcome(registry, "failure"), EPS);
        assertEquals(0, outcome(registry, "skipped"), EPS);
        FunctionTimer timer = registry.get("deaddirections.read.duration").functionTimer();
        assertEquals(1, timer.count(), EPS);
        assertTrue(timer.totalTime(java.util.concurrent.TimeUnit.SECONDS) > 0);
        for (Meter m : registry.getMeters()) {
            assertEquals("cell", m.getId().getTag("model"), m.getId().getName() + " carries the model tag");
        }
    }

    @Test
    void layerTagsAreCappedWithTheRestSharingOther() {
        var report = io.github.deaddirections.DeadDirectionReader.withDefaults().read(
                io.github.deaddirections.snapshot.Snapshot.of(ConstructedCells.tanhNodeDeath(1).network(),
                        ConstructedCells.tanhNodeDeath(1).probe()));
        ReadSummary capped = ReadSummary.of(report, java.util.List.of("0", "1"), 1, 1, 4);
        assertEquals(Set.of("0", ReadSummary.OTHER_LAYERS), capped.layerLearningCoefficient().keySet());
        assertEquals(0.5, capped.layerLearningCoefficient().values().stream().mapToDouble(Double::doubleValue).sum(), EPS,
                "the layer shares add up to the singular part of lambda");
        Set<String> orders = StructureTag.all(3).stream().map(StructureTag::order).collect(Collectors.toSet());
        assertEquals(Set.of("2", "3", "4+", "none", "1"), orders);
    }

    private static double gauge(SimpleMeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }

    private static double outcome(SimpleMeterRegistry registry, String outcome) {
        FunctionCounter c = registry.get("deaddirections.reads").tag("outcome", outcome).functionCounter();
        return c.count();
    }
}
