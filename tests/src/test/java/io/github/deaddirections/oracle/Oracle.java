package io.github.deaddirections.oracle;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

/**
 * The independent reading of a dense network: the Fisher rank at theta and the gauge dimension, from
 * the oracle's own forward pass, complex-step Jacobian, SVD and gap rule. Nothing of the library's
 * read is used.
 *
 * <p><b>Gauge dimension</b> (METHOD 3, generic gauge test): the dimension of the part of the null
 * space N0 = null F(theta) that stays null at generic nearby points. "Nearby generic point" here means
 * {@code theta_i = theta + delta_i}, {@code delta_i = eps * rms(theta) * sqrt(n0) * r_i} with r_i a
 * random unit vector <i>in N0</i> (eps = 0.02): every null coordinate moves by about 2% of the
 * typical parameter, and nothing live moves. The move is halved while it takes some probe sample's
 * pre-activation across a branch point of its activation (a kink, or the switch between ELU's
 * pieces): beyond one the network is on another analytic piece, where the local symmetries of this
 * one (a bias shift inside a linear piece, say) no longer hold, and a gauge would be miscounted as
 * a singularity. Why along N0:
 * <ul>
 *   <li>a symmetry (ReLU / LeakyReLU / cube rescaling, the softmax logit shift) acts at every point,
 *       so its tangent stays null at theta_i, tilted by O(eps) for a curved orbit; a null of the
 *       input data (a zero input column) is null at every theta;</li>
 *   <li>the tangent of a smooth flat locus (a unit with zero outgoing weights: its incoming weights;
 *       a unit with zero incoming weights and a live outgoing vector: its outgoing weights with the
 *       consumer bias taking up its constant) stays null, because moving along N0 keeps theta on the
 *       locus: the live coordinates that would leave it are not moved. A random move in all of R^P
 *       would leave the locus and miss these flats, which METHOD counts as FLAT_GAUGE (flat-locus);</li>
 *   <li>a singular crossing (node death, duplicate units) is undone by a generic move within N0:
 *       its outgoing and incoming components move together, the unit comes alive (or the duplicates
 *       part), and its directions turn live, at size eps^(k-1) for order k, far above the float floor;</li>
 *   <li>an orbit whose tangent vanishes at theta (the rescaling of a dead ReLU unit, 0 at w = a = 0)
 *       is null at theta_i along a direction that depends on delta_i: it rotates by O(1) from point
 *       to point and the intersection drops it.</li>
 * </ul>
 * So the gauge space is the intersection of N0 with the exact null spaces at 6 such points, a
 * direction counting as "in" a null space within a principal angle of 0.25 rad (the O(eps) tilt of a
 * curved orbit) and recomputed with 0.6 rad; when the two disagree the network is ambiguous. Exact
 * null at a moved point: singular value below 1e-14 of the largest (the float floor is about 1e-16,
 * a genuine order-k block shows about eps^(k-1) of its scale there); a value within a factor 10 of
 * that cut makes the network ambiguous.
 */
final class Oracle {

    static final double EPS = 0.02;
    static final int POINTS = 6;
    static final double TILT = 0.25;
    static final double TILT_LOOSE = 0.6;
    static final double MOVED_NULL = 1e-14;
    static final double MOVED_BAND = 10;

    /**
     * @param rank          Fisher rank at theta
     * @param gauge         gauge dimension (strict tolerance)
     * @param cut           the rank cut at theta
     * @param ambiguous     why the gauge dimension is uncertain, or null
     * @param millis        time the oracle took
     */
    record Result(int parameters, int rank, int gauge, RankCut cut, String ambiguous, double millis) {
        boolean wellConditioned() {
            return cut.clean();
        }

        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "oracle: P=%d rank=%d gauge=%d cut(gap %.1f decades, live end %.2e, null start %.2e)%s",
                    parameters, rank, gauge, cut.gapDecades(), cut.liveEnd(), cut.nullStart(),
                    ambiguous == null ? "" : " AMBIGUOUS: " + ambiguous);
        }
    }

    private Oracle() {
    }

    static Result read(MultiLayerNetwork net, INDArray probe, long seed) {
        Mlp mlp = Mlp.of(net);
        return read(mlp, Mlp.parameters(net, mlp), rows(probe), seed);
    }

    static Result read(Mlp mlp, double[] theta, double[][] x, long seed) {
        long start = System.nanoTime();
        int params = theta.length;
        Spectrum base = Spectrum.of(WhitenedJacobian.of(mlp, theta, x));
        RankCut cut = RankCut.of(base);
        int n0 = params - cut.rank();
        String ambiguous = null;
        DMatrixRMaj strict = base.nullBasis(cut.rank());
        DMatrixRMaj loose = strict;
        if (n0 > 0) {
            Random rnd = new Random(seed ^ 0x5DEECE66DL);
            double rms = 0;
            for (double t : theta) {
                rms += t * t;
            }
            rms = Math.sqrt(rms / params);
            rms = rms == 0 ? 1 : rms;
            DMatrixRMaj n0Basis = base.nullBasis(cut.rank());
            for (int point = 0; point < POINTS; point++) {
                double[] g = new double[n0];
                double norm = 0;
                for (int k = 0; k < n0; k++) {
                    g[k] = rnd.nextGaussian();
                    norm += g[k] * g[k];
                }
                double size = EPS * rms * Math.sqrt(n0) / Math.sqrt(norm);
                double[] moved = along(theta, n0Basis, g, size);
                // Stay on the analytic piece of theta: a sample across a kink is another region, where
                // a gauge of this one need not be null (halved until none crosses).
                for (int halving = 0; halving < 40 && crossesBranch(mlp, theta, moved, x); halving++) {
                    size /= 2;
                    moved = along(theta, n0Basis, g, size);
                }
                Spectrum s = Spectrum.of(WhitenedJacobian.of(mlp, moved, x));
                // Exact nulls at a moved point sit at the float floor; a genuine block of order k shows
                // about eps^(k-1) of its scale. A value near the cut makes the count uncertain.
                int live = 0;
                while (live < params && s.relative(live) >= MOVED_NULL) {
                    live++;
                }
                for (int k = 0; k < params; k++) {
                    double v = s.relative(k);
                    if (v >= MOVED_NULL / MOVED_BAND && v < MOVED_NULL * MOVED_BAND && ambiguous == null) {
                        ambiguous = String.format(java.util.Locale.ROOT, "a singular value %.1e at moved point %d, within %.0fx of the cut %.0e",
                                v, point, MOVED_BAND, MOVED_NULL);
                    }
                }
                DMatrixRMaj ni = s.nullBasis(live);
                strict = within(strict, ni, TILT);
                loose = within(loose, ni, TILT_LOOSE);
            }
            if (strict.numCols != loose.numCols && ambiguous == null) {
                ambiguous = "the intersection keeps " + strict.numCols + " directions within " + TILT + " rad and "
                        + loose.numCols + " within " + TILT_LOOSE;
            }
        }
        return new Result(params, cut.rank(), strict.numCols, cut, ambiguous, (System.nanoTime() - start) / 1e6);
    }

    private static double[] along(double[] theta, DMatrixRMaj basis, double[] g, double size) {
        double[] moved = theta.clone();
        for (int r = 0; r < theta.length; r++) {
            double d = 0;
            for (int k = 0; k < g.length; k++) {
                d += basis.unsafe_get(r, k) * g[k];
            }
            moved[r] += size * d;
        }
        return moved;
    }

    /** Whether some sample's pre-activation of a hidden unit is on another branch at b than at a (a value on a branch point at a is the crossing under test). */
    static boolean crossesBranch(Mlp mlp, double[] a, double[] b, double[][] x) {
        Mlp.Pass pa = mlp.forward(a, x);
        Mlp.Pass pb = mlp.forward(b, x);
        for (int l = 0; l + 1 < mlp.layers.size(); l++) {
            double[] branches = mlp.layers.get(l).activation().branchPoints();
            if (branches.length == 0) {
                continue;
            }
            for (int s = 0; s < x.length; s++) {
                for (int j = 0; j < mlp.layers.get(l).nOut(); j++) {
                    double za = pa.z()[l][s][j];
                    double zb = pb.z()[l][s][j];
                    for (double k : branches) {
                        if (za != k && (za > k) != (zb > k)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** The part of span(g) within the given principal angle of span(n): g V restricted to cos(angle) above cos(tol). */
    static DMatrixRMaj within(DMatrixRMaj g, DMatrixRMaj n, double tol) {
        if (g.numCols == 0 || n.numCols == 0) {
            return new DMatrixRMaj(g.numRows, 0);
        }
        DMatrixRMaj m = new DMatrixRMaj(n.numCols, g.numCols);
        CommonOps_DDRM.multTransA(n, g, m);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m.numRows, m.numCols, false, true, false);
        if (!svd.decompose(m.copy())) {
            throw new IllegalStateException("SVD failed");
        }
        double[] cos = svd.getSingularValues();
        DMatrixRMaj v = svd.getV(null, false);
        int keep = 0;
        for (int k = 0; k < cos.length; k++) {
            if (cos[k] >= Math.cos(tol)) {
                keep++;
            }
        }
        DMatrixRMaj out = new DMatrixRMaj(g.numRows, keep);
        int col = 0;
        for (int k = 0; k < cos.length; k++) {
            if (cos[k] >= Math.cos(tol)) {
                for (int r = 0; r < g.numRows; r++) {
                    double sum = 0;
                    for (int c = 0; c < g.numCols; c++) {
                        sum += g.unsafe_get(r, c) * v.unsafe_get(c, k);
                    }
                    out.unsafe_set(r, col, sum);
                }
                col++;
            }
        }
        return out;
    }

    static double[][] rows(INDArray probe) {
        int n = (int) probe.rows();
        int d = (int) probe.columns();
        double[][] x = new double[n][d];
        for (int s = 0; s < n; s++) {
            for (int i = 0; i < d; i++) {
                x[s][i] = probe.getDouble(s, i);
            }
        }
        return x;
    }
}
