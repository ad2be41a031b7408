package io.github.deaddirections.detect;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.snapshot.LayerInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Node death (METHOD 4, 5): a hidden unit or convolution channel whose incoming weights and
 * outgoing weights all vanish. Its output is then the constant c = phi(b0), b0 its bias.
 *
 * <p>The unit adds {@code a (phi(w x + b) - c)} to its consumer once the consumer's bias absorbs
 * the constant {@code c a} (for phi(0) = 0 and b0 = 0 there is nothing to absorb). So the
 * outgoing component is the outgoing weights, each with its consumer's bias moved by -c times it
 * (flat: the unit is constant), and the incoming component is the weights and the bias (flat: the
 * outgoing weights are 0). Along both the output moves as |a| |w~|^p, where p is the order of
 * the first non-vanishing term of phi(b0 + h) - phi(b0) ({@link ActivationTaylor}, measured on the
 * activation itself): a crossing of an order-1 component of dimension n_out and an order-p
 * component of dimension d_in + 1,
 * {@code lambda_B = min(n_out/2, (d_in+1)/(2p))}, with diagonal order p + 1, when nothing absorbs
 * phi(b); when the consumer's bias does, the unit's bias only moves the absorbed constant and
 * {@code lambda_B = min(n_out/2, d_in/2, (d_in+1)/(2p))} ({@link BlockLaw#nodeDeathAbsorbed}). The dimensions are
 * counted after the gauges that own directions of their own (the classifier projects them off):
 * into a softmax layer the uniform outgoing vector is the logit shift, so n_out counts one less.
 * Where shifting the unit's bias is an exact symmetry ({@link ShiftSymmetry}: an affine, exponential,
 * Moebius or power piece of phi around b0), the bias axis is that symmetry's tangent, a flat gauge
 * claimed by the rescaling or bias-shift detector; the crossing is then of the outgoing and the
 * incoming weights alone ({@link BlockLaw#nodeDeathBiasGauge}).
 *
 * <p>Which dead units have a node death: {@link DeadUnit#all}.
 */
public final class NodeDeathDetector implements Detector {

    public static final String MECHANISM = "node-death";

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
        int p = context.snapshot().parameterCount();
        List<Candidate> out = new ArrayList<>();
        java.util.Set<String> grouped = new java.util.HashSet<>();
        LinearGroup.all(context).forEach(g -> g.units().forEach(u -> grouped.add(u.layer().name() + ":" + u.index())));
        for (DeadUnit dead : DeadUnit.all(context)) {
            if (grouped.contains(dead.unit().layer().name() + ":" + dead.unit().index())) {
                continue; // a coordinate of its linear group's block (LinearGroupDetector)
            }
            // A weight out of a constant input the layer reads is the bias again: an activation-null gauge.
            out.add(candidate(p, dead, ConstantInputs.of(context, dead.unit().layer())));
        }
        return out;
    }

    private static BlockCandidate candidate(int p, DeadUnit dead, boolean[] constantInputs) {
        Unit unit = dead.unit();
        LayerInfo layer = unit.layer();
        int order = dead.order();
        double c = dead.value();
        int[] absorbing = dead.absorbingBiases().orElse(new int[0]);
        boolean absorbed = dead.absorbingBiases().isPresent();
        // Where shifting the bias is a symmetry, the bias axis is that symmetry's tangent (a gauge
        // claimed by the rescaling or bias-shift detector), not a coordinate of the crossing.
        boolean biasIsGauge = dead.biasShiftIsSymmetry();
        int[] outgoing = unit.outgoing();
        List<Direction> outgoingSpan = new ArrayList<>();
        for (int k : dead.read()) {
            outgoingSpan.add(c == 0.0 || dead.silent().contains(k) ? Direction.axis(p, outgoing[k])
                    : Direction.sparse(p, new int[]{outgoing[k], absorbing[k]}, new double[]{1.0, -c}).normalised());
        }
        List<Direction> incomingSpan = new ArrayList<>();
        int[] weights = unit.weights();
        for (int i = 0; i < weights.length; i++) {
            if (i >= constantInputs.length || !constantInputs[i]) {
                incomingSpan.add(Direction.axis(p, weights[i]));
            }
        }
        if (!biasIsGauge && unit.bias() >= 0) {
            incomingSpan.add(Direction.axis(p, unit.bias()));
        }
        String kind = Layers.isConvolution(layer) ? "channel" : "unit";
        String family = MECHANISM + ":" + layer.name() + ":" + dead.activation() + ":p" + order + ":in" + incomingSpan.size()
                + ":out" + dead.read().length + (absorbed ? ":absorbed" : "") + (biasIsGauge ? ":shift-gauge" : "");
        return BlockCandidate.ofComponents(MECHANISM + ":" + layer.name() + ":" + kind + unit.index(), MECHANISM,
                List.of(layer.name(), unit.consumer().name()),
                List.of(new BlockComponent("outgoing", outgoingSpan), new BlockComponent("incoming", incomingSpan)),
                dims -> biasIsGauge ? BlockLaw.nodeDeathBiasGauge(dims[0], dims[1])
                        : absorbed ? BlockLaw.nodeDeathAbsorbed(dims[0], dims[1], order)
                        : BlockLaw.nodeDeath(dims[0], dims[1], order), family);
    }
}
