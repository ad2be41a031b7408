package io.github.deaddirections.detect;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.fisher.DirectionalCurve;
import io.github.deaddirections.fisher.OutputDistribution;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The directional Fisher F_u(t) of a snapshot along a path, for detector tests. The cells have an
 * MSE output (sigma^2 = 1), so moving one output bias gives F = 1 exactly: "flat" below is 1e-12 of
 * a direction whose Fisher is known to be 1, and "live" is above 1e-6 of it.
 */
final class GaugeCheck {

    static final double FLAT = 1e-12;
    static final double LIVE = 1e-6;
    /** Radii from 1e-3 to 1 (the read's default grid spans 1e-3 .. 1e-1 of the parameter scale, extended up to it). */
    static final double[] RADII = {1e-3, 1e-2, 1e-1, 0.5, 1.0};

    final Snapshot snapshot;
    private final DirectionalCurve curve;

    GaugeCheck(MultiLayerNetwork net, INDArray probe) {
        snapshot = Snapshot.of(net, probe);
        ReadConfig config = ReadConfig.defaults();
        curve = new DirectionalCurve(snapshot.model(), OutputDistribution.of(snapshot.outputLayer(), config),
                config.stencilFraction(), snapshot.model().output(snapshot.parametersView()));
    }

    List<Candidate> detect(Detector detector) {
        return detector.detect(new DetectionContext(snapshot, ReadConfig.defaults(), null));
    }

    double fisher(Path path, double t) {
        return curve.at(path, t).fisher();
    }

    Path straight(Direction u) {
        return Path.straight(snapshot.parametersView(), u);
    }

    /** Asserts F_u(t) <= FLAT at every radius along every orbit of the candidate. */
    void assertFlat(GaugeCandidate gauge) {
        for (Orbit orbit : gauge.orbits()) {
            for (double t : RADII) {
                double f = fisher(orbit.path(), t);
                assertTrue(f <= FLAT, gauge.id() + " " + orbit.role() + ": F_u(" + t + ") = " + f);
            }
        }
    }

    /** Orbits per mechanism. */
    static Map<String, Integer> orbitsByMechanism(List<Candidate> candidates) {
        Map<String, Integer> count = new TreeMap<>();
        for (Candidate c : candidates) {
            if (c instanceof GaugeCandidate g) {
                count.merge(g.mechanism(), g.orbits().size(), Integer::sum);
            }
        }
        return count;
    }
}
