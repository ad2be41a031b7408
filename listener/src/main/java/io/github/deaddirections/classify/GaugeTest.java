package io.github.deaddirections.classify;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.detect.Directions;
import io.github.deaddirections.fisher.ExpectedFisher;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The generic gauge test (METHOD 3, [ours]) for symmetries no detector knows. A symmetry acts at
 * every parameter point, a singular locus only on itself: so the gauge part of a null subspace B
 * is what stays in the exact null space of F at generic nearby points {@code theta + eps r}. With
 * N_j those null spaces, the directions of B with a small mean squared sine to them,
 * eigenvectors of {@code M = mean_j B'(I - N_j N_j')B} with eigenvalue at most the tolerance, are
 * the gauge (the tolerance absorbs the O(eps) tilt of curved orbits; a genuine block of order k is
 * live there, at eigenvalues of size eps^(2(k-1)), far above the float floor).
 *
 * <p>The test is bounded to the coordinates the tested directions touch (the support of their
 * projector): the points move only those, and each null space is that of the Fisher block on them.
 * A symmetry acting on those coordinates is still a symmetry of that block at every point, and the
 * Jacobian then costs 4 passes per touched coordinate instead of per parameter.
 */
final class GaugeTest {

    private final ExpectedFisher fisher;
    private final ReadConfig config;
    private final double[] theta;
    private final double[] coordinateScale;
    private final double offset;
    private final double safeOffset;
    private final java.util.function.Predicate<double[]> crossesKink;
    /** Squared entries below this are the rounding spill of a null basis (about (1e-16 / live gap)^2), not support. */
    private static final double SUPPORT_FLOOR = 1e-8;

    private final int points;
    private final int[] support;
    private List<double[][]> nullSpaces;

    /**
     * @param nullDimension dimension of the whole null space (the test uses more points than that)
     * @param offset        eps times the RMS parameter size
     * @param safeOffset    a move no probe sample crosses a kink within (first order)
     * @param crossesKink   whether a point takes some probe sample across a kink: each point moves by
     *                      {@code offset}, shrunk by 4 while it crosses, never below {@code safeOffset}
     */
    GaugeTest(ExpectedFisher fisher, ReadConfig config, double[] theta, double[] coordinateScale, int nullDimension,
              double offset, double safeOffset, java.util.function.Predicate<double[]> crossesKink, int[] support) {
        this.fisher = fisher;
        this.config = config;
        this.theta = theta;
        this.coordinateScale = coordinateScale;
        this.offset = offset;
        this.safeOffset = Math.min(offset, safeOffset);
        this.crossesKink = crossesKink;
        this.points = nullDimension + config.gaugeTestExtraPoints();
        this.support = support.length == 0 ? java.util.stream.IntStream.range(0, theta.length).toArray() : support.clone();
    }

    /**
     * The coordinates a set of orthonormal directions touches (where the diagonal of their
     * projector is not negligible); empty for no directions, meaning every coordinate.
     */
    static int[] support(List<io.github.deaddirections.detect.Direction> basis, int p) {
        double[] diagonal = new double[p];
        for (io.github.deaddirections.detect.Direction u : basis) {
            for (int k = 0; k < u.nonZeros(); k++) {
                diagonal[u.coordinate(k)] += u.entry(k) * u.entry(k);
            }
        }
        // Every coordinate a direction really touches: a curved orbit's tilt at a nearby point stays
        // on its own coordinates, and leaving one out would hide the null vector it tilts to.
        return java.util.stream.IntStream.range(0, p).filter(i -> diagonal[i] > SUPPORT_FLOOR).toArray();
    }

    /**
     * Forward passes the test costs: a 5-point stencil (4 passes) per touched coordinate at each
     * point, plus the point's own output and its cached layers.
     */
    static long passes(int nullDimension, int supportSize, ReadConfig config) {
        return (4L * supportSize + 2) * (nullDimension + config.gaugeTestExtraPoints());
    }

    /** Orthonormal basis of the gauge part of the span of {@code basis} (itself orthonormal). */
    List<double[]> gaugePart(List<double[]> basis) {
        List<double[]> out = new ArrayList<>();
        int d = basis.size();
        if (d == 0) {
            return out;
        }
        List<double[][]> spaces = nullSpaces();
        DMatrixRMaj m = DMatrixRMaj.wrap(d, d, new double[d * d]);
        for (int i = 0; i < d; i++) {
            m.set(i, i, 1.0);
        }
        for (double[][] n : spaces) {
            // B' N N' B = (N'B)'(N'B)
            double[][] nb = new double[n.length][d];
            for (int k = 0; k < n.length; k++) {
                for (int i = 0; i < d; i++) {
                    nb[k][i] = Directions.dot(n[k], basis.get(i));
                }
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double s = 0;
                    for (double[] row : nb) {
                        s += row[i] * row[j];
                    }
                    m.add(i, j, -s / spaces.size());
                }
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(m)) {
            throw new IllegalStateException("eigen-decomposition of the gauge-test matrix did not converge");
        }
        // Order eigenvectors by eigenvalue so the basis is deterministic.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Double.compare(eig.getEigenvalue(a).real, eig.getEigenvalue(b).real));
        for (int i : order) {
            if (eig.getEigenvalue(i).real > config.gaugeTestTolerance()) {
                continue;
            }
            DMatrixRMaj v = eig.getEigenVector(i);
            double[] u = new double[theta.length];
            for (int k = 0; k < d; k++) {
                double c = v.get(k, 0);
                double[] b = basis.get(k);
                for (int q = 0; q < u.length; q++) {
                    u[q] += c * b[q];
                }
            }
            for (double[] prev : out) {
                double c = Directions.dot(u, prev);
                for (int q = 0; q < u.length; q++) {
                    u[q] -= c * prev[q];
                }
            }
            if (Directions.norm(u) > 1e-6) {
                out.add(Directions.normalise(u));
            }
        }
        return out;
    }

    private List<double[][]> nullSpaces() {
        if (nullSpaces != null) {
            return nullSpaces;
        }
        SplittableRandom random = new SplittableRandom(config.seed());
        nullSpaces = new ArrayList<>();
        int p = theta.length;
        int s = support.length;
        for (int j = 0; j < points; j++) {
            double[] r = new double[s];
            for (int k = 0; k < s; k++) {
                r[k] = gaussian(random);
            }
            r = Directions.normalise(r);
            double[] point = moved(r);
            // A null vector is a combination of columns whose cancellation must stay at the float floor:
            // the 5-point stencil's truncation (h^4, about 1e-16 relative) keeps it there on curved
            // orbits, where a central difference's h^2 leaves it above the noise floor.
            DMatrixRMaj g = fisher.at(point).axisColumns(point, support, coordinateScale);
            org.ejml.interfaces.decomposition.SingularValueDecomposition_F64<DMatrixRMaj> svd =
                    io.github.deaddirections.fisher.JacobianSvd.of(g, true);
            if (svd == null) {
                throw new IllegalStateException("the SVD of the gauge test's Jacobian did not converge");
            }
            DMatrixRMaj w = svd.getW(null);
            DMatrixRMaj v = svd.getV(null, true);
            org.ejml.dense.row.SingularOps_DDRM.descendingOrder(null, false, w, v, true);
            // Exact zeros only: at a generic point a genuine block is small but live, a symmetry is at the float floor.
            double top = Math.min(w.numRows, w.numCols) > 0 ? w.get(0, 0) : 0.0;
            double floor = config.noiseFloor() * Math.max(top * top, Double.MIN_NORMAL);
            List<double[]> nulls = new ArrayList<>();
            for (int i = 0; i < s; i++) {
                double sv = i < Math.min(w.numRows, w.numCols) ? w.get(i, i) : 0.0;
                if (sv * sv <= floor) {
                    double[] full = new double[p];
                    for (int k = 0; k < s; k++) {
                        full[support[k]] = v.get(i, k);
                    }
                    nulls.add(full);
                }
            }
            nullSpaces.add(nulls.toArray(new double[0][]));
        }
        return nullSpaces;
    }

    /** theta moved along r on the support, as far as no probe sample crosses a kink (see the constructor). */
    private double[] moved(double[] r) {
        for (double o = offset; ; o /= 4) {
            double step = Math.max(o, safeOffset);
            double[] point = theta.clone();
            for (int k = 0; k < support.length; k++) {
                point[support[k]] += step * r[k];
            }
            if (step <= safeOffset || !crossesKink.test(point)) {
                return point;
            }
        }
    }

    static double gaussian(SplittableRandom random) {
        // Box-Muller: deterministic for a seed, independent of java.util.Random's internals.
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
