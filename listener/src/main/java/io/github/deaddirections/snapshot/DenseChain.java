package io.github.deaddirections.snapshot;

import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationCube;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A multilayer network of plain dense layers evaluated directly in Java, in float64, with the
 * same formulas DL4J uses at inference ({@code act(x W + b)}, dropout off).
 *
 * <p>Why: a read makes thousands of forward passes of the same small network. Through ND4J each
 * pass allocates a few native buffers per layer, and every native buffer goes through JavaCPP's
 * global bookkeeping (a phantom reference and a class-wide lock), which the training thread next
 * to the read must take too; the garbage collector then stops training to process them. Here a
 * pass allocates only short-lived Java arrays and never touches ND4J. Networks with any other
 * layer, activation, pre-processor or weight noise are left to DL4J itself (see {@link #of}).
 * Full passes of large layers are also left to DL4J, whose BLAS beats a Java loop once a pass is
 * big enough that the per-op overhead no longer matters ({@link #cheap()}); passes near theta-hat
 * that touch few units go through {@link IncrementalPass} whatever the size.
 */
final class DenseChain {

    /** Above this many multiply-adds per pass ND4J's BLAS is faster than the plain loop. */
    static final long MAX_MULTIPLY_ADDS = 4_000_000L;

    private final List<Step> steps;
    private final double[][] probe;
    /** Multiply-adds of one sample. */
    private final long multiplyAdds;

    private DenseChain(List<Step> steps, double[][] probe, long multiplyAdds) {
        this.steps = steps;
        this.probe = probe;
        this.multiplyAdds = multiplyAdds;
    }

    /** Multiply-adds of one full pass over the probe (its input). */
    long multiplyAdds() {
        return probe == null ? 0 : multiplyAdds * probe.length;
    }

    /** Whether a full pass in Java is at least as fast as DL4J's. */
    boolean cheap() {
        return multiplyAdds() <= MAX_MULTIPLY_ADDS;
    }

    /** The layers in order; null for a layer that is the identity at inference (dropout). */
    List<Step> steps() {
        return steps;
    }

    double[][] probe() {
        return probe;
    }

    /** The chain for these layers, or empty when any layer is not a plain dense layer. */
    static Optional<DenseChain> of(List<LayerInfo> layers, ParameterLayout layout, INDArray probe) {
        if (probe.rank() != 2 || layers.get(0).preProcessor() != null) {
            return Optional.empty();
        }
        return steps(layers, layout, probe.size(1)).map(s -> new DenseChain(s, ForwardModel.rows(probe), perSample(s)));
    }

    /**
     * The dense head of a network whose lower layers are not dense (a CNN's classifier): the
     * longest run of plain dense layers that ends at the output, as a chain without input yet
     * ({@link #on} gives it the head's input at theta-hat). Empty when the network has no such
     * head, or when it is a dense chain throughout (then {@link #of} applies).
     *
     * @return the position of the head's first layer and its chain
     */
    static Optional<Head> head(List<LayerInfo> layers, ParameterLayout layout) {
        for (int start = 1; start < layers.size(); start++) {
            List<LayerInfo> rest = layers.subList(start, layers.size());
            if (rest.stream().skip(1).anyMatch(l -> l.preProcessor() != null)) {
                continue;
            }
            long width = inputWidth(rest.get(0), layout);
            if (width <= 0) {
                continue;
            }
            Optional<List<Step>> steps = steps(rest, layout, width);
            if (steps.isPresent() && steps.get().stream().anyMatch(java.util.Objects::nonNull)) {
                return Optional.of(new Head(start, new DenseChain(steps.get(), null, perSample(steps.get()))));
            }
        }
        return Optional.empty();
    }

    /** A dense head: the chain of the layers from position {@code start} to the output. */
    record Head(int start, DenseChain chain) {
    }

    /** The same layers evaluated on another input (rows = samples), such as a head's input at theta-hat. */
    DenseChain on(double[][] input) {
        return new DenseChain(steps, input, multiplyAdds);
    }

    private static long inputWidth(LayerInfo first, ParameterLayout layout) {
        return layout.block(first.name(), "W").filter(w -> w.shape().length == 2).map(w -> w.dim(0)).orElse(-1L);
    }

    /** Multiply-adds of one sample through these steps. */
    private static long perSample(List<Step> steps) {
        return steps.stream().filter(java.util.Objects::nonNull).mapToLong(s -> (long) s.in() * s.out()).sum();
    }

    /** The layers as steps, or empty when any is not a plain dense layer of the given input width. */
    private static Optional<List<Step>> steps(List<LayerInfo> layers, ParameterLayout layout, long width) {
        List<Step> steps = new ArrayList<>();
        for (int k = 0; k < layers.size(); k++) {
            LayerInfo layer = layers.get(k);
            if (k > 0 && layer.preProcessor() != null) {
                return Optional.empty();
            }
            if (layer.conf() instanceof DropoutLayer) {
                steps.add(null); // identity at inference
                continue;
            }
            if (layer.conf().getClass() != DenseLayer.class && layer.conf().getClass() != OutputLayer.class) {
                return Optional.empty();
            }
            BaseLayer conf = (BaseLayer) layer.conf();
            if (conf.getWeightNoise() != null || (conf instanceof DenseLayer d && d.hasLayerNorm())) {
                return Optional.empty();
            }
            Optional<Activation> activation = Activation.of(conf.getActivationFn());
            Optional<ParameterBlock> w = layout.block(layer.name(), "W");
            Optional<ParameterBlock> b = layout.block(layer.name(), "b");
            if (activation.isEmpty() || w.isEmpty() || w.get().shape().length != 2 || w.get().dim(0) != width
                    || layout.blocksOf(layer.name()).size() != (b.isPresent() ? 2 : 1)) {
                return Optional.empty();
            }
            width = w.get().dim(1);
            steps.add(Step.of(w.get(), b.orElse(null), activation.get()));
        }
        return Optional.of(steps);
    }

    /** Output at theta, one row per probe sample. */
    double[][] output(double[] theta) {
        double[][] x = probe;
        for (Step s : steps) {
            if (s != null) {
                x = activate(s, s.apply(theta, x));
            }
        }
        return x;
    }

    /** act(z), row by row, in place; returns z. */
    static double[][] activate(Step s, double[][] z) {
        for (double[] row : z) {
            s.activation().applyInPlace(row);
        }
        return z;
    }

    /** One dense layer: {@code act(x W + b)}; {@code weightIndex[i * out + o]} is W[i, o]'s place in theta. */
    record Step(int in, int out, int[] weightIndex, int[] biasIndex, Activation activation) {

        static Step of(ParameterBlock weights, ParameterBlock bias, Activation activation) {
            int in = (int) weights.dim(0);
            int out = (int) weights.dim(1);
            int[] w = new int[in * out];
            for (int i = 0; i < in; i++) {
                for (int o = 0; o < out; o++) {
                    w[i * out + o] = weights.index(i, o);
                }
            }
            return new Step(in, out, w, bias == null ? null : bias.flatIndex().clone(), activation);
        }

        double bias(double[] theta, int o) {
            return biasIndex == null ? 0.0 : theta[biasIndex[o]];
        }

        double[][] apply(double[] theta, double[][] x) {
            double[] w = new double[in * out];
            for (int k = 0; k < w.length; k++) {
                w[k] = theta[weightIndex[k]];
            }
            double[] b = new double[out];
            for (int o = 0; o < out; o++) {
                b[o] = bias(theta, o);
            }
            double[][] z = new double[x.length][];
            for (int n = 0; n < x.length; n++) {
                double[] row = b.clone();
                double[] xn = x[n];
                for (int i = 0; i < in; i++) {
                    double v = xn[i];
                    if (v == 0) {
                        continue;
                    }
                    int base = i * out;
                    for (int o = 0; o < out; o++) {
                        row[o] += v * w[base + o];
                    }
                }
                z[n] = row;
            }
            return z;
        }
    }

    /**
     * The activations this chain evaluates, with DL4J's definitions ({@code alpha}: the leak, the
     * threshold or the floor). Some of libnd4j's kernels take their constants in float32 (the
     * hard sigmoid's 0.2, GELU's 1.702, the rational tanh's 1.7159 and 1.41645): those are used as
     * the same float32 values, so the chain agrees with DL4J to rounding ({@code DenseChainTest}).
     */
    record Activation(Kind kind, double alpha) {

        enum Kind {
            IDENTITY, RELU, LEAKY_RELU, ELU, TANH, SIGMOID, SOFTSIGN, CUBE, SWISH, SOFTMAX, SOFTPLUS, HARD_SIGMOID,
            HARD_TANH, RELU6, SELU, GELU, MISH, RATIONAL_TANH, RECTIFIED_TANH, THRESHOLDED_RELU, FLOORED
        }

        private static final double SELU_SCALE = 1.0507009873554804934193349852946;
        private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
        private static final double HARD_SIGMOID_SLOPE = 0.2f;
        private static final double GELU_SIGMOID = 1.702f;
        private static final double RATIONAL_TANH_GAIN = 1.7159f;
        private static final double RATIONAL_TANH_QUARTIC = 1.41645f;

        /** Softmax mixes a row: a change in one column changes them all. */
        boolean rowWise() {
            return kind == Kind.SOFTMAX;
        }

        static Optional<Activation> of(IActivation a) {
            if (a instanceof ActivationReLU r) {
                // The plain ReLU only; the capped / thresholded / leaky variants go to DL4J.
                boolean plain = (r.getMax() == null || r.getMax() == 0) && (r.getThreshold() == null || r.getThreshold() == 0)
                        && (r.getNegativeSlope() == null || r.getNegativeSlope() == 0);
                return plain ? Optional.of(new Activation(Kind.RELU, 0)) : Optional.empty();
            }
            if (a instanceof ActivationLReLU l) {
                return Optional.of(new Activation(Kind.LEAKY_RELU, l.getAlpha()));
            }
            if (a instanceof ActivationELU e) {
                return Optional.of(new Activation(Kind.ELU, e.getAlpha()));
            }
            if (a instanceof org.nd4j.linalg.activations.impl.ActivationThresholdedReLU t) {
                return Optional.of(new Activation(Kind.THRESHOLDED_RELU, t.getTheta()));
            }
            if (a instanceof org.nd4j.linalg.activations.impl.ActivationRReLU r) {
                // At inference DL4J M2.1 computes max(x, (l + u) / 2) (RectifiedLinear with that cutoff).
                return Optional.of(new Activation(Kind.FLOORED, 0.5 * (r.getL() + r.getU())));
            }
            if (a instanceof org.nd4j.linalg.activations.impl.ActivationGELU g) {
                return g.isPrecise() ? Optional.empty() : Optional.of(new Activation(Kind.GELU, 0));
            }
            Kind kind = a instanceof ActivationIdentity ? Kind.IDENTITY
                    : a instanceof ActivationTanH ? Kind.TANH
                    : a instanceof ActivationSigmoid ? Kind.SIGMOID
                    : a instanceof ActivationSoftSign ? Kind.SOFTSIGN
                    : a instanceof ActivationCube ? Kind.CUBE
                    : a instanceof ActivationSwish ? Kind.SWISH
                    : a instanceof ActivationSoftmax ? Kind.SOFTMAX
                    : a instanceof org.nd4j.linalg.activations.impl.ActivationSoftPlus ? Kind.SOFTPLUS
                    : a instanceof org.nd4j.linalg.activations.impl.ActivationHardSigmoid ? Kind.HARD_SIGMOID
                    : a instanceof org.nd4j.linalg.activations.impl.ActivationHardTanH ? Kind.HARD_TANH
                    : a instanceof org.nd4j.linalg.activations.impl.ActivationReLU6 ? Kind.RELU6
                    : a instanceof org.nd4j.linalg.activations.impl.ActivationSELU ? Kind.SELU
                    : a instanceof org.nd4j.linalg.activations.impl.ActivationMish ? Kind.MISH
                    : a instanceof org.nd4j.linalg.activations.impl.ActivationRationalTanh ? Kind.RATIONAL_TANH
                    : a instanceof org.nd4j.linalg.activations.impl.ActivationRectifiedTanh ? Kind.RECTIFIED_TANH
                    : null;
            return kind == null ? Optional.empty() : Optional.of(new Activation(kind, 0));
        }

        void applyInPlace(double[] z) {
            if (kind == Kind.SOFTMAX) {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (int i = 0; i < z.length; i++) {
                    z[i] = Math.exp(z[i] - max);
                    sum += z[i];
                }
                for (int i = 0; i < z.length; i++) {
                    z[i] /= sum;
                }
                return;
            }
            for (int i = 0; i < z.length; i++) {
                z[i] = apply(z[i]);
            }
        }

        /** The elementwise activations at one value. */
        double apply(double x) {
            return switch (kind) {
                case IDENTITY -> x;
                case RELU -> x > 0 ? x : 0.0;
                case LEAKY_RELU -> x >= 0 ? x : alpha * x;
                case ELU -> x >= 0 ? x : alpha * Math.expm1(x);
                case TANH -> Math.tanh(x);
                case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
                case SOFTSIGN -> x / (1.0 + Math.abs(x));
                case CUBE -> x * x * x;
                case SWISH -> x / (1.0 + Math.exp(-x));
                case SOFTPLUS -> softplus(x);
                case HARD_SIGMOID -> Math.min(1.0, Math.max(0.0, HARD_SIGMOID_SLOPE * x + 0.5));
                case HARD_TANH -> Math.min(1.0, Math.max(-1.0, x));
                case RELU6 -> Math.min(6.0, Math.max(0.0, x));
                case SELU -> SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
                case GELU -> x / (1.0 + Math.exp(-GELU_SIGMOID * x));
                case MISH -> x * Math.tanh(softplus(x));
                case RATIONAL_TANH -> rationalTanh(x);
                case RECTIFIED_TANH -> Math.max(0.0, Math.tanh(x));
                case THRESHOLDED_RELU -> x > alpha ? x : 0.0;
                case FLOORED -> Math.max(x, alpha);
                case SOFTMAX -> throw new IllegalStateException("softmax acts on a whole row");
            };
        }

        /** log(1 + e^x) without overflow. */
        private static double softplus(double x) {
            return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
        }

        /** 1.7159 tanh(2x/3), tanh by the rational approximation sgn(y) (1 - 1/(1 + |y| + y^2 + 1.41645 y^4)). */
        private static double rationalTanh(double x) {
            double y = x * (2.0 / 3.0);
            double y2 = y * y;
            return RATIONAL_TANH_GAIN * Math.signum(y) * (1 - 1 / (1 + Math.abs(y) + y2 + RATIONAL_TANH_QUARTIC * y2 * y2));
        }
    }
}
