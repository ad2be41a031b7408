package io.github.deaddirections.classify;

import io.github.deaddirections.detect.Direction;
import io.github.deaddirections.fisher.ExpectedFisher;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.ArrayList;
import java.util.List;

/**
 * The flat-locus certificate (METHOD 3, certified flats (d)): a flat direction is the tangent of
 * a smooth flat locus when it stays exactly null after the base point has moved along the other
 * null directions. The components of a crossing do not: once a dead unit's incoming weights have
 * moved, its outgoing weights are live, and the other way round.
 *
 * <p>"Exactly null" at a moved point means at the float floor of the stencil (its directional
 * Fisher below {@code floor}); a crossing component there is of size eps^(2p) relative to the live
 * scale (eps the move, p the order of the other component), far above it. The directions tested
 * here come from data-dependent detectors and are straight lines; curved orbits belong to the
 * symmetries, which the detectors and the generic gauge test certify.
 */
final class FlatLocusTest {

    private final ExpectedFisher fisher;
    private final double[] stepScale;
    private final int[] positions;
    private final double relativeStep;
    private final double floor;

    /**
     * @param stepScale    per-parameter scale the stencil steps are relative to
     * @param positions    the layer position of each parameter
     * @param relativeStep the stencil step relative to that scale
     * @param floor        absolute level of the directional Fisher below which a direction is exactly null
     */
    FlatLocusTest(ExpectedFisher fisher, double[] stepScale, int[] positions, double relativeStep, double floor) {
        this.fisher = fisher;
        this.stepScale = stepScale;
        this.positions = positions;
        this.relativeStep = relativeStep;
        this.floor = floor;
    }

    /** Whether each vector is exactly null at the point (which moves theta-hat only in layers at or after movedFrom). */
    boolean[] stayNull(double[] point, int movedFrom, List<Direction> vectors) {
        DMatrixRMaj g = columns(point, movedFrom, vectors);
        boolean[] out = new boolean[vectors.size()];
        for (int j = 0; j < out.length; j++) {
            double f = 0;
            for (int r = 0; r < g.numRows; r++) {
                double v = g.unsafe_get(r, j);
                f += v * v;
            }
            out[j] = f <= floor;
        }
        return out;
    }

    /**
     * The part of span(basis) (orthonormal) that is exactly null at every point: the null space of
     * {@code sum_i B' F(point_i) B}, a sum of positive semi-definite matrices whose null space is
     * the intersection of theirs.
     */
    List<Direction> nullPart(List<Direction> basis, List<double[]> points, int movedFrom) {
        int d = basis.size();
        List<Direction> out = new ArrayList<>();
        if (d == 0) {
            return out;
        }
        DMatrixRMaj sum = new DMatrixRMaj(d, d);
        for (double[] point : points) {
            DMatrixRMaj g = columns(point, movedFrom, basis);
            DMatrixRMaj gram = new DMatrixRMaj(d, d);
            CommonOps_DDRM.multTransA(g, g, gram);
            CommonOps_DDRM.addEquals(sum, gram);
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(sum)) {
            throw new IllegalStateException("eigen-decomposition of a " + d + " x " + d + " restricted Fisher did not converge");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            order.add(i);
        }
        // Deterministic basis: smallest eigenvalues first.
        order.sort((a, b) -> Double.compare(eig.getEigenvalue(a).real, eig.getEigenvalue(b).real));
        for (int i : order) {
            if (eig.getEigenvalue(i).real > floor * points.size()) {
                continue;
            }
            DMatrixRMaj v = eig.getEigenVector(i);
            double[] c = new double[d];
            for (int k = 0; k < d; k++) {
                c[k] = v.get(k, 0);
            }
            Direction u = GaugeSpan.against(Direction.combination(basis, c), out);
            if (u.norm() > 1e-6) {
                out.add(u.normalised());
            }
        }
        return out;
    }

    /**
     * The part of span(basis) (orthonormal) that stays in the exact null space at every point up to
     * a tilt: the flat directions of a constant unit (its outgoing weights traded against the
     * consumer's bias by phi(b), its bias against the bias by a phi'(b)) turn as the point moves
     * along them, staying exactly null in a nearby direction on the same coordinates, while a
     * crossing component stops being null at all. So, as in the generic gauge test, the null
     * spaces N_j of the Jacobian on the basis' coordinates at the points are intersected with
     * span(basis) through the mean squared sine {@code M = B'(I - mean_j N_j N_j')B}: eigenvectors
     * of M with an eigenvalue at most {@code tolerance} are certified. The Jacobian is the 5-point
     * stencil: a central difference's h^2 truncation would lift a turning null vector above the floor.
     */
    List<Direction> tiltedNullPart(List<Direction> basis, List<double[]> points, double tolerance) {
        return tiltedNullPart(basis, new int[0], points, tolerance);
    }

    /** The same, with the moved null spaces measured also on {@code tilt}, coordinates the locus may tilt into. */
    List<Direction> tiltedNullPart(List<Direction> basis, int[] tilt, List<double[]> points, double tolerance) {
        int d = basis.size();
        List<Direction> out = new ArrayList<>();
        if (d == 0 || points.isEmpty()) {
            return out;
        }
        int[] support = java.util.stream.IntStream.concat(java.util.Arrays.stream(GaugeTest.support(basis, stepScale.length)),
                java.util.Arrays.stream(tilt)).sorted().distinct().toArray();
        int s = support.length;
        // The basis on the support coordinates (its mass elsewhere is rounding spill).
        double[][] onSupport = new double[d][s];
        for (int i = 0; i < d; i++) {
            Direction u = basis.get(i);
            java.util.Map<Integer, Double> entries = new java.util.HashMap<>();
            for (int k = 0; k < u.nonZeros(); k++) {
                entries.put(u.coordinate(k), u.entry(k));
            }
            for (int k = 0; k < s; k++) {
                onSupport[i][k] = entries.getOrDefault(support[k], 0.0);
            }
        }
        DMatrixRMaj m = CommonOps_DDRM.identity(d);
        for (double[] point : points) {
            DMatrixRMaj g = fisher.at(point).axisColumns(point, support, stepScale);
            org.ejml.interfaces.decomposition.SingularValueDecomposition_F64<DMatrixRMaj> svd =
                    io.github.deaddirections.fisher.JacobianSvd.of(g, true);
            if (svd == null) {
                throw new IllegalStateException("the SVD of a " + g.numRows + " x " + s + " flat-locus Jacobian did not converge");
            }
            DMatrixRMaj w = svd.getW(null);
            DMatrixRMaj v = svd.getV(null, true);
            int rank = Math.min(w.numRows, w.numCols);
            for (int row = 0; row < s; row++) {
                double sv = row < rank ? w.get(row, row) : 0.0;
                if (sv * sv > floor) {
                    continue;
                }
                // A null vector n of the moved point: subtract (B'n)(B'n)' / points from M.
                double[] bn = new double[d];
                for (int i = 0; i < d; i++) {
                    for (int k = 0; k < s; k++) {
                        bn[i] += onSupport[i][k] * v.get(row, k);
                    }
                }
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        m.add(i, j, -bn[i] * bn[j] / points.size());
                    }
                }
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(m)) {
            throw new IllegalStateException("eigen-decomposition of a " + d + " x " + d + " flat-locus matrix did not converge");
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Double.compare(eig.getEigenvalue(a).real, eig.getEigenvalue(b).real));
        for (int i : order) {
            if (eig.getEigenvalue(i).real > tolerance) {
                continue;
            }
            DMatrixRMaj vec = eig.getEigenVector(i);
            double[] c = new double[d];
            for (int k = 0; k < d; k++) {
                c[k] = vec.get(k, 0);
            }
            Direction u = GaugeSpan.against(Direction.combination(basis, c), out);
            if (u.norm() > 1e-6) {
                out.add(u.normalised());
            }
        }
        return out;
    }

    /**
     * Forward passes {@link #tiltedNullPart} costs: a 5-point stencil per support coordinate at each
     * point, plus the point's own output and its cached layers (where branch points lie above, the
     * quartic check adds one more per coordinate).
     */
    static long tiltedPasses(List<Direction> basis, int parameters, int points) {
        return (4L * GaugeTest.support(basis, parameters).length + 2) * points;
    }

    private DMatrixRMaj columns(double[] point, int movedFrom, List<Direction> vectors) {
        int[][] coordinates = new int[vectors.size()][];
        double[][] values = new double[vectors.size()][];
        double[] steps = new double[vectors.size()];
        for (int j = 0; j < vectors.size(); j++) {
            Direction v = vectors.get(j);
            coordinates[j] = new int[v.nonZeros()];
            values[j] = new double[v.nonZeros()];
            double weighted = 0;
            double weights = 0;
            for (int k = 0; k < v.nonZeros(); k++) {
                coordinates[j][k] = v.coordinate(k);
                values[j][k] = v.entry(k);
                weighted += Math.abs(v.entry(k)) * stepScale[v.coordinate(k)];
                weights += Math.abs(v.entry(k));
            }
            steps[j] = relativeStep * (weights > 0 ? weighted / weights : 1.0);
        }
        return fisher.centralColumns(point, coordinates, values, steps, movedFrom);
    }

    /** The first layer position a point differs from theta-hat in. */
    int movedFrom(double[] point, double[] theta) {
        int from = Integer.MAX_VALUE;
        for (int i = 0; i < point.length; i++) {
            if (point[i] != theta[i]) {
                from = Math.min(from, positions[i]);
            }
        }
        return from;
    }
}
