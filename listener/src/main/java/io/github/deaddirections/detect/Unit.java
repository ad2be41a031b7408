package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A hidden unit (dense) or channel (convolution) with the parameters that feed it and the
 * parameters that read it: the objects node death, rescaling and duplicate units act on.
 *
 * @param layer     the unit's layer
 * @param index     unit or channel index in the layer
 * @param weights   incoming weights (a dense column, or a channel's kernel)
 * @param bias      the unit's bias, or -1 when the layer has none
 * @param outgoing  weights of the consuming layer that read this unit
 * @param consumer  the consuming layer
 * @param feeds     for each outgoing weight, the consumer's unit (output or channel) it feeds
 */
public record Unit(LayerInfo layer, int index, int[] weights, int bias, int[] outgoing, LayerInfo consumer, int[] feeds) {

    /** Incoming weights and bias together (the incoming component of node death, dimension d_in + 1). */
    public int[] incoming() {
        return bias < 0 ? weights.clone() : Directions.concat(weights, new int[]{bias});
    }

    /**
     * Every unit of a dense or convolution layer whose consumer reads it as one row (dense after
     * dense, dense after global pooling of a convolution, or a convolution after a convolution), or
     * as a block of rows (dense after a convolution flattened by DL4J's CnnToFeedForward
     * pre-processor, NCHW: rows {@code c h w ... (c + 1) h w - 1}); channelwise max or average
     * pooling may lie between them. Empty when the layer's output is not read that way.
     */
    public static List<Unit> of(Snapshot snapshot, LayerInfo layer) {
        Optional<ParameterBlock> w = Layers.weights(snapshot, layer);
        Optional<LayerInfo> consumer = Layers.consumer(snapshot, layer);
        if (w.isEmpty() || consumer.isEmpty()) {
            return List.of();
        }
        LayerInfo c = consumer.get();
        Optional<ParameterBlock> wc = Layers.weights(snapshot, c);
        if (wc.isEmpty()) {
            return List.of();
        }
        ParameterBlock in = w.get();
        ParameterBlock out = wc.get();
        int[] biasIdx = Layers.bias(snapshot, layer).map(ParameterBlock::flatIndex).orElse(null);
        List<Unit> units = new ArrayList<>();
        if (Layers.isPlainDense(layer) && Layers.isDense(c) && c.preProcessor() == null && out.dim(0) == in.dim(1)
                && c.input() != null && c.input().equals(layer.name())) {
            int nIn = (int) in.dim(0);
            int nUnits = (int) in.dim(1);
            int nOut = (int) out.dim(1);
            for (int j = 0; j < nUnits; j++) {
                int[] inc = new int[nIn];
                for (int i = 0; i < nIn; i++) {
                    inc[i] = in.index(i, j);
                }
                int[] og = new int[nOut];
                int[] feeds = new int[nOut];
                for (int k = 0; k < nOut; k++) {
                    og[k] = out.index(j, k);
                    feeds[k] = k;
                }
                units.add(new Unit(layer, j, inc, biasIdx == null ? -1 : biasIdx[j], og, c, feeds));
            }
        } else if (Layers.isConvolution(layer) && in.shape().length == 4) {
            int channels = (int) in.dim(0);
            int kernel = (int) (in.dim(1) * in.dim(2) * in.dim(3));
            boolean viaPooling = c.input() != null && !c.input().equals(layer.name());
            boolean denseAfterPooling = Layers.isDense(c) && viaPooling && out.dim(0) == channels && c.preProcessor() == null;
            int positions = flattenedPositions(c, channels);
            boolean denseAfterFlatten = Layers.isDense(c) && positions > 0 && out.dim(0) == (long) channels * positions;
            boolean convAfterConv = Layers.isConvolution(c) && out.shape().length == 4 && out.dim(1) == channels;
            if (!denseAfterPooling && !denseAfterFlatten && !convAfterConv) {
                return List.of();
            }
            for (int j = 0; j < channels; j++) {
                int[] inc = new int[kernel];
                System.arraycopy(in.flatIndex(), j * kernel, inc, 0, kernel);
                int[] og;
                int[] feeds;
                if (denseAfterPooling) {
                    og = new int[(int) out.dim(1)];
                    feeds = new int[og.length];
                    for (int k = 0; k < og.length; k++) {
                        og[k] = out.index(j, k);
                        feeds[k] = k;
                    }
                } else if (denseAfterFlatten) {
                    int nOut = (int) out.dim(1);
                    og = new int[positions * nOut];
                    feeds = new int[og.length];
                    int n = 0;
                    for (int at = 0; at < positions; at++) {
                        for (int k = 0; k < nOut; k++) {
                            og[n] = out.index(j * positions + at, k);
                            feeds[n++] = k;
                        }
                    }
                } else {
                    int kh = (int) out.dim(2);
                    int kw = (int) out.dim(3);
                    og = new int[(int) out.dim(0) * kh * kw];
                    feeds = new int[og.length];
                    int n = 0;
                    for (int o = 0; o < out.dim(0); o++) {
                        for (int y = 0; y < kh; y++) {
                            for (int x = 0; x < kw; x++) {
                                feeds[n] = o;
                                og[n++] = out.index(o, j, y, x);
                            }
                        }
                    }
                }
                units.add(new Unit(layer, j, inc, biasIdx == null ? -1 : biasIdx[j], og, c, feeds));
            }
        }
        return units;
    }

    /**
     * The spatial positions per channel a dense consumer sees through DL4J's CnnToFeedForward
     * pre-processor in NCHW (channel-major flattening), or 0 when it has none of that kind.
     */
    private static int flattenedPositions(LayerInfo consumer, int channels) {
        if (!(consumer.preProcessor() instanceof org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor pp)
                || pp.getNumChannels() != channels || pp.getFormat() != org.deeplearning4j.nn.conf.CNN2DFormat.NCHW) {
            return 0;
        }
        return (int) (pp.getInputHeight() * pp.getInputWidth());
    }

    /**
     * The units of a Dense(identity) layer read through a PReLU layer by a dense layer
     * ({@code z -> prelu(z) -> W_next}): each unit's incoming column and bias, and the row of
     * W_next that reads its PReLU output. The PReLU's own alpha is not part of the unit. Empty for
     * any other arrangement.
     */
    public static List<Unit> throughPRelu(Snapshot snapshot, LayerInfo layer) {
        Optional<ParameterBlock> w = Layers.weights(snapshot, layer);
        Optional<LayerInfo> prelu = Layers.consumer(snapshot, layer);
        if (!Layers.isPlainDense(layer) || !Layers.isIdentity(layer) || w.isEmpty() || prelu.isEmpty()
                || !Layers.isPRelu(prelu.get())) {
            return List.of();
        }
        Optional<LayerInfo> reader = Layers.consumer(snapshot, prelu.get());
        if (reader.isEmpty() || !Layers.isDense(reader.get()) || reader.get().preProcessor() != null
                || !prelu.get().name().equals(reader.get().input())) {
            return List.of();
        }
        Optional<ParameterBlock> wNext = Layers.weights(snapshot, reader.get());
        ParameterBlock in = w.get();
        if (wNext.isEmpty() || wNext.get().dim(0) != in.dim(1)) {
            return List.of();
        }
        int[] biasIdx = Layers.bias(snapshot, layer).map(ParameterBlock::flatIndex).orElse(null);
        List<Unit> units = new ArrayList<>();
        for (int j = 0; j < in.dim(1); j++) {
            int[] inc = new int[(int) in.dim(0)];
            for (int i = 0; i < inc.length; i++) {
                inc[i] = in.index(i, j);
            }
            int[] og = new int[(int) wNext.get().dim(1)];
            int[] feeds = new int[og.length];
            for (int k = 0; k < og.length; k++) {
                og[k] = wNext.get().index(j, k);
                feeds[k] = k;
            }
            units.add(new Unit(layer, j, inc, biasIdx == null ? -1 : biasIdx[j], og, reader.get(), feeds));
        }
        return units;
    }
}
