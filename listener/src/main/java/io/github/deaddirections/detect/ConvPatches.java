package io.github.deaddirections.detect;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Optional;

/**
 * The activation matrix of a convolution (the K-FAC A side for conv, METHOD 4): one row per
 * (sample, output position), the receptive field it reads (im2col), in the order of DL4J's
 * kernel [nOut, nIn, kH, kW] so that {@code z[c_out, pos] = row(pos) . W[c_out] + b[c_out]}.
 * Supported: NCHW, Truncate or Strict mode with explicit padding, stride and dilation (padded
 * entries read 0). Same and Causal modes pad by a rule of DL4J's own and are refused.
 */
final class ConvPatches {

    private final int kH;
    private final int kW;
    private final int sH;
    private final int sW;
    private final int pH;
    private final int pW;
    private final int dH;
    private final int dW;

    private ConvPatches(int[] kernel, int[] stride, int[] padding, int[] dilation) {
        this.kH = kernel[0];
        this.kW = kernel[1];
        this.sH = stride[0];
        this.sW = stride[1];
        this.pH = padding[0];
        this.pW = padding[1];
        this.dH = dilation[0];
        this.dW = dilation[1];
    }

    /** The patch geometry of a layer, or the reason it is not supported. */
    static Optional<ConvPatches> of(ConvolutionLayer conv, StringBuilder whyNot) {
        ConvolutionMode mode = conv.getConvolutionMode();
        if (mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Strict) {
            whyNot.append("convolution mode ").append(mode).append(" (supported: Truncate, Strict)");
            return Optional.empty();
        }
        if (conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
            whyNot.append("data format ").append(conv.getCnn2dDataFormat()).append(" (supported: NCHW)");
            return Optional.empty();
        }
        return Optional.of(new ConvPatches(conv.getKernelSize(), conv.getStride(), conv.getPadding(), conv.getDilation()));
    }

    int outHeight(long h) {
        return (int) ((h + 2L * pH - (long) dH * (kH - 1) - 1) / sH + 1);
    }

    int outWidth(long w) {
        return (int) ((w + 2L * pW - (long) dW * (kW - 1) - 1) / sW + 1);
    }

    /** Rows times columns of the matrix for this input, bias column included when asked. */
    long cells(INDArray input, boolean withBias) {
        return (long) input.size(0) * outHeight(input.size(2)) * outWidth(input.size(3))
                * (input.size(1) * kH * kW + (withBias ? 1 : 0));
    }

    /** The im2col rows of an NCHW input [N, nIn, H, W] (without the bias column). */
    double[][] rows(INDArray input) {
        int n = (int) input.size(0);
        int c = (int) input.size(1);
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        double[] x = input.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
        int oh = outHeight(h);
        int ow = outWidth(w);
        double[][] out = new double[n * oh * ow][c * kH * kW];
        int r = 0;
        for (int s = 0; s < n; s++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double[] row = out[r++];
                    int k = 0;
                    for (int ci = 0; ci < c; ci++) {
                        for (int ky = 0; ky < kH; ky++) {
                            int y = oy * sH + ky * dH - pH;
                            for (int kx = 0; kx < kW; kx++, k++) {
                                int xx = ox * sW + kx * dW - pW;
                                if (y >= 0 && y < h && xx >= 0 && xx < w) {
                                    row[k] = x[((s * c + ci) * h + y) * w + xx];
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }
}
