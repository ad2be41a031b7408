package io.github.deaddirections.classify;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.github.deaddirections.detect.Candidate;
import io.github.deaddirections.detect.DetectionContext;
import io.github.deaddirections.detect.Detector;
import io.github.deaddirections.detect.RescalingGaugeDetector;
import io.github.deaddirections.report.Certificate;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.StructureClass;
import io.github.deaddirections.report.StructureReport;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The detector seam: a user's detector is used, and symmetries no detector knows fall to the generic gauge test. */
class PluginDetectorTest {

    @Test
    void withoutTheRescalingDetectorTheFourOrbitsAreStillCertifiedFlat() {
        Cell cell = ConstructedCells.reluRescaling(2);
        DeadDirectionReport r = DeadDirectionReader.builder().without(RescalingGaugeDetector.MECHANISM).build()
                .read(Snapshot.of(cell.network(), cell.probe()));
        // Nobody knows the group, so the orbits are found as Fisher-null directions; they are
        // tangents of a smooth flat locus (the orbits themselves), certified either by the
        // flat-locus test or by the generic gauge test -- never by being flat alone.
        List<StructureReport> gauges = r.structuresOf(StructureClass.FLAT_GAUGE);
        assertFalse(gauges.isEmpty());
        for (StructureReport g : gauges) {
            assertTrue(Set.of(Certificate.FLAT_LOCUS,
                            Certificate.GENERIC_POINT).contains(g.certifiedBy()),
                    g.mechanism() + " certified by " + g.certifiedBy());
        }
        assertEquals(4, r.global().gaugeDimension());
        assertEquals(0, r.global().genuineStructures(), "the spurious straight-line order 2 is not reported");
        assertEquals(8.5, r.global().learningCoefficient(), 1e-9);
    }

    @Test
    void aUserDetectorIsConsultedUnderItsOwnMechanismName() {
        // A user's copy of the rescaling gauge, registered under another name.
        Detector mine = new Detector() {
            private final RescalingGaugeDetector inner = new RescalingGaugeDetector();

            @Override
            public String mechanism() {
                return "my-rescaling";
            }

            @Override
            public boolean understands(LayerInfo layer) {
                return inner.understands(layer);
            }

            @Override
            public List<Candidate> detect(DetectionContext context) {
                return inner.detect(context).stream().map(c -> (Candidate) io.github.deaddirections.detect.GaugeCandidate.symmetry(
                        "my-rescaling:" + c.id(), "my-rescaling", c.layers(),
                        ((io.github.deaddirections.detect.GaugeCandidate) c).orbits())).toList();
            }
        };
        Cell cell = ConstructedCells.reluRescaling(2);
        DeadDirectionReport r = DeadDirectionReader.builder().without(RescalingGaugeDetector.MECHANISM).detector(mine).build()
                .read(Snapshot.of(cell.network(), cell.probe()));
        assertEquals("my-rescaling", r.structuresOf(StructureClass.FLAT_GAUGE).get(0).mechanism());
        assertEquals(4, r.global().gaugeDimension());
    }
}
