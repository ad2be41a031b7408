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
    /** The stored directions the last vector overlaps, and the range of y its solve wrote. */
    private final java.util.BitSet near = new java.util.BitSet();
    private int solvedFrom;
    private int solvedTo;
    /** Scratch for b and then y (solved in place), zero outside [solvedFrom, solvedTo). */
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
        for (int i = solvedFrom; i < solvedTo; i++) {
            inside += y[i] * y[i];
        }
        return Math.sqrt(Math.max(0.0, 1.0 - inside));
    }

    /** Adds the unit vector v (which must lie outside the span: see {@link #distance}). */
    void add(Direction v) {
        double[] y = solve(v);
        double inside = 0;
        int nonZeros = 0;
        for (int i = solvedFrom; i < solvedTo; i++) {
            inside += y[i] * y[i];
            nonZeros += y[i] != 0 ? 1 : 0;
        }
        double diagonal = Math.sqrt(Math.max(0.0, 1.0 - inside));
        if (!(diagonal > 0)) {
            throw new IllegalArgumentException("the direction lies in the span already");
        }
        int id = directions.size();
        int[] cols = new int[nonZeros + 1];
        double[] vals = new double[nonZeros + 1];
        int k = 0;
        for (int j = solvedFrom; j < solvedTo; j++) {
            if (y[j] != 0) {
                cols[k] = j;
                vals[k++] = y[j];
            }
        }
        cols[k] = id;
        vals[k] = diagonal;
        directions.add(v);
        rowColumns.add(cols);
        rowValues.add(vals);
        for (int c = 0; c < v.nonZeros(); c++) {
            touching.computeIfAbsent(v.coordinate(c), x -> new ArrayList<>(2)).add(id);
        }
    }

    /**
     * y with L y = Q^T v, zero before the first stored direction v overlaps (rows are solved from
     * there on; on the structural path most claims overlap nothing and cost nothing here).
     */
    private double[] solve(Direction v) {
        double[] b = overlaps(v);
        int n = directions.size();
        int first = near.nextSetBit(0);
        first = first < 0 ? n : first;
        double[] y = b; // solved in place: b_i is read before y_i is written
        for (int i = first; i < n; i++) {
            int[] cols = rowColumns.get(i);
            double[] vals = rowValues.get(i);
            double acc = b[i];
            for (int e = 0; e < cols.length - 1; e++) {
                acc -= vals[e] * y[cols[e]];
            }
            y[i] = acc / vals[cols.length - 1];
        }
        solvedFrom = first;
        solvedTo = n;
        return y;
    }

    /**
     * b_i = q_i . v for every stored q_i (zero unless q_i shares a coordinate with v), in a scratch
     * array reused across calls: allocating one of length n per call made n claims cost n^2.
     */
    private double[] overlaps(Direction v) {
        java.util.Arrays.fill(solution, solvedFrom, solvedTo, 0.0); // the last call's y lives only there
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
