package io.github.deaddirections.acceptance;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.StructureClass;
import io.github.deaddirections.report.StructureReport;
import io.github.deaddirections.snapshot.Snapshot;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5: the large-model path (structural and K-FAC detectors only, no exact Fisher: what a
 * model above the fisher-null limit gets) agrees with the exact fisher-null path on every cell
 * small enough for both. Both are held to the cell's documented prediction, so agreement cannot
 * come from a shared mistake of the two paths.
 */
class StructuralPathAgreementTest {

    /** A fisher-null limit of 1 parameter sends every cell down the structural path. */
    private static final DeadDirectionReader STRUCTURAL = DeadDirectionReader.builder()
            .config(ReadConfig.builder().fisherNullLimit(1).build()).build();

    static List<String> cells() {
        return ConstructedCells.names();
    }

    @ParameterizedTest
    @MethodSource("cells")
    void theStructuralPathAgreesWithTheExactPath(String name) {
        Cell cell = ConstructedCells.byName(name, 2);
        DeadDirectionReport exact = DeadDirectionReader.withDefaults().readExact(Snapshot.of(cell.network(), cell.probe()));
        DeadDirectionReport structural = STRUCTURAL.readExact(Snapshot.of(cell.network(), cell.probe()));
        Cell.Prediction expected = cell.prediction();
        assertTrue(structural.fisherRank() == null, "no exact Fisher on the structural path");
        for (DeadDirectionReport r : List.of(exact, structural)) {
            String path = r == exact ? "exact path" : "structural path";
            assertEquals(expected.learningCoefficient(), r.global().learningCoefficient(), 1e-9, path + ": lambda");
            assertEquals(expected.multiplicity(), r.global().multiplicity(), path + ": m");
            assertEquals(expected.gaugeDimension(), r.global().gaugeDimension(), path + ": gauge dimension");
            assertEquals(expected.rank(), r.global().regularDimension(), path + ": regular dimension");
            List<StructureReport> genuine = r.structuresOf(StructureClass.GENUINE_SINGULARITY);
            assertEquals(expected.genuine().size(), genuine.size(), path + ": genuine structures");
            for (int i = 0; i < genuine.size(); i++) {
                assertEquals(expected.genuine().get(i).mechanism(), genuine.get(i).mechanism(), path + ": mechanism");
                assertEquals(expected.genuine().get(i).order(), genuine.get(i).order(), path + ": order");
                assertEquals(expected.genuine().get(i).dimension(), genuine.get(i).dimension(), path + ": dimension");
            }
        }
        assertTrue(exact.global().exact(), "the exact path's lambda is exact");
    }
}
