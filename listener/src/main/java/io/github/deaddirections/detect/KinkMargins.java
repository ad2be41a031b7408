package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.BranchPoints;
import io.github.deaddirections.snapshot.ForwardModel;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *
 * <p>That bound is blind to where a move goes: one live unit with a sample near a kink caps every
 * move, also moves that leave that unit's pre-activations untouched, as a move along the Fisher null
 * space mostly does (it moves dead units' weights; live pre-activations change only at second order).
 * A crossing component of order p shows at the moved point as eps^(2p) of the live scale, so too
 * small a move hides it under the float floor. {@link #crossedBy} answers the question itself for
 * one point: one forward pass, and every (sample, unit) compared piece by piece.
 */
public final class KinkMargins {

    private final DetectionContext context;
    private final double limit;

    private KinkMargins(DetectionContext context, double limit) {
        this.context = context;
        this.limit = limit;
    }

    /** The margins of the context's snapshot at theta-hat. */
    public static KinkMargins of(DetectionContext context) {
        return new KinkMargins(context, limit(context));
    }

    /** The first-order move limit, or +infinity when no dense layer has a piecewise activation. */
    public double limit() {
        return limit;
    }

    /**
     * Whether some probe sample's pre-activation in a plain dense layer with branch points lies on
     * another piece at {@code point} than at theta-hat. A (sample, unit) sitting exactly on a branch
     * point at theta-hat (a dead ReLU unit at z = 0) is the crossing under test, not a region, and
     * is not compared.
     */
    public boolean crossedBy(double[] point) {
        Snapshot snapshot = context.snapshot();
        List<LayerInfo> kinked = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            if (layer.activation().flatMap(BranchPoints::of).isPresent() && Layers.isPlainDense(layer)
                    && Layers.weights(snapshot, layer).isPresent()) {
                kinked.add(layer);
            }
        }
        if (kinked.isEmpty()) {
            return false;
        }
        Map<String, INDArray> here = context.layerInputs();
        Map<String, INDArray> there = snapshot.model().layerInputs(point, snapshot.layers());
        double[] theta = snapshot.parametersView();
        for (LayerInfo layer : kinked) {
            INDArray a = here.get(layer.name());
            INDArray b = there.get(layer.name());
            if (a == null || b == null || a.rank() != 2) {
                continue;
            }
            double[] kinks = layer.activation().flatMap(BranchPoints::of).orElseThrow();
            double[][] z0 = Layers.preActivations(snapshot, layer, theta, ForwardModel.rows(a));
            double[][] z1 = Layers.preActivations(snapshot, layer, point, ForwardModel.rows(b));
            for (int n = 0; n < z0.length; n++) {
                for (int j = 0; j < z0[n].length; j++) {
                    if (!onBranchPoint(z0[n][j], kinks) && piece(z0[n][j], kinks) != piece(z1[n][j], kinks)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean onBranchPoint(double z, double[] kinks) {
        for (double k : kinks) {
            if (z == k) {
                return true;
            }
        }
        return false;
    }

    /** The number of branch points below z: which piece z is on. */
    private static int piece(double z, double[] kinks) {
        int below = 0;
        for (double k : kinks) {
            if (z > k) {
                below++;
            }
        }
        return below;
    }

    /** The first-order move limit (see the class comment). */
    static double limit(DetectionContext context) {
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
            double[][] x = ForwardModel.rows(input);
            double[][] z = Layers.preActivations(snapshot, layer, theta, x);
            double margin = Double.POSITIVE_INFINITY;
            double reach = 0;
            for (int n = 0; n < x.length; n++) {
                double norm = 1;
                for (double v : x[n]) {
                    norm += v * v;
                }
                reach = Math.max(reach, Math.sqrt(norm));
                for (double zj : z[n]) {
                    for (double k : kinks.get()) {
                        // A unit sitting on a kink (a dead ReLU unit at z = 0) is a crossing, not a region to keep.
                        if (zj != k) {
                            margin = Math.min(margin, Math.abs(zj - k));
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
