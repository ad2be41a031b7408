package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationCube;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationGELU;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;

import java.util.Optional;

/** What the structural detectors know about DL4J layer types and activations. */
public final class Layers {

    private Layers() {
    }

    /** Dense-like: a weight matrix W [nIn, nOut] and an optional bias b [nOut]. */
    public static boolean isDense(LayerInfo layer) {
        return layer.conf() instanceof DenseLayer || layer.conf() instanceof OutputLayer;
    }

    /** A dense layer whose pre-activation is layer-normalised (DL4J {@code hasLayerNorm}: params W, b, g). */
    public static boolean hasLayerNorm(LayerInfo layer) {
        return layer.conf() instanceof DenseLayer d && d.hasLayerNorm();
    }

    /**
     * Dense without layer norm: a unit's pre-activation is its incoming column plus its bias. Layer
     * norm mixes the units, so node death, duplicates and rescaling do not apply to its units.
     */
    public static boolean isPlainDense(LayerInfo layer) {
        return isDense(layer) && !hasLayerNorm(layer);
    }

    /**
     * DL4J's PReLU layer: {@code y = z} for z > 0, {@code alpha z} otherwise, elementwise, alpha a
     * parameter ("W", shaped like its input unless axes are shared). Positively homogeneous in z for
     * any alpha, so a Dense(identity) before it carries the rescaling gauge.
     */
    public static boolean isPRelu(LayerInfo layer) {
        return layer.conf() instanceof PReLULayer;
    }

    public static boolean isBatchNorm(LayerInfo layer) {
        return layer.conf() instanceof BatchNormalization;
    }

    public static boolean isConvolution(LayerInfo layer) {
        return layer.conf().getClass() == ConvolutionLayer.class;
    }

    /** Layers without parameters that pass units through one to one (a unit's outgoing weights are still a row). */
    public static boolean isPassThrough(LayerInfo layer) {
        return layer.conf() instanceof DropoutLayer
                || (layer.conf() instanceof GlobalPoolingLayer gp
                && (gp.getPoolingType() == PoolingType.AVG || gp.getPoolingType() == PoolingType.SUM));
    }

    public static boolean hasParameters(Snapshot snapshot, LayerInfo layer) {
        return !snapshot.layout().blocksOf(layer.name()).isEmpty();
    }

    /**
     * The parameterised layer that reads this layer's units, following pass-through layers; empty
     * when the output fans out or reaches a layer type the detectors do not follow.
     */
    public static Optional<LayerInfo> consumer(Snapshot snapshot, LayerInfo layer) {
        String next = layer.consumer();
        while (next != null) {
            LayerInfo c = snapshot.layer(next);
            if (isPassThrough(c)) {
                next = c.consumer();
                continue;
            }
            return Optional.of(c);
        }
        return Optional.empty();
    }


    public static Optional<ParameterBlock> weights(Snapshot snapshot, LayerInfo layer) {
        return snapshot.layout().block(layer.name(), "W");
    }

    public static Optional<ParameterBlock> bias(Snapshot snapshot, LayerInfo layer) {
        return snapshot.layout().block(layer.name(), "b");
    }

    public static boolean isIdentity(LayerInfo layer) {
        return layer.activation().map(a -> a instanceof ActivationIdentity).orElse(false);
    }

    /**
     * p, the order of the first non-zero Taylor term of the activation at 0, for activations with
     * phi(0) = 0 (METHOD 4, node death: the diagonal then has order p + 1); empty for activations
     * the node-death law does not cover (identity is a product block; sigmoid leaks, phi(0) != 0).
     */
    public static Optional<Integer> taylorOrder(IActivation a) {
        if (a instanceof ActivationCube) {
            return Optional.of(3);
        }
        if (a instanceof ActivationTanH || a instanceof ActivationSoftSign || a instanceof ActivationELU
                || a instanceof ActivationGELU || a instanceof ActivationSwish || a instanceof ActivationSELU
                || a instanceof ActivationHardTanH || a instanceof ActivationLReLU || isPlainRelu(a)) {
            return Optional.of(1);
        }
        return Optional.empty();
    }

    /** Positively homogeneous activations: phi(alpha z) = alpha phi(z) for alpha > 0 (the rescaling gauge). */
    public static boolean isPositivelyHomogeneous(IActivation a) {
        return isPlainRelu(a) || a instanceof ActivationLReLU;
    }

    private static boolean isPlainRelu(IActivation a) {
        if (!(a instanceof ActivationReLU relu)) {
            return false;
        }
        // ReLU with a cap or a non-zero threshold is not homogeneous; a negative slope keeps it so.
        return relu.getMax() == null && (relu.getThreshold() == null || relu.getThreshold() == 0.0);
    }
}
