package io.github.deaddirections.snapshot;

import java.util.Arrays;

/**
 * One named parameter array of one layer (DL4J's "W", "b", ...) and where each of its
 * entries sits in the flattened parameter vector theta.
 *
 * @param layer     the layer's name in the report ("0", "1" for a MultiLayerNetwork; vertex names
 *                  for a ComputationGraph)
 * @param key       DL4J's parameter key
 * @param shape     the array's shape as DL4J holds it (dense W: [nIn, nOut]; conv W: [out, in, kh, kw])
 * @param flatIndex position in theta of each entry, entries in row-major order of {@code shape}
 */
public record ParameterBlock(String layer, String key, long[] shape, int[] flatIndex) {

    public int size() {
        return flatIndex.length;
    }

    /** Position in theta of the entry at the given coordinates (row-major over {@link #shape()}). */
    public int index(int... coordinates) {
        if (coordinates.length != shape.length) {
            throw new IllegalArgumentException("parameter " + layer + "_" + key + " has shape "
                    + Arrays.toString(shape) + ", not " + coordinates.length + " coordinates");
        }
        int offset = 0;
        for (int d = 0; d < shape.length; d++) {
            if (coordinates[d] < 0 || coordinates[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("coordinate " + coordinates[d] + " of axis " + d
                        + " outside " + Arrays.toString(shape) + " of " + layer + "_" + key);
            }
            offset = offset * (int) shape[d] + coordinates[d];
        }
        return flatIndex[offset];
    }

    public long dim(int axis) {
        return shape[axis];
    }
}
