package io.github.deaddirections.resolve;

import io.github.deaddirections.detect.Layers;

import java.util.ArrayList;
import java.util.List;

/**
 * Two near-duplicate units of a smooth activation merged (METHOD 8): both units' incoming weights
 * and biases set to their mean, outgoing weights kept, so the pair sits on the duplicate-unit
 * locus (whose excess is the quartic of METHOD 5). Pairs whose incoming vectors differ by more
 * than {@link #NEAR} of the larger one are not proposed.
 */
final class UnitMerge {

    /** Relative distance below which two units are near duplicates [ours]; the free energy decides. */
    static final double NEAR = 0.1;

    private UnitMerge() {
    }

    static List<NearSingularStructure> find(List<DenseUnitLayer> layers, double[] theta) {
        List<NearSingularStructure> out = new ArrayList<>();
        for (DenseUnitLayer l : layers) {
            if (Layers.isPiecewiseLinear(l.activation())) {
                continue;
            }
            int d = l.inputs();
            int units = l.units();
            double[][] v = new double[units][d + 1];
            for (int j = 0; j < units; j++) {
                for (int i = 0; i < d; i++) {
                    v[j][i] = theta[l.weights().index(i, j)];
                }
                v[j][d] = theta[l.bias().flatIndex()[j]];
            }
            for (int a = 0; a < units; a++) {
                for (int b = a + 1; b < units; b++) {
                    double diff = 0;
                    double na = 0;
                    double nb = 0;
                    for (int i = 0; i <= d; i++) {
                        diff += (v[a][i] - v[b][i]) * (v[a][i] - v[b][i]);
                        na += v[a][i] * v[a][i];
                        nb += v[b][i] * v[b][i];
                    }
                    if (diff == 0 || diff > NEAR * NEAR * Math.max(na, nb)) {
                        continue;
                    }
                    int[] set = new int[2 * (d + 1)];
                    double[] values = new double[set.length];
                    for (int i = 0; i <= d; i++) {
                        int ia = i < d ? l.weights().index(i, a) : l.bias().flatIndex()[a];
                        int ib = i < d ? l.weights().index(i, b) : l.bias().flatIndex()[b];
                        double mean = (v[a][i] + v[b][i]) / 2;
                        set[2 * i] = ia;
                        set[2 * i + 1] = ib;
                        values[2 * i] = mean;
                        values[2 * i + 1] = mean;
                    }
                    String id = "near-duplicate-units:" + l.layer().name() + ":" + a + "+" + b;
                    out.add(new NearSingularStructure(id, List.of(new Snap(id, List.of(l.layer().name(), l.layer().consumer()),
                            set, values, new int[0], new double[0], 2 * (d + 1 + l.outputs()),
                            // the incoming difference becomes the quartic (n/4 instead of n/2), the
                            // outgoing difference flat (METHOD 5, duplicate units)
                            (d + 1) / 4.0 + l.outputs() / 2.0, 0))));
                }
            }
        }
        return out;
    }
}
