package io.github.deaddirections.detect;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.DirectionReport;
import io.github.deaddirections.report.StructureReport;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ReLU units inactive on the whole probe: relu-rescaling (Dense 3 -> 4 ReLU -> Output 4 -> 1, MSE)
 * with unit 3's bias at -10, so z_3 = w_3 . x - 10 < 0 on every sample. The unit's margin
 * m = min_x (10 - w_3 . x) is computed here from the DL4J arrays and the probe, independently of
 * the detector.
 */
class InactiveUnitDetectorTest {

    private static MultiLayerNetwork deadUnit3(Cell cell) {
        MultiLayerNetwork net = cell.network();
        net.getLayer(0).getParam("b").putScalar(3, -10.0);
        return net;
    }

    /** z_3 on each probe sample, by hand. */
    private static double[] z3(MultiLayerNetwork net, INDArray probe) {
        INDArray w = net.getLayer(0).getParam("W").castTo(DataType.DOUBLE);
        double b = net.getLayer(0).getParam("b").getDouble(3);
        double[] z = new double[(int) probe.size(0)];
        for (int n = 0; n < z.length; n++) {
            z[n] = b;
            for (int i = 0; i < 3; i++) {
                z[n] += probe.getDouble(n, i) * w.getDouble(i, 3);
            }
        }
        return z;
    }

    @Test
    void eachLiftCarriesTheDistanceAtWhichTheUnitRevivesAndIsFlatWithinIt() {
        Cell cell = ConstructedCells.reluRescaling(1);
        MultiLayerNetwork net = deadUnit3(cell);
        INDArray probe = cell.probe();
        double margin = Double.POSITIVE_INFINITY;
        for (double z : z3(net, probe)) {
            margin = Math.min(margin, -z);
        }
        assertTrue(margin > 1, "unit 3 is inactive with a margin: " + margin);
        GaugeCheck check = new GaugeCheck(net, probe);
        List<Candidate> found = check.detect(new InactiveUnitDetector());
        assertEquals(1, found.size());
        GaugeCandidate unit = (GaugeCandidate) found.get(0);
        Map<String, Orbit> byRole = unit.orbits().stream().collect(Collectors.toMap(Orbit::role, o -> o));
        assertEquals(java.util.Set.of("unit3:bias", "unit3:in0", "unit3:in1", "unit3:in2", "unit3:out0"), byRole.keySet());
        assertEquals(margin, byRole.get("unit3:bias").reach(), 1e-9 * margin);
        for (int i = 0; i < 3; i++) {
            double max = 0;
            for (int n = 0; n < probe.size(0); n++) {
                max = Math.max(max, Math.abs(probe.getDouble(n, i)));
            }
            assertEquals(margin / max, byRole.get("unit3:in" + i).reach(), 1e-9 * margin / max);
        }
        assertEquals(Double.POSITIVE_INFINITY, byRole.get("unit3:out0").reach(), "the outgoing weight is flat at every radius");
        for (Orbit lift : unit.orbits()) {
            double top = Double.isInfinite(lift.reach()) ? 10.0 : 0.9 * lift.reach() / 1.25;
            for (double share : new double[]{1e-3, 1e-1, 1.0}) {
                double f = check.fisher(lift.path(), share * top);
                assertTrue(f <= GaugeCheck.FLAT, lift.role() + ": F_u(" + share * top + ") = " + f);
            }
        }
        // Past the reach the unit is alive: the reach is where the flatness ends, not a safe guess.
        Orbit bias = byRole.get("unit3:bias");
        assertTrue(check.fisher(bias.path(), 3 * bias.reach()) > GaugeCheck.LIVE, "the bias lift past the margin");
    }

    /**
     * The whole read: the exact path's rank (13, independent of the detectors, CELLS-MORE.md) and
     * lambda 13/2; on the structural path with the G side's stencils off (any width), the same
     * lambda, the unit's 5 directions claimed by inactive-unit, and every read of it flat (before
     * the reach, the bias lift read past the margin and came out not flat).
     */
    @Test
    void theStructuralPathFindsTheUnitAtAnyWidthAndReadsItFlat() {
        Cell cell = ConstructedCells.reluRescaling(1);
        MultiLayerNetwork net = deadUnit3(cell);
        DeadDirectionReport exact = DeadDirectionReader.builder().build().read(Snapshot.of(net, cell.probe()));
        DeadDirectionReport structural = DeadDirectionReader.builder()
                .config(ReadConfig.builder().fisherNullLimit(1).outputNullMaxWidth(0).build()).build()
                .read(Snapshot.of(net, cell.probe()));
        assertEquals(Integer.valueOf(13), exact.fisherRank());
        assertEquals(6.5, exact.global().learningCoefficient(), 1e-12);
        assertEquals(6.5, structural.global().learningCoefficient(), 1e-12, "the structural path agrees");
        for (DeadDirectionReport r : List.of(exact, structural)) {
            StructureReport unit = r.structures().stream().filter(s -> s.mechanism().equals(InactiveUnitDetector.MECHANISM))
                    .findFirst().orElseThrow();
            assertEquals(5, unit.dimension(), "w_3 (3), b_3 and a_3");
            assertEquals("inactive-unit:0:3", unit.id(), "the id names the unit");
            assertTrue(io.github.deaddirections.report.ReportTable.render(r)
                    .contains("unit 3 of layer 0 never fires on the probe (dead ReLU unit)"), "the table says it in words");
            assertTrue(unit.directions().stream().map(DirectionReport::order).allMatch(java.util.Objects::isNull));
            assertEquals(0, r.global().unresolvedDirections());
        }
    }

    @Test
    void unitsActiveSomewhereAreNotInactive() {
        Cell cell = ConstructedCells.reluRescaling(2);
        GaugeCheck check = new GaugeCheck(cell.network(), cell.probe());
        assertTrue(check.detect(new InactiveUnitDetector()).isEmpty(), "relu-rescaling: every unit is active on part of the probe");
    }
}
