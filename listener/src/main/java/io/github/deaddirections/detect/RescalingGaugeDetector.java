package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * The rescaling gauge of positively homogeneous units (ReLU, LeakyReLU; METHOD 4):
 * {@code (w, b, a) -> (alpha w, alpha b, a / alpha)} leaves the network unchanged for every
 * alpha > 0. One curved flat direction per unit; the orbit is read as
 * {@code alpha = exp(t / |g|)}, where g = (w, b, -a) is the generator, so the path has speed 1.
 */
public final class RescalingGaugeDetector implements Detector {

    public static final String MECHANISM = "rescaling-gauge";

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return Layers.isDense(layer) || Layers.isConvolution(layer);
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        double[] theta = snapshot.parametersView();
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            if (layer.isOutput() || !layer.activation().map(Layers::isPositivelyHomogeneous).orElse(false)) {
                continue;
            }
            List<Orbit> orbits = new ArrayList<>();
            String consumer = null;
            for (Unit unit : Unit.of(snapshot, layer)) {
                consumer = unit.consumer().name();
                int[] in = unit.incoming();
                int[] og = unit.outgoing();
                int[] coords = Directions.concat(in, og);
                double[] values = new double[coords.length];
                for (int k = 0; k < coords.length; k++) {
                    values[k] = k < in.length ? theta[coords[k]] : -theta[coords[k]];
                }
                Direction g = Direction.sparse(theta.length, coords, values);
                double norm = g.norm();
                if (!(norm > 0)) {
                    continue; // a dead unit: nothing to rescale
                }
                Direction tangent = g.normalised();
                Path orbit = t -> {
                    double alpha = Math.exp(t / norm);
                    double[] x = theta.clone();
                    for (int i : in) {
                        x[i] = theta[i] * alpha;
                    }
                    for (int i : og) {
                        x[i] = theta[i] / alpha;
                    }
                    return x;
                };
                orbits.add(new Orbit("orbit:unit" + unit.index(), tangent, orbit));
            }
            if (!orbits.isEmpty()) {
                out.add(new GaugeCandidate(MECHANISM + ":" + layer.name(), MECHANISM, List.of(layer.name(), consumer), orbits));
            }
        }
        return out;
    }
}
