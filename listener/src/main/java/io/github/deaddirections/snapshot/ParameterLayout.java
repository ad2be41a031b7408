package io.github.deaddirections.snapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each layer's parameters sit in the flattened vector theta, in DL4J's own order.
 * Built by writing 0..P-1 into a copy of the network and reading each parameter array back,
 * so it holds for every layer type without knowing DL4J's internal ordering rules.
 */
public final class ParameterLayout {

    private final int size;
    private final Map<String, Map<String, ParameterBlock>> blocks;
    private final String[] ownerOf;

    ParameterLayout(int size, List<ParameterBlock> all) {
        this.size = size;
        Map<String, Map<String, ParameterBlock>> byLayer = new LinkedHashMap<>();
        this.ownerOf = new String[size];
        for (ParameterBlock b : all) {
            byLayer.computeIfAbsent(b.layer(), k -> new LinkedHashMap<>()).put(b.key(), b);
            for (int i : b.flatIndex()) {
                ownerOf[i] = b.layer();
            }
        }
        byLayer.replaceAll((k, v) -> Collections.unmodifiableMap(v));
        this.blocks = Collections.unmodifiableMap(byLayer);
    }

    /** P, the number of trainable parameters. */
    public int size() {
        return size;
    }

    public Optional<ParameterBlock> block(String layer, String key) {
        return Optional.ofNullable(blocks.getOrDefault(layer, Map.of()).get(key));
    }

    public Map<String, ParameterBlock> blocksOf(String layer) {
        return blocks.getOrDefault(layer, Map.of());
    }

    /** Every parameter index of one layer, in theta order. */
    public int[] indicesOf(String layer) {
        int n = 0;
        for (ParameterBlock b : blocksOf(layer).values()) {
            n += b.flatIndex().length;
        }
        int[] idx = new int[n];
        int k = 0;
        for (ParameterBlock b : blocksOf(layer).values()) {
            System.arraycopy(b.flatIndex(), 0, idx, k, b.flatIndex().length);
            k += b.flatIndex().length;
        }
        java.util.Arrays.sort(idx);
        return idx;
    }

    /** The layer that owns theta[index]. */
    public String layerOf(int index) {
        return ownerOf[index];
    }

    /** Human name of one parameter, e.g. {@code 0_W[2,1]}. */
    public String describe(int index) {
        for (ParameterBlock b : blocksOf(ownerOf[index]).values()) {
            int[] flat = b.flatIndex();
            for (int k = 0; k < flat.length; k++) {
                if (flat[k] == index) {
                    StringBuilder sb = new StringBuilder(b.layer()).append('_').append(b.key()).append('[');
                    long rest = k;
                    long[] coords = new long[b.shape().length];
                    for (int d = b.shape().length - 1; d >= 0; d--) {
                        coords[d] = rest % b.shape()[d];
                        rest /= b.shape()[d];
                    }
                    for (int d = 0; d < coords.length; d++) {
                        sb.append(d == 0 ? "" : ",").append(coords[d]);
                    }
                    return sb.append(']').toString();
                }
            }
        }
        return "theta[" + index + "]";
    }
}
