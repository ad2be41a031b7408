package io.github.deaddirections.snapshot;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A pass whose parameters differ from theta-hat only in one layer's bias: the layer's output is
 * {@code act(z + delta b)} from its pre-activation z cached at theta-hat, so the layer itself is
 * not recomputed, only the layers above it (METHOD 7, cache what lies below the change).
 *
 * <p>Why: the K-FAC output-null detector (METHOD 4) finds the Fisher block of a layer's bias by
 * four stencil passes per output channel. On a CNN those are hundreds of passes per convolution,
 * and a convolution is most of a pass's cost; moving only the bias needs none of it.
 *
 * <p>Applies to plain dense layers and 2-d convolutions in NCHW (the bias adds to channel axis 1)
 * with an elementwise activation and no weight noise. Holds z and one scratch array of its shape:
 * O(N x width) memory.
 */
final class BiasMove {

    /** The bias's place in theta, per output unit or channel, and the same sorted. */
    private final int[] bias;
    private final int[] sortedBias;
    /** Parameter range of this layer and everything above it: [from, to). */
    private final int from;
    private final int to;
    private final INDArray preActivation;
    private final INDArray scratch;
    private final IActivation activation;

    BiasMove(int[] bias, int from, int to, INDArray preActivation, IActivation activation) {
        this.bias = bias.clone();
        this.sortedBias = bias.clone();
        java.util.Arrays.sort(sortedBias);
        this.from = from;
        this.to = to;
        this.preActivation = preActivation;
        this.scratch = preActivation.dup();
        this.activation = activation;
    }

    /** Whether a bias-only move of a layer with this configuration can be taken from its pre-activation. */
    static boolean applies(Layer conf) {
        if (!(conf instanceof BaseLayer base) || base.getWeightNoise() != null) {
            return false;
        }
        boolean shape = (conf.getClass() == DenseLayer.class && !((DenseLayer) conf).hasLayerNorm())
                || (conf.getClass() == ConvolutionLayer.class && ((ConvolutionLayer) conf).hasBias()
                && ((ConvolutionLayer) conf).getCnn2dDataFormat() == CNN2DFormat.NCHW);
        return shape && DenseChain.Activation.of(base.getActivationFn()).filter(a -> !a.rowWise()).isPresent();
    }

    /**
     * The layer's output at theta, or null when theta moves anything but this layer's bias from
     * this layer on (the caller guarantees nothing below moved). The array is reused by the next call.
     */
    INDArray output(double[] theta, double[] anchor) {
        for (int i = from; i < to; i++) {
            if (theta[i] != anchor[i] && java.util.Arrays.binarySearch(sortedBias, i) < 0) {
                return null;
            }
        }
        double[] delta = new double[bias.length];
        boolean moved = false;
        for (int c = 0; c < bias.length; c++) {
            delta[c] = theta[bias[c]] - anchor[bias[c]];
            moved |= delta[c] != 0;
        }
        if (!moved) {
            return null;
        }
        scratch.assign(preActivation);
        INDArray shift = Nd4j.createFromArray(delta).castTo(scratch.dataType());
        Nd4j.getExecutioner().exec(new BroadcastAddOp(scratch, shift, scratch, 1));
        return activation.getActivation(scratch, false);
    }
}
