package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * The rescaling gauge of positively homogeneous units (degree 1: ReLU, LeakyReLU, RReLU, and a
 * Dense(identity) read through DL4J's PReLU layer, whose alpha the orbit leaves alone; degree 3:
 * the cube; METHOD 4): {@code (w, b, a) -> (alpha w, alpha b, a / alpha^d)} leaves the network
 * unchanged for every alpha > 0. One curved flat direction per unit; the orbit is read as
 * {@code alpha = exp(t / |g|)}, where g = (w, b, -d a) is the generator, so the path has speed 1.
 */
public final class RescalingGaugeDetector implements Detector {

    public static final String MECHANISM = "rescaling-gauge";

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return Layers.isPlainDense(layer) || Layers.isConvolution(layer) || Layers.isPRelu(layer);
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        double[] theta = snapshot.parametersView();
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            if (layer.isOutput()) {
                continue;
            }
            // Homogeneous through its own activation, or an identity unit through a PReLU layer.
            java.util.OptionalInt degree = layer.activation().map(Layers::homogeneityDegree).orElse(java.util.OptionalInt.empty());
            List<Unit> units = degree.isPresent() ? Unit.of(snapshot, layer) : Unit.throughPRelu(snapshot, layer);
            int d = degree.orElse(1);
            List<Orbit> orbits = new ArrayList<>();
            String consumer = null;
            for (Unit unit : units) {
                consumer = unit.consumer().name();
                // A dead unit has nothing to rescale.
                Rescaling.orbit("orbit:unit" + unit.index(), theta, unit.incoming(), unit.outgoing(), d).ifPresent(orbits::add);
            }
            if (!orbits.isEmpty()) {
                out.add(GaugeCandidate.symmetry(MECHANISM + ":" + layer.name(), MECHANISM, List.of(layer.name(), consumer), orbits));
            }
        }
        return out;
    }
}
