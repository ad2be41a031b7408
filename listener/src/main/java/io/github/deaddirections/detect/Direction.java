package io.github.deaddirections.detect;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A vector in R^P held sparsely: most directions a detector proposes touch one unit, one channel
 * or one layer, and the read must stay O(P) in memory for models of millions of parameters.
 * Immutable.
 */
public final class Direction {

    private final int size;
    private final int[] index;
    private final double[] value;

    private Direction(int size, int[] index, double[] value) {
        this.size = size;
        this.index = index;
        this.value = value;
    }

    /** The non-zero entries of a dense vector. */
    public static Direction of(double[] dense) {
        int n = 0;
        for (double v : dense) {
            if (v != 0.0) {
                n++;
            }
        }
        int[] idx = new int[n];
        double[] val = new double[n];
        int k = 0;
        for (int i = 0; i < dense.length; i++) {
            if (dense[i] != 0.0) {
                idx[k] = i;
                val[k++] = dense[i];
            }
        }
        return new Direction(dense.length, idx, val);
    }

    /** Entries at the given coordinates (coordinates may repeat: values add up). */
    public static Direction sparse(int size, int[] coordinates, double[] values) {
        if (strictlyIncreasing(size, coordinates)) {
            // The common case (supports built in order): no map, only the zeros dropped.
            int n = 0;
            for (double v : values) {
                n += v != 0.0 ? 1 : 0;
            }
            int[] idx = new int[n];
            double[] val = new double[n];
            int k = 0;
            for (int i = 0; i < coordinates.length; i++) {
                if (values[i] != 0.0) {
                    idx[k] = coordinates[i];
                    val[k++] = values[i];
                }
            }
            return new Direction(size, idx, val);
        }
        Map<Integer, Double> m = new TreeMap<>();
        for (int i = 0; i < coordinates.length; i++) {
            if (coordinates[i] < 0 || coordinates[i] >= size) {
                throw new IndexOutOfBoundsException("coordinate " + coordinates[i] + " outside R^" + size);
            }
            m.merge(coordinates[i], values[i], Double::sum);
        }
        m.values().removeIf(v -> v == 0.0);
        int[] idx = new int[m.size()];
        double[] val = new double[m.size()];
        int k = 0;
        for (Map.Entry<Integer, Double> e : m.entrySet()) {
            idx[k] = e.getKey();
            val[k++] = e.getValue();
        }
        return new Direction(size, idx, val);
    }

    private static boolean strictlyIncreasing(int size, int[] coordinates) {
        for (int i = 0; i < coordinates.length; i++) {
            if (coordinates[i] < 0 || coordinates[i] >= size || (i > 0 && coordinates[i] <= coordinates[i - 1])) {
                return false;
            }
        }
        return true;
    }

    /** Unit axis vector e_i. */
    public static Direction axis(int size, int i) {
        return sparse(size, new int[]{i}, new double[]{1.0});
    }

    /** The unit vector spread evenly over the given coordinates. */
    public static Direction uniform(int size, int[] coordinates) {
        double[] v = new double[coordinates.length];
        Arrays.fill(v, 1.0 / Math.sqrt(coordinates.length));
        return sparse(size, coordinates, v);
    }

    public int size() {
        return size;
    }

    public int nonZeros() {
        return index.length;
    }

    public int coordinate(int k) {
        return index[k];
    }

    public double entry(int k) {
        return value[k];
    }

    public double norm() {
        double s = 0;
        for (double v : value) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /** This direction scaled to unit length; throws for the zero vector. */
    public Direction normalised() {
        double n = norm();
        if (!(n > 0)) {
            throw new IllegalArgumentException("cannot normalise a zero direction");
        }
        return scaled(1.0 / n);
    }

    public Direction scaled(double c) {
        double[] v = value.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= c;
        }
        return new Direction(size, index, v);
    }

    /** (this + other), not normalised. */
    public Direction plus(Direction other) {
        int[] idx = new int[index.length + other.index.length];
        double[] val = new double[idx.length];
        System.arraycopy(index, 0, idx, 0, index.length);
        System.arraycopy(other.index, 0, idx, index.length, other.index.length);
        System.arraycopy(value, 0, val, 0, value.length);
        System.arraycopy(other.value, 0, val, value.length, other.value.length);
        return sparse(size, idx, val);
    }

    /** {@code sum_i c_i d_i}, not normalised, in one merge (repeated {@link #plus} would merge once per term). */
    public static Direction combination(java.util.List<Direction> parts, double[] coefficients) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a combination of no directions");
        }
        int n = 0;
        for (Direction d : parts) {
            n += d.index.length;
        }
        int[] idx = new int[n];
        double[] val = new double[n];
        int k = 0;
        for (int i = 0; i < parts.size(); i++) {
            Direction d = parts.get(i);
            for (int j = 0; j < d.index.length; j++) {
                idx[k] = d.index[j];
                val[k++] = coefficients[i] * d.value[j];
            }
        }
        return sparse(parts.get(0).size, idx, val);
    }

    /** (a + b) normalised: the diagonal of two components. */
    public static Direction diagonal(Direction a, Direction b) {
        return a.plus(b).normalised();
    }

    public double dot(Direction other) {
        double s = 0;
        int i = 0;
        int j = 0;
        while (i < index.length && j < other.index.length) {
            if (index[i] == other.index[j]) {
                s += value[i++] * other.value[j++];
            } else if (index[i] < other.index[j]) {
                i++;
            } else {
                j++;
            }
        }
        return s;
    }

    public double dot(double[] dense) {
        double s = 0;
        for (int k = 0; k < index.length; k++) {
            s += value[k] * dense[index[k]];
        }
        return s;
    }

    /** x += c * this. */
    public void addTo(double[] x, double c) {
        for (int k = 0; k < index.length; k++) {
            x[index[k]] += c * value[k];
        }
    }

    public double[] toDense() {
        double[] d = new double[size];
        addTo(d, 1.0);
        return d;
    }
}
