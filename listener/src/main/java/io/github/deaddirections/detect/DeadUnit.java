package io.github.deaddirections.detect;

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
 * A dead hidden unit or channel (METHOD 4, node death): incoming weights and outgoing weights all
 * zero, so it outputs the constant c = phi(b0). Found once and shared by the detectors that act on
 * it: its node death ({@link NodeDeathDetector}) and, where shifting its bias is a symmetry
 * ({@link ShiftSymmetry}), the flat gauge along its bias ({@link BiasShiftGaugeDetector}).
 *
 * @param unit            the unit and its parameters
 * @param activation      its activation
 * @param order           p, the order of phi(b0 + h) - phi(b0) ({@link ActivationTaylor})
 * @param value           phi(b0)
 * @param absorbingBiases for each outgoing weight the consumer bias that absorbs c, or empty
 * @param biasShiftIsSymmetry whether b -&gt; b + t is undone exactly by the unit's other parameters
 *                        and an absorbing consumer bias
 * @param read            positions k of the outgoing weights whose consumer unit is itself read by
 *                        someone; a weight into an unread live consumer (all of its outgoing
 *                        weights zero, not all of its incoming ones) is flat whatever the rest
 *                        does, a tangent of that consumer's flat locus, and no coordinate of this
 *                        unit's node death
 * @param silent          of those positions, the ones whose consumer unit passes nothing on (all of
 *                        its outgoing weights zero: a dead consumer): its bias moves no output, so
 *                        the weight into it is null alone and takes no bias compensation; the
 *                        consumer's bias stays a coordinate of the consumer's own structure
 */
record DeadUnit(Unit unit, IActivation activation, int order, double value, Optional<int[]> absorbingBiases,
                boolean biasShiftIsSymmetry, int[] read, java.util.Set<Integer> silent) {

    /**
     * Every dead unit whose node death is defined: constant but not flat around b0 (a ReLU unit
     * with a negative bias is inactive instead: {@link InactiveUnitDetector}), and with c = 0 or a
     * bias that absorbs c exactly (not into a padded convolution or a sum pooling). Identity units
     * are left to the product blocks (chain, reduced rank), where the gauge can revive them.
     */
    static List<DeadUnit> all(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        double[] theta = snapshot.parametersView();
        List<DeadUnit> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            Optional<IActivation> phi = layer.activation();
            if (phi.isEmpty() || layer.isOutput() || Layers.isIdentity(layer)) {
                continue;
            }
            Map<Double, ActivationTaylor> shapes = new HashMap<>();
            Map<Double, Boolean> shifts = new HashMap<>();
            java.util.Set<Integer> unreadConsumers = null;
            java.util.Set<Integer> silentConsumers = null;
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
                boolean shift = unit.bias() >= 0 && absorbing.isPresent()
                        && shifts.computeIfAbsent(b0, z -> ShiftSymmetry.at(phi.get(), z));
                if (unreadConsumers == null) {
                    unreadConsumers = unread(context, unit.consumer());
                }
                int[] read = readOutgoing(unit, unreadConsumers);
                if (read.length == 0) {
                    continue; // nothing reads it: every parameter of the unit is flat (output-null)
                }
                if (silentConsumers == null) {
                    silentConsumers = silentUnits(context, unit.consumer());
                }
                java.util.Set<Integer> silent = new java.util.HashSet<>();
                for (int k : read) {
                    if (silentConsumers.contains(unit.feeds()[k])) {
                        silent.add(k);
                    }
                }
                out.add(new DeadUnit(unit, phi.get(), order.getAsInt(), c, absorbing, shift, read, silent));
            }
        }
        return out;
    }

    /** Outgoing weights that the consumer's unit passes on to someone. */
    private static int[] readOutgoing(Unit unit, java.util.Set<Integer> unread) {
        return java.util.stream.IntStream.range(0, unit.outgoing().length).filter(k -> !unread.contains(unit.feeds()[k])).toArray();
    }

    /**
     * The units of a hidden layer whose outgoing weights are all zero while their incoming ones
     * are not: nobody reads them, and their outgoing weights are live directions (the unit is not
     * constant), so every weight into them is flat whatever the other null directions do. A dead
     * consumer (incoming weights zero as well) is a node death of its own, and the weight between
     * two dead units is a coordinate of the first one's crossing.
     */
    private static java.util.Set<Integer> unread(DetectionContext context, LayerInfo layer) {
        return silent(context, layer, true);
    }

    /** The units of a hidden layer whose outgoing weights are all zero (none of an output layer). */
    static java.util.Set<Integer> silentUnits(DetectionContext context, LayerInfo layer) {
        return silent(context, layer, false);
    }

    private static java.util.Set<Integer> silent(DetectionContext context, LayerInfo layer, boolean liveIncomingOnly) {
        java.util.Set<Integer> out = new java.util.HashSet<>();
        Snapshot snapshot = context.snapshot();
        if (layer.isOutput()) {
            return out;
        }
        for (Unit u : Unit.of(snapshot, layer)) {
            double scale = Math.max(snapshot.layerRms(List.of(layer.name())), snapshot.layerRms(List.of(u.consumer().name())));
            if (context.allZero(u.outgoing(), scale) && !(liveIncomingOnly && context.allZero(u.weights(), scale))) {
                out.add(u.index());
            }
        }
        return out;
    }

    /**
     * For each outgoing weight of the unit, the consumer bias that absorbs the unit's constant
     * output through it; empty when no bias absorbs it exactly (the consumer has no bias, sums
     * over positions, or pads its input).
     */
    static Optional<int[]> absorbingBiases(Snapshot snapshot, LayerInfo layer, Unit unit) {
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
