package io.github.deaddirections.resolve;

import org.nd4j.linalg.activations.impl.ActivationReLU;

import java.util.ArrayList;
import java.util.List;

/**
 * A ReLU unit active on only a few probe samples, snapped inactive (METHOD 8): its bias lowered
 * by twice its largest pre-activation, so that z < 0 on every sample with the same margin below
 * the kink as the most active sample had above it. Its incoming weights, bias and outgoing weights
 * are then the tangent of a flat locus (the inactive-unit structure).
 */
final class UnitDeactivation {

    /** "A few": at most this share of the probe (and at least one sample) [ours]. */
    static final double FEW = 0.05;

    private UnitDeactivation() {
    }

    static List<NearSingularStructure> find(List<DenseUnitLayer> layers, double[] theta) {
        List<NearSingularStructure> out = new ArrayList<>();
        for (DenseUnitLayer l : layers) {
            if (l.activation().getClass() != ActivationReLU.class) {
                continue;
            }
            int samples = l.z().length;
            int few = Math.max(1, (int) Math.floor(FEW * samples));
            for (int j = 0; j < l.units(); j++) {
                int active = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (double[] row : l.z()) {
                    if (row[j] > 0) {
                        active++;
                    }
                    max = Math.max(max, row[j]);
                }
                if (active == 0 || active > few) {
                    continue;
                }
                // The incoming weights are claimed at their own values, so that no other snap of this
                // unit combines with this one.
                int d = l.inputs();
                int[] set = new int[d + 1];
                double[] values = new double[d + 1];
                for (int i = 0; i < d; i++) {
                    set[i] = l.weights().index(i, j);
                    values[i] = theta[set[i]];
                }
                set[d] = l.bias().flatIndex()[j];
                values[d] = theta[set[d]] - 2 * max;
                String id = "rarely-active-unit:" + l.layer().name() + ":" + j;
                out.add(new NearSingularStructure(id, List.of(new Snap(id, List.of(l.layer().name(), l.layer().consumer()),
                        set, values, new int[0], new double[0], d + 1 + l.outputs(),
                        // an inactive unit's dimensions are all flat: the law saves all of them
                        (d + 1 + l.outputs()) / 2.0, 0))));
            }
        }
        return out;
    }
}
