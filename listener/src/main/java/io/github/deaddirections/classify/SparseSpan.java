package io.github.deaddirections.classify;

import io.github.deaddirections.detect.Direction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The span of sparse unit directions, kept as the directions themselves plus the Cholesky factor
 * L of their Gram matrix ({@code G = L L^T}, {@code G_ij = q_i . q_j}). The distance of a unit
 * vector v from the span is {@code sqrt(1 - |y|^2)} with {@code L y = Q^T v}.
 *
 * <p>Why not Gram-Schmidt: orthogonalising a direction against the ones it overlaps spreads it
 * over the union of their supports. On a CNN each dense unit's rescaling orbit overlaps every
 * channel of the convolution below, so after a few claims every stored direction covers the
 * whole layer, and each further claim costs P times the claims so far. Here the stored
 * directions keep their supports; {@code Q^T v} costs the overlaps, and L has entries only where
 * directions overlap (directly or through fill-in), stored by row as sparse entries.
 */
final class SparseSpan {

    private final List<Direction> directions = new ArrayList<>();
    /** Row i of L: the columns j <= i with entries (increasing, the last one i) and their values. */
    private final List<int[]> rowColumns = new ArrayList<>();
    private final List<double[]> rowValues = new ArrayList<>();
    private final Map<Integer, List<Integer>> touching = new HashMap<>();
    /** The stored directions the last vector overlaps, and the entries of y its solve wrote (ascending). */
    private final java.util.BitSet near = new java.util.BitSet();
    private int[] touched = new int[16];
    private int touchedCount;
    /**
     * Per row j of L, the later rows with an entry in column j (the rows whose y reads y_j). The
     * solve visits only the rows reachable from the overlapped ones through these lists, in
     * ascending order: after many claims, scanning every row from the first overlapped one on made
     * each claim cost O(n) whatever it touched.
     */
    private int[][] readers = new int[16][];
    private int[] readerCounts = new int[16];
    /** A min-heap of row indices for the solve, and the call stamp of the rows already queued. */
    private int[] heap = new int[16];
    private int[] queued = new int[16];
    private int solveCall;
    /** Scratch for b and then y (solved in place), zero outside the touched entries. */
    private double[] solution = new double[16];
    /** Scratch of v's entries by coordinate, valid where stamped by the current call. */
    private double[] work;
    private int[] stamp;
    private int call;

    /** Directions in the span so far. */
    int size() {
        return directions.size();
    }

    /** Distance of the unit vector v from the span. */
    double distance(Direction v) {
        double[] y = solve(v);
        double inside = 0;
        for (int t = 0; t < touchedCount; t++) {
            inside += y[touched[t]] * y[touched[t]];
        }
        return Math.sqrt(Math.max(0.0, 1.0 - inside));
    }

    /** Adds the unit vector v (which must lie outside the span: see {@link #distance}). */
    void add(Direction v) {
        double[] y = solve(v);
        double inside = 0;
        int nonZeros = 0;
        for (int t = 0; t < touchedCount; t++) {
            double yi = y[touched[t]];
            inside += yi * yi;
            nonZeros += yi != 0 ? 1 : 0;
        }
        double diagonal = Math.sqrt(Math.max(0.0, 1.0 - inside));
        if (!(diagonal > 0)) {
            throw new IllegalArgumentException("the direction lies in the span already");
        }
        int id = directions.size();
        int[] cols = new int[nonZeros + 1];
        double[] vals = new double[nonZeros + 1];
        int k = 0;
        for (int t = 0; t < touchedCount; t++) {
            int j = touched[t];
            if (y[j] != 0) {
                cols[k] = j;
                vals[k++] = y[j];
            }
        }
        cols[k] = id;
        vals[k] = diagonal;
        for (int e = 0; e < k; e++) {
            int j = cols[e];
            if (readers[j] == null || readerCounts[j] == readers[j].length) {
                readers[j] = readers[j] == null ? new int[2] : java.util.Arrays.copyOf(readers[j], 2 * readerCounts[j]);
            }
            readers[j][readerCounts[j]++] = id;
        }
        if (id == readers.length) {
            readers = java.util.Arrays.copyOf(readers, 2 * id);
            readerCounts = java.util.Arrays.copyOf(readerCounts, 2 * id);
        }
        directions.add(v);
        rowColumns.add(cols);
        rowValues.add(vals);
        for (int c = 0; c < v.nonZeros(); c++) {
            touching.computeIfAbsent(v.coordinate(c), x -> new ArrayList<>(2)).add(id);
        }
    }

    /**
     * y with L y = Q^T v. b is zero but on the overlapped directions, and y_i can be non-zero only
     * where b_i is or where row i reads a non-zero y_j: the rows reachable from the overlapped ones
     * (a sparse triangular solve). They are taken from a min-heap, so in ascending order, and every
     * y a row reads is final when it is taken (its readers all lie after it).
     */
    private double[] solve(Direction v) {
        double[] b = overlaps(v);
        touchedCount = 0;
        int n = directions.size();
        if (queued.length < n) {
            queued = java.util.Arrays.copyOf(queued, Math.max(n, 2 * queued.length));
        }
        solveCall++;
        int size = 0;
        for (int id = near.nextSetBit(0); id >= 0; id = near.nextSetBit(id + 1)) {
            size = push(size, id);
        }
        double[] y = b; // solved in place: b_i is read before y_i is written
        while (size > 0) {
            int i = heap[0];
            size = pop(size);
            int[] cols = rowColumns.get(i);
            double[] vals = rowValues.get(i);
            double acc = b[i];
            for (int e = 0; e < cols.length - 1; e++) {
                acc -= vals[e] * y[cols[e]];
            }
            y[i] = acc / vals[cols.length - 1];
            if (touchedCount == touched.length) {
                touched = java.util.Arrays.copyOf(touched, 2 * touchedCount);
            }
            touched[touchedCount++] = i;
            if (y[i] != 0 && readers[i] != null) {
                int[] list = readers[i];
                for (int r = 0; r < readerCounts[i]; r++) {
                    size = push(size, list[r]);
                }
            }
        }
        return y;
    }

    /** Queues row i once per solve; returns the new heap size. */
    private int push(int size, int i) {
        if (queued[i] == solveCall) {
            return size;
        }
        queued[i] = solveCall;
        if (size == heap.length) {
            heap = java.util.Arrays.copyOf(heap, 2 * size);
        }
        int at = size;
        heap[at] = i;
        while (at > 0 && heap[(at - 1) / 2] > heap[at]) {
            int parent = (at - 1) / 2;
            int t = heap[parent];
            heap[parent] = heap[at];
            heap[at] = t;
            at = parent;
        }
        return size + 1;
    }

    /** Removes the smallest row; returns the new heap size. */
    private int pop(int size) {
        int last = size - 1;
        heap[0] = heap[last];
        int at = 0;
        while (true) {
            int left = 2 * at + 1;
            int right = left + 1;
            int smallest = at;
            if (left < last && heap[left] < heap[smallest]) {
                smallest = left;
            }
            if (right < last && heap[right] < heap[smallest]) {
                smallest = right;
            }
            if (smallest == at) {
                return last;
            }
            int t = heap[smallest];
            heap[smallest] = heap[at];
            heap[at] = t;
            at = smallest;
        }
    }

    /**
     * b_i = q_i . v for every stored q_i (zero unless q_i shares a coordinate with v), in a scratch
     * array reused across calls: allocating one of length n per call made n claims cost n^2.
     */
    private double[] overlaps(Direction v) {
        for (int t = 0; t < touchedCount; t++) {
            solution[touched[t]] = 0.0; // the last call's y lives only there
        }
        touchedCount = 0;
        if (solution.length < directions.size()) {
            solution = java.util.Arrays.copyOf(solution, Math.max(directions.size(), 2 * solution.length));
        }
        double[] b = solution;
        near.clear();
        if (directions.isEmpty()) {
            return b;
        }
        if (work == null || work.length != v.size()) {
            work = new double[v.size()];
            stamp = new int[v.size()];
        }
        call++;
        for (int k = 0; k < v.nonZeros(); k++) {
            int c = v.coordinate(k);
            stamp[c] = call;
            work[c] = v.entry(k);
            List<Integer> ids = touching.get(c);
            if (ids != null) {
                for (int id : ids) {
                    near.set(id);
                }
            }
        }
        for (int id = near.nextSetBit(0); id >= 0; id = near.nextSetBit(id + 1)) {
            Direction q = directions.get(id);
            double dot = 0;
            for (int k = 0; k < q.nonZeros(); k++) {
                int c = q.coordinate(k);
                if (stamp[c] == call) {
                    dot += work[c] * q.entry(k);
                }
            }
            b[id] = dot;
        }
        return b;
    }
}
