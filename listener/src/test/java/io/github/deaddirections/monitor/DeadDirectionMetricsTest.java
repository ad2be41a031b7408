package io.github.deaddirections.monitor;

import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.GlobalReport;
import io.github.deaddirections.report.ReadTiming;
import io.github.deaddirections.report.StructureClass;
import io.github.deaddirections.report.StructureReport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadDirectionMetricsTest {

    private static final double EPS = 1e-9;

    /** The tanh node-death cell of CELLS.md: lambda = 17/2, one genuine block of order 2 with lambda_B = 1/2 on layers 0 and 1. */
    @Test
    void gaugesShowTheLatestReadOfThePlantedNodeDeath(@TempDir Path reports) throws Exception {
        Cell cell = ConstructedCells.tanhNodeDeath(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DeadDirectionListener listener = DeadDirectionListener.builder().model("cell").everyEpochs(1)
                .probe(new org.nd4j.linalg.dataset.DataSet(cell.probe(), null)).noiseVariance(1.0).meterRegistry(registry)
                .reportDirectory(reports).build()) {
            assertTrue(Double.isNaN(gauge(registry, "deaddirections.learning.coefficient")), "no value before the first read");
            listener.onEpochEnd(cell.network()); // as DL4J does at the end of the first epoch
            assertTrue(listener.awaitReads(Duration.ofSeconds(120)));
        }
        assertEquals(8.5, registry.get("deaddirections.learning.coefficient").tag("resolution", "exact").gauge().value(), EPS);
        assertEquals(1, registry.get("deaddirections.multiplicity").tag("resolution", "exact").gauge().value(), EPS);
        double sample = registry.get("deaddirections.learning.coefficient").tag("resolution", "sample").gauge().value();
        assertTrue(sample <= 8.5 + EPS, "lambda(n) <= lambda(infinity): " + sample);
        assertTrue(registry.get("deaddirections.multiplicity").tag("resolution", "sample").gauge().value() >= 1);
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
        Path report = reports.resolve("cell-epoch-00001-iteration-00000000.json");
        assertTrue(Files.readString(report).contains("\"dead-directions/v2\""), "the read is written as JSON");
        for (Meter m : registry.getMeters()) {
            assertEquals("cell", m.getId().getTag("model"), m.getId().getName() + " carries the model tag");
        }
    }

    @Test
    void layerTagsAreCappedWithTheRestSharingOther() {
        StructureReport block = new StructureReport("node-death:0:3", "node-death", StructureClass.GENUINE_SINGULARITY,
                List.of("0", "1"), 5, 2, 0.5, 1, 0.17, true, List.of());
        StructureReport deep = new StructureReport("chain", "deep-linear-chain", StructureClass.GENUINE_SINGULARITY,
                List.of("2"), 2, 7, 1.0, 1, null, true, List.of());
        DeadDirectionReport report = new DeadDirectionReport(30, 8, 23, List.of(block, deep),
                new GlobalReport(13.0, 1, null, 23, 0, 2, 0, List.of(), List.of(), true), new ReadTiming(1, 1), null);
        ReadSummary capped = ReadSummary.of(report, List.of("0", "1", "2"), 1, 1, 4);
        assertEquals(Map.of("0", 0.25, ReadSummary.OTHER_LAYERS, 1.25), capped.layerLearningCoefficient(),
                "layer 0 keeps its tag; layers 1 and 2 share 'other'; the shares add up to the sum of lambda_B");
        assertEquals(1, capped.structureCount(new StructureTag("genuine_singularity", "2")), EPS);
        assertEquals(1, capped.structureCount(new StructureTag("genuine_singularity", "5+")), EPS, "order 7 is above the cap");
        assertEquals(0.17, capped.singularFluctuation(), EPS, "the sum of the structures' nu that are known");
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
