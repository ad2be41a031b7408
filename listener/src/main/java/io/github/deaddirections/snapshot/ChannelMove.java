package io.github.deaddirections.snapshot;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A pass whose parameters differ from theta-hat only in a few output channels of one layer
 * (their kernel and bias; units of a dense layer): the layer's pre-activation is the one cached
 * at theta-hat, with the moved channels changed by
 * <pre>
 *   delta z[:, S] = conv(x, delta W[S]) + delta b[S]      (x W for a dense layer)
 * </pre>
 * which is linear in the move, so only |S| of the layer's output channels are recomputed (METHOD 7,
 * cache what lies below the change, taken down to the channels). The layers above then run from
 * the layer's new output ({@link #outputOn} takes such a change through the next convolution).
 *
 * <p>Why: the K-FAC output-null detector (METHOD 4) takes four stencil passes per output channel
 * of a layer (its bias block) and, per null vector g, per kernel entry (the kernel lifts
 * {@code g a'}). On a CNN that is hundreds of passes per convolution, each of which moves the few
 * channels g lives on; recomputing the whole convolution for them made a read of a 1e6-parameter
 * CNN cost hours.
 *
 * <p>A stencil of the output-null detector moves one kernel entry, so the delta of a channel is
 * computed in Java, entry by entry, over the input that entry reads (DL4J's geometry: kernel,
 * stride, dilation, padding of its convolution mode): N outH outW multiply-adds per entry, where
 * DL4J's convolution would unfold the whole input (im2col) for one channel. The result is the
 * moved channels' new activations alone ({@link Changed}): every other channel is the layer's
 * output at theta-hat, so nothing of the layer's size is copied per pass. Applies to plain dense layers and 2-d convolutions in NCHW with a bias and an
 * elementwise activation, without weight noise. Memory: the layer's input and pre-activation at
 * theta-hat (and a scratch for {@link #outputOn}), O(N x width).
 */
final class ChannelMove {

    /** Beyond this share of a layer's channels the delta costs about as much as the layer: run DL4J. */
    private static final double MAX_MOVED_SHARE = 0.5;

    private final Places places;
    /** Parameter range of this layer and everything above it: [from, to). */
    private final int from;
    private final int to;
    /** This layer's parameters, sorted: a move elsewhere from this layer on is not this class's. */
    private final int[] own;
    /** The layer's input (after its pre-processor) at theta-hat, and the same as Java values (row-major). */
    private final INDArray input;
    private final double[] inputValues;
    private final INDArray preActivation;
    /** For {@link #outputOn}, built on first use. */
    private INDArray scratch;
    private final IActivation activation;
    private final NeuralNetConfiguration conf;
    /** A convolution's geometry (null for a dense layer). */
    private final Window window;
    /** Per number of changed input channels, the layer with that many inputs (and no bias change). */
    private final Map<Integer, MultiLayerNetwork> inputDeltaLayers = new HashMap<>();

    /**
     * Where one layer's moving parameters sit in theta.
     *
     * @param bias    per output channel, its bias's place
     * @param weights per output channel, its incoming weights' places in the row-major order of the
     *                layer's weight array restricted to that channel (conv: [in, kh, kw]; dense: [in])
     * @param shape   the layer's weight shape as DL4J holds it
     * @param channelAxis the weight axis of the output channels (conv 0, dense 1)
     */
    record Places(int[] bias, int[][] weights, long[] shape, int channelAxis) {

        /** The places of a layer whose channel moves this class can take, else empty. */
        static Optional<Places> of(LayerInfo layer, ParameterLayout layout) {
            if (!applies(layer.conf())) {
                return Optional.empty();
            }
            Optional<ParameterBlock> w = layout.block(layer.name(), "W");
            Optional<ParameterBlock> b = layout.block(layer.name(), "b");
            if (w.isEmpty() || b.isEmpty()) {
                return Optional.empty();
            }
            ParameterBlock weights = w.get();
            boolean conv = weights.shape().length == 4;
            int axis = conv ? 0 : 1;
            int channels = (int) weights.dim(axis);
            int perChannel = weights.size() / channels;
            int[][] places = new int[channels][perChannel];
            for (int c = 0; c < channels; c++) {
                for (int k = 0; k < perChannel; k++) {
                    // conv [out, in, kh, kw]: channel c is a contiguous block; dense [in, out]: a column.
                    places[c][k] = weights.flatIndex()[conv ? c * perChannel + k : k * channels + c];
                }
            }
            return Optional.of(new Places(b.get().flatIndex(), places, weights.shape(), axis));
        }

        int channels() {
            return bias.length;
        }
    }

    ChannelMove(Places places, int from, int to, INDArray input, INDArray preActivation, IActivation activation,
                NeuralNetConfiguration conf) {
        this.places = places;
        this.from = from;
        this.to = to;
        this.input = input;
        this.inputValues = input.dup('c').data().asDouble();
        this.preActivation = preActivation;
        this.activation = activation;
        this.conf = conf;
        this.window = places.channelAxis() == 0 ? Window.of((ConvolutionLayer) conf.getLayer(), input, preActivation) : null;
        int perChannel = places.weights()[0].length;
        this.own = new int[places.channels() * (perChannel + 1)];
        int k = 0;
        for (int c = 0; c < places.channels(); c++) {
            own[k++] = places.bias()[c];
            for (int i : places.weights()[c]) {
                own[k++] = i;
            }
        }
        Arrays.sort(own);
    }

    /**
     * Where a convolution's kernel entry reads its input: output (oy, ox) with kernel offset
     * (ky, kx) reads input (oy sy + ky dy - py, ox sx + kx dx - px), zero outside (DL4J's im2col).
     */
    private record Window(int kh, int kw, int sy, int sx, int dy, int dx, int py, int px, int inH, int inW, int outH,
                          int outW) {

        static Window of(ConvolutionLayer conf, INDArray input, INDArray preActivation) {
            int[] kernel = conf.getKernelSize();
            int[] stride = conf.getStride();
            int[] dilation = conf.getDilation();
            int[] in = {(int) input.size(2), (int) input.size(3)};
            int[] out = {(int) preActivation.size(2), (int) preActivation.size(3)};
            int[] pad = conf.getConvolutionMode() == org.deeplearning4j.nn.conf.ConvolutionMode.Same
                    ? org.deeplearning4j.util.ConvolutionUtils.getSameModeTopLeftPadding(out, in, kernel, stride, dilation)
                    : conf.getPadding();
            return new Window(kernel[0], kernel[1], stride[0], stride[1], dilation[0], dilation[1], pad[0], pad[1],
                    in[0], in[1], out[0], out[1]);
        }
    }

    /** Whether channel moves of a layer with this configuration can be taken from its cached pre-activation. */
    static boolean applies(Layer conf) {
        if (!(conf instanceof BaseLayer base) || base.getWeightNoise() != null) {
            return false;
        }
        boolean shape = (conf.getClass() == DenseLayer.class && !((DenseLayer) conf).hasLayerNorm()
                && ((DenseLayer) conf).hasBias())
                || (conf.getClass() == ConvolutionLayer.class && ((ConvolutionLayer) conf).hasBias()
                && ((ConvolutionLayer) conf).getCnn2dDataFormat() == CNN2DFormat.NCHW);
        return shape && DenseChain.Activation.of(base.getActivationFn()).filter(a -> !a.rowWise()).isPresent();
    }

    /**
     * A layer's output that differs from its output at theta-hat only in a few channels: their
     * indices (ascending) and their new values, [N, |S|, H, W] (dense: [N, |S|]).
     */
    record Changed(int[] channels, INDArray values) {
    }

    /**
     * The layer's output at theta as a change of the moved channels, or null when theta moves
     * anything else from this layer on, or too many of its channels (the caller guarantees
     * nothing below moved).
     */
    Changed output(double[] theta, double[] anchor) {
        for (int i = from; i < to; i++) {
            if (theta[i] != anchor[i] && Arrays.binarySearch(own, i) < 0) {
                return null;
            }
        }
        int channels = places.channels();
        int[] moved = new int[channels];
        int count = 0;
        for (int c = 0; c < channels; c++) {
            boolean m = theta[places.bias()[c]] != anchor[places.bias()[c]];
            for (int i : places.weights()[c]) {
                if (m) {
                    break;
                }
                m = theta[i] != anchor[i];
            }
            if (m) {
                moved[count++] = c;
            }
        }
        if (count == 0 || count > Math.max(1, MAX_MOVED_SHARE * channels)) {
            return null;
        }
        moved = Arrays.copyOf(moved, count);
        long[] shape = preActivation.shape().clone();
        shape[1] = count;
        INDArray values = Nd4j.create(preActivation.dataType(), shape);
        for (int j = 0; j < count; j++) {
            INDArray z = preActivation.get(channel(moved[j])).dup('c');
            z.addi(Nd4j.createFromArray(delta(theta, anchor, moved[j])).reshape('c', z.shape()));
            values.get(channel(j)).assign(activation.getActivation(z, false));
        }
        return new Changed(moved, values);
    }

    /**
     * delta z of one output channel, row-major [N, outH, outW] (dense: [N]): the bias change plus,
     * per kernel entry that moved, that entry's change times the input it reads. A stencil moves
     * one entry, so it costs N outH outW instead of a convolution.
     */
    private double[] delta(double[] theta, double[] anchor, int c) {
        int samples = (int) preActivation.size(0);
        int plane = window == null ? 1 : window.outH() * window.outW();
        double[] dz = new double[samples * plane];
        Arrays.fill(dz, theta[places.bias()[c]] - anchor[places.bias()[c]]);
        int[] w = places.weights()[c];
        int perSample = inputValues.length / samples;
        for (int e = 0; e < w.length; e++) {
            double d = theta[w[e]] - anchor[w[e]];
            if (d == 0) {
                continue;
            }
            if (window == null) {
                for (int n = 0; n < samples; n++) {
                    dz[n] += d * inputValues[n * perSample + e]; // dense: entry e is input unit e
                }
                continue;
            }
            Window g = window;
            int i = e / (g.kh() * g.kw());
            int ky = (e / g.kw()) % g.kh();
            int kx = e % g.kw();
            for (int n = 0; n < samples; n++) {
                int base = n * perSample + i * g.inH() * g.inW();
                for (int oy = 0; oy < g.outH(); oy++) {
                    int iy = oy * g.sy() + ky * g.dy() - g.py();
                    if (iy < 0 || iy >= g.inH()) {
                        continue;
                    }
                    int row = base + iy * g.inW();
                    int o = (n * g.outH() + oy) * g.outW();
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int ix = ox * g.sx() + kx * g.dx() - g.px();
                        if (ix >= 0 && ix < g.inW()) {
                            dz[o + ox] += d * inputValues[row + ix];
                        }
                    }
                }
            }
        }
        return dz;
    }

    /**
     * The output of this (unmoved) convolution on an input that differs from the cached one only
     * in a few input channels: {@code z + conv(delta x[:, S], W[:, S])}, a convolution with |S|
     * input channels (linear in the input, zero padding included). Every output channel changes.
     * Null for a dense layer or when too many channels changed. The array is reused.
     *
     * @param change the input's changed channels and their values
     * @param theta  the parameters, equal to theta-hat on this layer
     */
    INDArray outputOn(Changed change, double[] theta) {
        int[] channels = change.channels();
        long inChannels = input.size(1);
        if (places.channelAxis() != 0 || channels.length > Math.max(1, MAX_MOVED_SHARE * inChannels)) {
            return null;
        }
        INDArray dx = change.values().dup('c');
        for (int j = 0; j < channels.length; j++) {
            dx.get(channel(j)).subi(input.get(channel(channels[j])));
        }
        MultiLayerNetwork layer = inputDeltaLayers.computeIfAbsent(channels.length, this::inputDeltaLayer);
        int out = places.channels();
        int window = places.weights()[0].length / (int) inChannels;
        double[] w = new double[out * channels.length * window];
        int k = 0;
        for (int c = 0; c < out; c++) {
            int[] wc = places.weights()[c];
            for (int s : channels) {
                for (int e = 0; e < window; e++) {
                    w[k++] = theta[wc[s * window + e]];
                }
            }
        }
        long[] wShape = places.shape().clone();
        wShape[1] = channels.length;
        layer.getLayer(0).getParam("W").assign(Nd4j.createFromArray(w).reshape('c', wShape));
        if (scratch == null) {
            scratch = preActivation.dup();
        }
        scratch.assign(preActivation).addi(layer.output(dx, false));
        return activation.getActivation(scratch, false);
    }

    /** The layer with this many input channels, all outputs, the identity activation and zero bias. */
    private MultiLayerNetwork inputDeltaLayer(int inputs) {
        MultiLayerNetwork net = linearCopy(inputs, places.channels());
        net.getLayer(0).getParam("b").assign(0);
        return net;
    }

    /** A copy of this layer's configuration with other widths and the identity activation. */
    private MultiLayerNetwork linearCopy(long inputs, long outputs) {
        NeuralNetConfiguration nnc = conf.clone();
        ((FeedForwardLayer) nnc.getLayer()).setNIn(inputs);
        ((FeedForwardLayer) nnc.getLayer()).setNOut(outputs);
        ((BaseLayer) nnc.getLayer()).setActivationFn(new ActivationIdentity());
        MultiLayerConfiguration one = new MultiLayerConfiguration.Builder().confs(java.util.List.of(nnc))
                .dataType(preActivation.dataType()).inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .validateOutputLayerConfig(false).build();
        MultiLayerNetwork net = new MultiLayerNetwork(one);
        net.init();
        return net;
    }

    /** Index of one output channel: axis 1 of both [N, C, H, W] and [N, units]. */
    private INDArrayIndex[] channel(int c) {
        INDArrayIndex[] idx = new INDArrayIndex[preActivation.rank()];
        Arrays.fill(idx, NDArrayIndex.all());
        idx[1] = NDArrayIndex.point(c);
        return idx;
    }
}
