package io.github.deaddirections.classify;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.detect.Directions;
import io.github.deaddirections.fisher.ExpectedFisher;
import io.github.deaddirections.fisher.FisherSpectrum;
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
 */
final class GaugeTest {

    private final ExpectedFisher fisher;
    private final ReadConfig config;
    private final double[] theta;
    private final double[] coordinateScale;
    private final double offset;
    private final int points;
    private List<double[][]> nullSpaces;

    /**
     * @param nullDimension dimension of the whole null space (the test uses more points than that)
     * @param offset        eps times the RMS parameter size
     */
    GaugeTest(ExpectedFisher fisher, ReadConfig config, double[] theta, double[] coordinateScale, int nullDimension,
              double offset) {
        this.fisher = fisher;
        this.config = config;
        this.theta = theta;
        this.coordinateScale = coordinateScale;
        this.offset = offset;
        this.points = nullDimension + config.gaugeTestExtraPoints();
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
        for (int j = 0; j < points; j++) {
            double[] r = new double[p];
            for (int i = 0; i < p; i++) {
                r[i] = gaussian(random);
            }
            r = Directions.normalise(r);
            double[] point = theta.clone();
            for (int i = 0; i < p; i++) {
                point[i] += offset * r[i];
            }
            double[] eigenvalues = new double[p];
            double[][] vectors = fisher.eigen(point, coordinateScale, eigenvalues);
            // Exact zeros only: at a generic point a genuine block is small but live, a symmetry is at the float floor.
            double scale = Math.max(eigenvalues[0], Double.MIN_NORMAL);
            int rank = 0;
            while (rank < p && eigenvalues[rank] > config.noiseFloor() * scale) {
                rank++;
            }
            FisherSpectrum s = new FisherSpectrum(eigenvalues, vectors, scale, rank, config.noiseFloor() * scale, Double.NaN);
            nullSpaces.add(s.nullBasis());
        }
        return nullSpaces;
    }

    static double gaussian(SplittableRandom random) {
        // Box-Muller: deterministic for a seed, independent of java.util.Random's internals.
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
