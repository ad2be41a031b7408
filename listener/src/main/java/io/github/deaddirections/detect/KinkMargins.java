package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.BranchPoints;
import io.github.deaddirections.snapshot.ForwardModel;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Optional;

/**
 * How far the parameters may move before some probe sample crosses a branch point of its
 * activation: a kink (ReLU, hard tanh, ...) or a point where the activation changes its analytic
 * form (ELU and SELU are linear above 0, softsign and the rational tanh a Moebius map on each
 * side). Between branch points such a unit is linear, or projective, on the probe, so the network
 * has flat directions that hold only until a sample crosses (units active on exactly the same
 * samples, a unit linear on the whole probe, an inactive unit, a softsign unit of one sign, whose
 * z -> a z + 1 - a commutes with an affine map of its output): tests that move the base point to
 * tell gauges from singularities ({@code GaugeTest}, the flat-locus test) must stay below this
 * distance, or they measure another region.
 *
 * <p>First order, per dense layer: a move of norm d changes z_j(x) by at most
 * {@code d |(x, 1)|}; with m the smallest distance of any z_j(x) to a kink of its activation,
 * the layer is safe for {@code d < m / max_x |(x, 1)|}. The limit is the smallest over layers.
 */
public final class KinkMargins {

    private KinkMargins() {
    }

    /** The move limit, or +infinity when no dense layer has a piecewise-linear activation. */
    public static double limit(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        double[] theta = snapshot.parametersView();
        double limit = Double.POSITIVE_INFINITY;
        for (LayerInfo layer : snapshot.layers()) {
            Optional<double[]> kinks = layer.activation().flatMap(BranchPoints::of);
            Optional<ParameterBlock> w = Layers.weights(snapshot, layer);
            if (kinks.isEmpty() || !Layers.isPlainDense(layer) || w.isEmpty()) {
                continue;
            }
            INDArray input = context.layerInputs().get(layer.name());
            if (input == null || input.rank() != 2) {
                continue;
            }
            Optional<ParameterBlock> b = Layers.bias(snapshot, layer);
            double[][] x = ForwardModel.rows(input);
            int nIn = (int) w.get().dim(0);
            int nOut = (int) w.get().dim(1);
            double margin = Double.POSITIVE_INFINITY;
            double reach = 0;
            for (double[] row : x) {
                double norm = 1;
                for (double v : row) {
                    norm += v * v;
                }
                reach = Math.max(reach, Math.sqrt(norm));
                for (int j = 0; j < nOut; j++) {
                    double z = b.isPresent() ? theta[b.get().flatIndex()[j]] : 0.0;
                    for (int i = 0; i < nIn; i++) {
                        z += row[i] * theta[w.get().index(i, j)];
                    }
                    for (double k : kinks.get()) {
                        // A unit sitting on a kink (a dead ReLU unit at z = 0) is a crossing, not a region to keep.
                        if (z != k) {
                            margin = Math.min(margin, Math.abs(z - k));
                        }
                    }
                }
            }
            if (reach > 0 && margin < Double.POSITIVE_INFINITY) {
                limit = Math.min(limit, margin / reach);
            }
        }
        return limit;
    }
}
