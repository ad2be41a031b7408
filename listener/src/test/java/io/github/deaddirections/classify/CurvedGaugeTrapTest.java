package io.github.deaddirections.classify;

import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.detect.Candidate;
import io.github.deaddirections.detect.DetectionContext;
import io.github.deaddirections.detect.GaugeCandidate;
import io.github.deaddirections.detect.Orbit;
import io.github.deaddirections.detect.RescalingGaugeDetector;
import io.github.deaddirections.fisher.DirectionalCurve;
import io.github.deaddirections.fisher.OutputDistribution;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.read.DirectionRead;
import io.github.deaddirections.read.DirectionReader;
import io.github.deaddirections.read.RateEstimate.Verdict;
import io.github.deaddirections.snapshot.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * METHOD 3, the curved-gauge trap: straight along a ReLU rescaling tangent the output moves as
 * t^2 (a spurious order 2); along the orbit itself F stays under the null threshold.
 */
class CurvedGaugeTrapTest {

    @Test
    void theTangentShowsOrderTwoAndTheOrbitIsFlat() {
        Cell cell = ConstructedCells.reluRescaling(1);
        Snapshot s = Snapshot.of(cell.network(), cell.probe());
        ReadConfig config = ReadConfig.defaults();
        OutputDistribution d = OutputDistribution.of(s.outputLayer(), config);
        // Null threshold as the read uses it on this cell (its gap lies between 1e-9 and 1e-25 relative).
        DirectionReader reader = new DirectionReader(new DirectionalCurve(s.model(), d, config.stencilFraction(),
                s.model().output(s.parametersView())), config, 1e-14);
        List<Candidate> candidates = new RescalingGaugeDetector().detect(new DetectionContext(s, config, null));
        GaugeCandidate gauge = (GaugeCandidate) candidates.get(0);
        assertEquals(4, gauge.orbits().size());
        for (Orbit orbit : gauge.orbits()) {
            DirectionRead straight = reader.read("tangent", Path.straight(s.parametersView(), orbit.tangent()), 1.0);
            DirectionRead along = reader.read("orbit", orbit.path(), 1.0);
            assertEquals(Verdict.ORDER, straight.verdict(), "the straight tangent read");
            assertEquals(2, straight.estimate().order());
            assertEquals(Verdict.FLAT, along.verdict(), "the read along the orbit");
        }
    }
}
