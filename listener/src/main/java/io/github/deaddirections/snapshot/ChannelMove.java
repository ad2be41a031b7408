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
 * which is linear in the move, so only |S| of the layer's output channels are convolved (METHOD 7,
 * cache what lies below the change, taken down to the channels). A bias-only move needs no
 * convolution at all. The layers above then run from the layer's new output.
 *
 * <p>Why: the K-FAC output-null detector (METHOD 4) takes four stencil passes per output channel
 * of a layer (its bias block) and, per null vector g, per kernel entry (the kernel lifts
 * {@code g a'}). On a CNN that is hundreds of passes per convolution, each of which moves the few
 * channels g lives on; recomputing the whole convolution for them made a read of a 1e6-parameter
 * CNN cost hours.
 *
 * <p>The delta goes through DL4J's own layer (a copy of the layer's configuration with |S|
 * outputs and the identity activation), so padding, stride, dilation and convolution mode are
 * DL4J's. Channels outside S are the cached values bit for bit. Applies to plain dense layers and
 * 2-d convolutions in NCHW with a bias and an elementwise activation, without weight noise.
 * Memory: the layer's input, its pre-activation and one scratch array of that shape, O(N x width).
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
    private final INDArray input;
    private final INDArray preActivation;
    private final INDArray scratch;
    private final IActivation activation;
    private final NeuralNetConfiguration conf;
    /** Per number of moved channels, the layer with that many outputs that computes the delta. */
    private final Map<Integer, MultiLayerNetwork> deltaLayers = new HashMap<>();
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
        this.preActivation = preActivation;
        this.scratch = preActivation.dup();
        this.activation = activation;
        this.conf = conf;
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

    /** A layer's output after a change of a few channels, and which channels changed (null: all). */
    record Changed(INDArray output, int[] channels) {
    }

    /**
     * The layer's output at theta, or null when theta moves anything else from this layer on, or
     * too many of its channels (the caller guarantees nothing below moved). The array is reused
     * by the next call.
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
        boolean kernelMoved = false;
        for (int c = 0; c < channels; c++) {
            boolean m = theta[places.bias()[c]] != anchor[places.bias()[c]];
            for (int i : places.weights()[c]) {
                if (theta[i] != anchor[i]) {
                    m = true;
                    kernelMoved = true;
                    break;
                }
            }
            if (m) {
                moved[count++] = c;
            }
        }
        if (count == 0 || count > Math.max(1, MAX_MOVED_SHARE * channels)) {
            return null;
        }
        moved = Arrays.copyOf(moved, count);
        scratch.assign(preActivation);
        if (kernelMoved) {
            INDArray delta = delta(theta, anchor, moved);
            for (int j = 0; j < moved.length; j++) {
                scratch.get(channel(moved[j])).addi(delta.get(channel(j)));
            }
        } else {
            for (int c : moved) {
                scratch.get(channel(c)).addi(theta[places.bias()[c]] - anchor[places.bias()[c]]);
            }
        }
        return new Changed(activation.getActivation(scratch, false), moved);
    }

    /**
     * The output of this (unmoved) convolution on an input x that differs from the cached one only
     * in the given input channels: {@code z + conv(delta x[:, S], W[:, S])}, a convolution with
     * |S| input channels (linear in the input, zero padding included). Every output channel
     * changes. Null for a dense layer or when too many channels changed. The array is reused.
     *
     * @param theta the parameters, equal to theta-hat on this layer
     */
    INDArray outputOn(INDArray x, int[] channels, double[] theta) {
        long inChannels = input.size(1);
        if (places.channelAxis() != 0 || channels.length > Math.max(1, MAX_MOVED_SHARE * inChannels)) {
            return null;
        }
        long[] shape = input.shape().clone();
        shape[1] = channels.length;
        INDArray dx = Nd4j.create(input.dataType(), shape);
        for (int j = 0; j < channels.length; j++) {
            dx.get(channel(j)).assign(x.get(channel(channels[j]))).subi(input.get(channel(channels[j])));
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
        scratch.assign(preActivation).addi(layer.output(dx, false));
        return activation.getActivation(scratch, false);
    }

    /** conv(x, delta W[S]) + delta b[S] by DL4J's layer with |S| outputs, channels in the order of S. */
    private INDArray delta(double[] theta, double[] anchor, int[] moved) {
        MultiLayerNetwork layer = deltaLayers.computeIfAbsent(moved.length, this::deltaLayer);
        int perChannel = places.weights()[0].length;
        double[] w = new double[moved.length * perChannel];
        double[] b = new double[moved.length];
        for (int j = 0; j < moved.length; j++) {
            int[] wc = places.weights()[moved[j]];
            for (int k = 0; k < perChannel; k++) {
                double d = theta[wc[k]] - anchor[wc[k]];
                // Row-major in the sub-layer's own shape: conv [S, in, kh, kw]; dense [in, S].
                w[places.channelAxis() == 0 ? j * perChannel + k : k * moved.length + j] = d;
            }
            int bc = places.bias()[moved[j]];
            b[j] = theta[bc] - anchor[bc];
        }
        long[] shape = places.shape().clone();
        shape[places.channelAxis()] = moved.length;
        org.deeplearning4j.nn.api.Layer l = layer.getLayer(0);
        l.getParam("W").assign(Nd4j.createFromArray(w).reshape('c', shape));
        INDArray bias = l.getParam("b");
        bias.assign(Nd4j.createFromArray(b).reshape(bias.shape()));
        return layer.output(input, false);
    }

    private MultiLayerNetwork deltaLayer(int outputs) {
        return linearCopy(((FeedForwardLayer) conf.getLayer()).getNIn(), outputs);
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
