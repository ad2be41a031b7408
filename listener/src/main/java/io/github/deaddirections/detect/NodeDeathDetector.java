package io.github.deaddirections.detect;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.IActivation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

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
 *
 * <p>Not a node death: a unit constant around b0 (a ReLU unit with a negative bias is inactive:
 * {@link InactiveUnitDetector}); a unit with c != 0 whose consumer has no bias to absorb c (its
 * outgoing weights are then live and its incoming ones the tangent of a flat locus); c != 0 into
 * a padded convolution or a sum pooling, where no bias absorbs c exactly. Identity units are left
 * to the product blocks (chain, reduced rank), where the gauge can revive them.
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
        Snapshot snapshot = context.snapshot();
        double[] theta = snapshot.parametersView();
        int p = snapshot.parameterCount();
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            Optional<IActivation> phi = layer.activation();
            if (phi.isEmpty() || layer.isOutput() || Layers.isIdentity(layer)) {
                continue;
            }
            Map<Double, ActivationTaylor> shapes = new HashMap<>();
            for (Unit unit : Unit.of(snapshot, layer)) {
                double scale = Math.max(snapshot.layerRms(List.of(layer.name())),
                        snapshot.layerRms(List.of(unit.consumer().name())));
                if (!context.allZero(unit.weights(), scale) || !context.allZero(unit.outgoing(), scale)) {
                    continue;
                }
                double b0 = unit.bias() < 0 ? 0.0 : theta[unit.bias()];
                ActivationTaylor shape = shapes.computeIfAbsent(b0, z -> ActivationTaylor.at(phi.get(), z));
                OptionalInt order = shape.order();
                if (order.isEmpty()) {
                    continue;
                }
                double c = shape.value();
                Optional<int[]> absorbing = absorbingBiases(snapshot, layer, unit);
                if (c != 0.0 && absorbing.isEmpty()) {
                    continue;
                }
                out.add(candidate(p, layer, unit, c, absorbing, order.getAsInt(), phi.get()));
            }
        }
        return out;
    }

    private static BlockCandidate candidate(int p, LayerInfo layer, Unit unit, double c, Optional<int[]> absorbingBiases,
                                            int order, IActivation phi) {
        int[] absorbing = absorbingBiases.orElse(new int[0]);
        boolean absorbed = absorbingBiases.isPresent();
        int[] outgoing = unit.outgoing();
        List<Direction> outgoingSpan = new ArrayList<>();
        for (int k = 0; k < outgoing.length; k++) {
            outgoingSpan.add(c == 0.0 ? Direction.axis(p, outgoing[k])
                    : Direction.sparse(p, new int[]{outgoing[k], absorbing[k]}, new double[]{1.0, -c}).normalised());
        }
        List<Direction> incomingSpan = new ArrayList<>();
        for (int i : unit.incoming()) {
            incomingSpan.add(Direction.axis(p, i));
        }
        String kind = Layers.isConvolution(layer) ? "channel" : "unit";
        String family = MECHANISM + ":" + layer.name() + ":" + phi + ":p" + order + ":in" + unit.incoming().length
                + ":out" + outgoing.length + (absorbed ? ":absorbed" : "");
        return BlockCandidate.ofComponents(MECHANISM + ":" + layer.name() + ":" + kind + unit.index(), MECHANISM,
                List.of(layer.name(), unit.consumer().name()),
                List.of(new BlockComponent("outgoing", outgoingSpan), new BlockComponent("incoming", incomingSpan)),
                dims -> absorbed ? BlockLaw.nodeDeathAbsorbed(dims[0], dims[1], order)
                        : BlockLaw.nodeDeath(dims[0], dims[1], order), family);
    }

    /**
     * For each outgoing weight of the unit, the consumer bias that absorbs the unit's constant
     * output through it; empty when no bias absorbs it exactly (the consumer has no bias, sums
     * over positions, or pads its input).
     */
    private static Optional<int[]> absorbingBiases(Snapshot snapshot, LayerInfo layer, Unit unit) {
        LayerInfo consumer = unit.consumer();
        Optional<ParameterBlock> bias = Layers.bias(snapshot, consumer);
        Optional<ParameterBlock> weights = Layers.weights(snapshot, consumer);
        if (bias.isEmpty() || weights.isEmpty() || Layers.hasLayerNorm(consumer) || sumsPositions(snapshot, layer)
                || padsPooling(snapshot, layer)) {
            return Optional.empty();
        }
        if (Layers.isConvolution(consumer) && pads((ConvolutionLayer) consumer.conf())) {
            return Optional.empty();
        }
        if (!Layers.isDense(consumer) && !Layers.isConvolution(consumer)) {
            return Optional.empty();
        }
        int[] b = bias.get().flatIndex();
        int[] out = new int[unit.outgoing().length];
        for (int k = 0; k < out.length; k++) {
            out[k] = b[unit.feeds()[k]];
        }
        return Optional.of(out);
    }

    /** Whether a global sum pooling lies between the layer and its consumer (a constant channel then scales with the image). */
    private static boolean sumsPositions(Snapshot snapshot, LayerInfo layer) {
        String next = layer.consumer();
        while (next != null && Layers.isPassThrough(snapshot.layer(next))) {
            if (snapshot.layer(next).conf() instanceof GlobalPoolingLayer g && g.getPoolingType() == PoolingType.SUM) {
                return true;
            }
            next = snapshot.layer(next).consumer();
        }
        return false;
    }

    /** Whether a pooling layer between the layer and its consumer pads its input (a constant channel is then not constant at the borders). */
    private static boolean padsPooling(Snapshot snapshot, LayerInfo layer) {
        String next = layer.consumer();
        while (next != null && Layers.isPassThrough(snapshot.layer(next))) {
            if (snapshot.layer(next).conf() instanceof org.deeplearning4j.nn.conf.layers.SubsamplingLayer sub
                    && (sub.getConvolutionMode() == ConvolutionMode.Same || java.util.Arrays.stream(sub.getPadding()).anyMatch(q -> q != 0))) {
                return true;
            }
            next = snapshot.layer(next).consumer();
        }
        return false;
    }

    /** Whether a convolution sees zero padding at its borders (then a constant input channel is not constant there). */
    private static boolean pads(ConvolutionLayer conv) {
        if (conv.getConvolutionMode() == ConvolutionMode.Same) {
            return true;
        }
        for (int pad : conv.getPadding()) {
            if (pad != 0) {
                return true;
            }
        }
        return false;
    }
}
