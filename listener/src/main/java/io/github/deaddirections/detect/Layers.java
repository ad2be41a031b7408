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

    /**
     * Layers without parameters that pass units (channels) through one to one, positively
     * homogeneously, and keep a constant channel constant: dropout (identity at inference), global
     * average or sum pooling, and channelwise max or average pooling (max(a z) = a max(z) for a > 0).
     * A unit's outgoing weights are then still the weights its consumer reads it with.
     */
    public static boolean isPassThrough(LayerInfo layer) {
        return layer.conf() instanceof DropoutLayer
                || (layer.conf() instanceof GlobalPoolingLayer gp
                && (gp.getPoolingType() == PoolingType.AVG || gp.getPoolingType() == PoolingType.SUM))
                || (layer.conf().getClass() == org.deeplearning4j.nn.conf.layers.SubsamplingLayer.class
                && (((org.deeplearning4j.nn.conf.layers.SubsamplingLayer) layer.conf()).getPoolingType()
                == org.deeplearning4j.nn.conf.layers.PoolingType.MAX
                || ((org.deeplearning4j.nn.conf.layers.SubsamplingLayer) layer.conf()).getPoolingType()
                == org.deeplearning4j.nn.conf.layers.PoolingType.AVG));
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

    /**
     * z = x W + b of a plain dense layer at parameters theta, one row per row of x (b = 0 when the
     * layer has none). W is gathered once into input-major rows, so the product runs over
     * contiguous memory; each z is summed in input order, as a per-unit loop would.
     */
    public static double[][] preActivations(Snapshot snapshot, LayerInfo layer, double[] theta, double[][] x) {
        ParameterBlock w = weights(snapshot, layer).orElseThrow(
                () -> new IllegalArgumentException("layer " + layer.name() + " has no weights"));
        Optional<ParameterBlock> b = bias(snapshot, layer);
        int nIn = (int) w.dim(0);
        int nOut = (int) w.dim(1);
        double[][] rows = new double[nIn][nOut];
        for (int i = 0; i < nIn; i++) {
            for (int j = 0; j < nOut; j++) {
                rows[i][j] = theta[w.index(i, j)];
            }
        }
        double[] bias = new double[nOut];
        if (b.isPresent()) {
            int[] at = b.get().flatIndex();
            for (int j = 0; j < nOut; j++) {
                bias[j] = theta[at[j]];
            }
        }
        double[][] z = new double[x.length][];
        for (int s = 0; s < x.length; s++) {
            double[] zs = bias.clone();
            for (int i = 0; i < nIn; i++) {
                double xi = x[s][i];
                if (xi == 0) {
                    continue; // adds nothing (ReLU inputs are mostly zero)
                }
                double[] wi = rows[i];
                for (int j = 0; j < nOut; j++) {
                    zs[j] += xi * wi[j];
                }
            }
            z[s] = zs;
        }
        return z;
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

    /**
     * Positively homogeneous activations of degree 1: phi(alpha z) = alpha phi(z) for alpha > 0 (the
     * rescaling gauge; normalisation gains pass through them).
     */
    public static boolean isPositivelyHomogeneous(IActivation a) {
        return homogeneityDegree(a).orElse(0) == 1;
    }

    /**
     * d with {@code phi(alpha z) = alpha^d phi(z)} for every alpha > 0, when there is one: 1 for the
     * ReLU family (ReLU, LeakyReLU; not RReLU, which DL4J M2.1 floors at (l+u)/2 at inference), 3
     * for the cube. Then
     * {@code (w, b, a) -> (alpha w, alpha b, a / alpha^d)} leaves the network unchanged. Identity
     * units are left to the product blocks, whose GL gauge contains their rescaling.
     */
    public static java.util.OptionalInt homogeneityDegree(IActivation a) {
        if (isPlainRelu(a) || a instanceof ActivationLReLU) {
            return java.util.OptionalInt.of(1);
        }
        if (a instanceof ActivationCube) {
            return java.util.OptionalInt.of(3);
        }
        return java.util.OptionalInt.empty();
    }

    /**
     * Activations that are linear between kinks (phi'' = 0 almost everywhere): two units with equal
     * incoming weights then cancel exactly, not at second order, on every sample that stays
     * away from the kinks, so the duplicate-unit law (a quartic through phi'') does not apply.
     */
    public static boolean isPiecewiseLinear(IActivation a) {
        return a instanceof ActivationReLU || a instanceof ActivationLReLU || a instanceof ActivationHardTanH
                || a instanceof ActivationIdentity || a instanceof org.nd4j.linalg.activations.impl.ActivationHardSigmoid
                || a instanceof org.nd4j.linalg.activations.impl.ActivationReLU6
                || a instanceof org.nd4j.linalg.activations.impl.ActivationRReLU
                || a instanceof org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
    }

    private static boolean isPlainRelu(IActivation a) {
        if (!(a instanceof ActivationReLU relu)) {
            return false;
        }
        // ReLU with a cap or a non-zero threshold is not homogeneous; a negative slope keeps it so.
        return relu.getMax() == null && (relu.getThreshold() == null || relu.getThreshold() == 0.0);
    }
}
