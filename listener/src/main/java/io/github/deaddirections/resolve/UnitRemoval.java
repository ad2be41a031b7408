package io.github.deaddirections.resolve;

import io.github.deaddirections.snapshot.ParameterBlock;

import java.util.ArrayList;
import java.util.List;

/**
 * A near-dead unit snapped to node death (METHOD 8): its incoming and outgoing weights set to 0.
 * Where the consumer has a bias, it absorbs the unit's mean contribution over the probe
 * ({@code b_c += a * mean h}) and the unit keeps its bias (its constant output phi(b) then reaches
 * nothing); without one the unit's bias goes to 0 as well. One phase per unit; the free energy
 * decides whether the unit's output was worth its parameters.
 */
final class UnitRemoval {

    private UnitRemoval() {
    }

    static List<NearSingularStructure> find(List<DenseUnitLayer> layers, double[] theta) {
        List<NearSingularStructure> out = new ArrayList<>();
        for (DenseUnitLayer l : layers) {
            for (int j = 0; j < l.units(); j++) {
                out.add(new NearSingularStructure("near-dead-unit:" + l.layer().name() + ":" + j, List.of(snap(l, j, theta))));
            }
        }
        return out;
    }

    private static Snap snap(DenseUnitLayer l, int j, double[] theta) {
        int d = l.inputs();
        int outputs = l.outputs();
        boolean absorbed = l.consumerBias().isPresent();
        int[] set = new int[d + outputs + (absorbed ? 0 : 1)];
        int at = 0;
        for (int i = 0; i < d; i++) {
            set[at++] = l.weights().index(i, j);
        }
        for (int o = 0; o < outputs; o++) {
            set[at++] = l.consumerWeights().index(j, o);
        }
        if (!absorbed) {
            set[at] = l.bias().flatIndex()[j];
        }
        int[] shifted = new int[0];
        double[] shifts = new double[0];
        if (absorbed) {
            double mean = 0;
            for (double[] row : l.h()) {
                mean += row[j];
            }
            mean /= l.h().length;
            ParameterBlock cb = l.consumerBias().get();
            shifted = new int[outputs];
            shifts = new double[outputs];
            for (int o = 0; o < outputs; o++) {
                shifted[o] = cb.flatIndex()[o];
                shifts[o] = theta[l.consumerWeights().index(j, o)] * mean;
            }
        }
        // The unit's d + 1 + n_out live dimensions become a node death, lambda_B = min(n_out, d + 1) / 2
        // at p = 1 (METHOD 5): the law saves max(n_out, d + 1) / 2.
        return new Snap("near-dead-unit:" + l.layer().name() + ":" + j, List.of(l.layer().name(),
                l.layer().consumer()), set, new double[set.length], shifted, shifts, d + 1 + outputs,
                Math.max(outputs, d + 1) / 2.0, 0);
    }
}
