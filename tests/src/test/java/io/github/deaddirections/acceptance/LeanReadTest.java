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
 * {@code readComponents = false} skips the reads of a block's flat components. Every cell's
 * prediction (its documented theory, not the default read's output) must still come out, and the
 * read must cost fewer forward passes wherever a block has components.
 */
class LeanReadTest {

    private static final DeadDirectionReader LEAN = DeadDirectionReader.builder()
            .config(ReadConfig.builder().readComponents(false).build()).build();

    static List<String> cells() {
        return ConstructedCells.names();
    }

    @ParameterizedTest
    @MethodSource("cells")
    void theLeanReadGivesEveryCellsPredictionForFewerPasses(String name) {
        Cell cell = ConstructedCells.byName(name, 1);
        Cell.Prediction expected = cell.prediction();
        DeadDirectionReport lean = LEAN.readExact(Snapshot.of(cell.network(), cell.probe()));
        assertEquals(expected.rank(), lean.fisherRank(), "Fisher rank");
        assertEquals(expected.gaugeDimension(), lean.global().gaugeDimension(), "gauge dimension");
        assertEquals(expected.learningCoefficient(), lean.global().learningCoefficient(), 1e-9, "lambda");
        assertEquals(expected.multiplicity(), lean.global().multiplicity(), "m");
        List<StructureReport> genuine = lean.structuresOf(StructureClass.GENUINE_SINGULARITY);
        assertEquals(expected.genuine().size(), genuine.size(), "genuine structures");
        for (int i = 0; i < genuine.size(); i++) {
            assertEquals(expected.genuine().get(i).order(), genuine.get(i).order(), "order");
            assertEquals(expected.genuine().get(i).dimension(), genuine.get(i).dimension(), "dimension");
            assertEquals(1, genuine.get(i).directions().size(), "only the characteristic direction is read");
        }
        if (!expected.genuine().isEmpty()) {
            DeadDirectionReport full = DeadDirectionReader.withDefaults().readExact(Snapshot.of(cell.network(), cell.probe()));
            assertTrue(lean.timing().forwardPasses() < full.timing().forwardPasses(),
                    "lean " + lean.timing().forwardPasses() + " passes, full " + full.timing().forwardPasses());
        }
    }
}
