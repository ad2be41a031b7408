package io.github.deaddirections.classify;

import io.github.deaddirections.detect.Direction;
import io.github.deaddirections.detect.Directions;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sparse span's distance agrees with a dense least-squares projection (EJML QR), on the
 * overlap pattern that made Gram-Schmidt fill in: "unit" directions on disjoint columns of a
 * weight matrix, then "channel" directions each crossing every unit's column.
 */
class SparseSpanTest {

    private static final int ROWS = 12;
    private static final int COLS = 9;
    private static final int P = ROWS * COLS + 20;

    @Test
    void distanceMatchesADenseLeastSquaresProjection() {
        Random rnd = new Random(4);
        SparseSpan span = new SparseSpan();
        List<double[]> stored = new ArrayList<>();
        List<Direction> candidates = new ArrayList<>();
        for (int col = 0; col < COLS; col++) {
            candidates.add(unit(rnd, col));
        }
        for (int block = 0; block < 3; block++) {
            candidates.add(channel(rnd, block));
        }
        candidates.add(combination(candidates.get(0), candidates.get(COLS), 0.7)); // in the span by then
        for (Direction v : candidates) {
            double expected = denseDistance(stored, v.toDense());
            double actual = span.distance(v);
            assertEquals(expected, actual, 1e-10, "distance from the span of " + stored.size() + " directions");
            if (actual > 1e-6) {
                span.add(v);
                stored.add(v.toDense());
            }
        }
        assertEquals(COLS + 3, span.size(), "the combination was recognised as spanned");
        Direction spanned = combination(candidates.get(2), candidates.get(COLS + 1), -1.3);
        assertTrue(span.distance(spanned) < 1e-8);
        assertThrows(IllegalArgumentException.class, () -> span.add(spanned));
        // Overlaps one unit alone: the channel rows coupled to it must still be solved.
        Direction oneUnit = Direction.axis(P, ROWS * COLS + 3); // unit 3's private coordinate
        assertEquals(denseDistance(stored, oneUnit.toDense()), span.distance(oneUnit), 1e-10, "an entry of one unit's column");
        Direction outside = Direction.axis(P, P - 1);
        assertEquals(1.0, span.distance(outside), 1e-15, "a coordinate nothing touches is orthogonal to the span");
    }

    /** A unit's column of the matrix, plus one private coordinate after it (like a bias). */
    private static Direction unit(Random rnd, int col) {
        int[] idx = new int[ROWS + 1];
        double[] val = new double[ROWS + 1];
        for (int r = 0; r < ROWS; r++) {
            idx[r] = r * COLS + col;
            val[r] = rnd.nextGaussian();
        }
        idx[ROWS] = ROWS * COLS + col;
        val[ROWS] = rnd.nextGaussian();
        return Direction.sparse(P, idx, val).normalised();
    }

    /** Four rows of the matrix (every column), like a channel's outgoing weights. */
    private static Direction channel(Random rnd, int block) {
        TreeSet<Integer> coords = new TreeSet<>();
        for (int r = 4 * block; r < 4 * block + 4; r++) {
            for (int c = 0; c < COLS; c++) {
                coords.add(r * COLS + c);
            }
        }
        int[] idx = coords.stream().mapToInt(Integer::intValue).toArray();
        double[] val = new double[idx.length];
        for (int k = 0; k < val.length; k++) {
            val[k] = rnd.nextGaussian();
        }
        return Direction.sparse(P, idx, val).normalised();
    }

    private static Direction combination(Direction a, Direction b, double t) {
        double[] x = a.toDense();
        b.addTo(x, t);
        return Direction.of(x).normalised();
    }

    /** |v - Q (Q^T Q)^-1 Q^T v| by QR least squares on the dense vectors. */
    private static double denseDistance(List<double[]> stored, double[] v) {
        if (stored.isEmpty()) {
            return Directions.norm(v);
        }
        DMatrixRMaj q = new DMatrixRMaj(P, stored.size());
        for (int j = 0; j < stored.size(); j++) {
            for (int i = 0; i < P; i++) {
                q.set(i, j, stored.get(j)[i]);
            }
        }
        DMatrixRMaj b = new DMatrixRMaj(P, 1, true, v);
        DMatrixRMaj x = new DMatrixRMaj(stored.size(), 1);
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.leastSquares(P, stored.size());
        assertTrue(solver.setA(q.copy()));
        solver.solve(b, x);
        DMatrixRMaj fit = new DMatrixRMaj(P, 1);
        CommonOps_DDRM.mult(q, x, fit);
        double r = 0;
        for (int i = 0; i < P; i++) {
            r += (v[i] - fit.get(i, 0)) * (v[i] - fit.get(i, 0));
        }
        return Math.sqrt(r);
    }
}
