package io.github.deaddirections.detect;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Duplicate units (METHOD 4, 5): two units of one layer with equal incoming weights and bias and
 * non-zero, parallel outgoing weights ({@code a2 = c a1}; always so for one output). Then
 * <ul>
 *   <li>moving outgoing weight from one to the other, {@code (Delta a1, Delta a2) = (e, -e)}, is
 *       exactly flat (n_out directions, owned by the block);</li>
 *   <li>the incoming differential {@code (Delta w1, Delta w2) = (delta, -delta / c)} cancels at
 *       first order and moves the output at second order through phi'': order 2 for a smooth
 *       activation (d_in + 1 directions).</li>
 * </ul>
 * The excess is a positive-definite quartic in the d_in + 1 incoming differential coordinates:
 * {@code lambda_B = (d_in + 1)/4}, m_B = 1; block dimension d_in + 1 + n_out.
 */
public final class DuplicateUnitDetector implements Detector {

    public static final String MECHANISM = "duplicate-unit";

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return Layers.isPlainDense(layer) || Layers.isConvolution(layer);
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        double[] theta = snapshot.parametersView();
        int p = theta.length;
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            if (layer.isOutput() || layer.activation().map(Layers::isPiecewiseLinear).orElse(true)) {
                continue;
            }
            List<Unit> units = Unit.of(snapshot, layer);
            double scale = Math.max(snapshot.layerRms(List.of(layer.name())), Double.MIN_NORMAL);
            double tol = context.config().deadWeightTolerance() * scale;
            boolean[] used = new boolean[units.size()];
            int[][] incoming = new int[units.size()][];
            for (int i = 0; i < units.size(); i++) {
                incoming[i] = units.get(i).incoming();
            }
            // Duplicates agree within tol on every incoming weight, the first one included: sorted by
            // it, a unit's partners lie in a window of width tol after it (not all width^2 pairs).
            Integer[] order = new Integer[units.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (x, y) -> incoming[x].length == 0 || incoming[y].length == 0 ? 0
                    : Double.compare(theta[incoming[x][0]], theta[incoming[y][0]]));
            for (int oi = 0; oi < order.length; oi++) {
                int i = order[oi];
                for (int oj = oi + 1; oj < order.length && !used[i]; oj++) {
                    int j = order[oj];
                    if (incoming[i].length > 0 && incoming[j].length > 0
                            && theta[incoming[j][0]] - theta[incoming[i][0]] > tol) {
                        break;
                    }
                    if (used[j] || !sameIncoming(theta, incoming[i], incoming[j], tol)) {
                        continue;
                    }
                    // Report the pair in unit order, as the units are numbered in the layer.
                    Unit a = units.get(Math.min(i, j));
                    Unit b = units.get(Math.max(i, j));
                    Optional<Double> ratio = outgoingRatio(theta, a, b, tol);
                    if (ratio.isEmpty()) {
                        continue;
                    }
                    used[i] = true;
                    used[j] = true;
                    out.add(candidate(p, layer, a, b, ratio.get()));
                }
            }
        }
        return out;
    }

    private static BlockCandidate candidate(int p, LayerInfo layer, Unit a, Unit b, double c) {
        int[] inA = a.incoming();
        int[] inB = b.incoming();
        List<Direction> incoming = new ArrayList<>();
        for (int k = 0; k < inA.length; k++) {
            incoming.add(Direction.sparse(p, new int[]{inA[k], inB[k]}, new double[]{1.0, -1.0 / c}).normalised());
        }
        int[] outA = a.outgoing();
        int[] outB = b.outgoing();
        List<Direction> outgoing = new ArrayList<>();
        for (int k = 0; k < outA.length; k++) {
            outgoing.add(Direction.sparse(p, new int[]{outA[k], outB[k]}, new double[]{1.0, -1.0}).normalised());
        }
        String kind = Layers.isConvolution(layer) ? "channels" : "units";
        String family = MECHANISM + ":" + layer.name() + ":" + layer.activation().map(Object::toString).orElse("")
                + ":in" + inA.length + ":out" + outA.length;
        return BlockCandidate.ofComponents(MECHANISM + ":" + layer.name() + ":" + kind + a.index() + "=" + b.index(),
                MECHANISM, List.of(layer.name(), a.consumer().name()),
                List.of(new BlockComponent("incoming-difference", incoming), new BlockComponent("outgoing-difference", outgoing)),
                dims -> new BlockLaw.DuplicateUnits(dims[0]), family);
    }

    private static boolean sameIncoming(double[] theta, int[] inA, int[] inB, double tol) {
        if (inA.length != inB.length) {
            return false;
        }
        for (int k = 0; k < inA.length; k++) {
            if (Math.abs(theta[inA[k]] - theta[inB[k]]) > tol) {
                return false;
            }
        }
        return true;
    }

    /** c with {@code a2 = c a1} when both outgoing rows are non-zero and parallel; empty otherwise. */
    private static Optional<Double> outgoingRatio(double[] theta, Unit a, Unit b, double tol) {
        int[] outA = a.outgoing();
        int[] outB = b.outgoing();
        double aa = 0;
        double ab = 0;
        double bb = 0;
        for (int k = 0; k < outA.length; k++) {
            aa += theta[outA[k]] * theta[outA[k]];
            ab += theta[outA[k]] * theta[outB[k]];
            bb += theta[outB[k]] * theta[outB[k]];
        }
        if (Math.sqrt(aa) <= tol || Math.sqrt(bb) <= tol) {
            return Optional.empty();
        }
        double c = ab / aa;
        // parallel: |b - c a| small relative to |b|
        double residual = bb - 2 * c * ab + c * c * aa;
        if (residual > 1e-12 * bb + tol * tol) {
            return Optional.empty();
        }
        return Optional.of(c);
    }
}
