package io.github.deaddirections.detect;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A linear bottleneck (METHOD 4, 5): two consecutive dense layers with identity activation and no
 * bias, {@code f = W2' W1' x} with W1 [M, H] and W2 [H, N]. Alignment-free, in whatever basis
 * training left:
 * <ul>
 *   <li>the GL(H) gauge {@code (W1, W2) -> (W1 A, A^-1 W2)}: its orbit tangents
 *       {@code (W1 X, -X W2)}, one curved orbit per singular direction X of that tangent map;</li>
 *   <li>when the product has rank r below H, the excess block: the kernel of
 *       {@code D(dW1, dW2) = dW1 W2 + W1 dW2} beyond the gauge tangents. Along it the product moves
 *       as {@code t^2 dW1 dW2} (order 2), and its (lambda_B, m_B) is Aoyagi-Watanabe's lambda minus
 *       the rank part {@code r(M+N-r)/2}.</li>
 * </ul>
 */
public final class ReducedRankDetector implements Detector {

    public static final String MECHANISM = "reduced-rank";
    public static final String GAUGE_MECHANISM = "gl-gauge";
    private static final double RANK_TOLERANCE = 1e-9;

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return Layers.isPlainDense(layer);
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo first : snapshot.layers()) {
            if (!isLinearNoBias(snapshot, first) || first.consumer() == null) {
                continue;
            }
            LayerInfo second = snapshot.layer(first.consumer());
            if (!isLinearNoBias(snapshot, second) || second.preProcessor() != null) {
                continue;
            }
            ParameterBlock w1 = Layers.weights(snapshot, first).orElseThrow();
            ParameterBlock w2 = Layers.weights(snapshot, second).orElseThrow();
            if (w1.size() == 1 && w2.size() == 1) {
                continue; // a width-one chain, the chain detector's
            }
            pair(context, first, second, w1, w2, out);
        }
        return out;
    }

    private static boolean isLinearNoBias(Snapshot snapshot, LayerInfo layer) {
        Optional<ParameterBlock> w = Layers.weights(snapshot, layer);
        return Layers.isDense(layer) && Layers.isIdentity(layer) && w.isPresent() && Layers.bias(snapshot, layer).isEmpty()
                && snapshot.layout().blocksOf(layer.name()).size() == 1;
    }

    private static void pair(DetectionContext context, LayerInfo first, LayerInfo second, ParameterBlock b1,
                             ParameterBlock b2, List<Candidate> out) {
        Snapshot snapshot = context.snapshot();
        double[] theta = snapshot.parametersView();
        int p = theta.length;
        int m = (int) b1.dim(0);
        int h = (int) b1.dim(1);
        int n = (int) b2.dim(1);
        DMatrixRMaj w1 = matrix(theta, b1, m, h);
        DMatrixRMaj w2 = matrix(theta, b2, h, n);
        int local = m * h + h * n;
        List<String> layers = List.of(first.name(), second.name());

        // Gauge tangents: X in gl(H) -> (W1 X, -X W2), as a local matrix [local, H*H].
        DMatrixRMaj tangentMap = new DMatrixRMaj(local, h * h);
        for (int a = 0; a < h; a++) {
            for (int b = 0; b < h; b++) {
                DMatrixRMaj x = new DMatrixRMaj(h, h);
                x.set(a, b, 1.0);
                double[] t = tangent(w1, w2, x);
                for (int i = 0; i < local; i++) {
                    tangentMap.set(i, a * h + b, t[i]);
                }
            }
        }
        double scale = Math.max(CommonOps_DDRM.elementMaxAbs(w1), CommonOps_DDRM.elementMaxAbs(w2));
        List<double[]> gaugeLocal = new ArrayList<>();
        List<DMatrixRMaj> generators = new ArrayList<>();
        List<Double> speeds = new ArrayList<>();
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(local, h * h, true, true, false);
        svd.decompose(tangentMap.copy());
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj s = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, true);
        SingularOps_DDRM.descendingOrder(u, false, s, v, true);
        double sMax = Math.min(s.numRows, s.numCols) > 0 ? s.get(0, 0) : 0;
        for (int i = 0; i < Math.min(s.numRows, s.numCols); i++) {
            double sv = s.get(i, i);
            if (sv > RANK_TOLERANCE * Math.max(sMax, 1e-300) && sv > 0) {
                double[] col = new double[local];
                for (int r = 0; r < local; r++) {
                    col[r] = u.get(r, i);
                }
                gaugeLocal.add(col);
                DMatrixRMaj x = new DMatrixRMaj(h, h);
                System.arraycopy(v.data, i * h * h, x.data, 0, h * h);
                generators.add(x);
                speeds.add(sv);
            }
        }
        if (!gaugeLocal.isEmpty()) {
            List<Orbit> orbits = new ArrayList<>();
            for (int i = 0; i < gaugeLocal.size(); i++) {
                Direction tangentP = lift(gaugeLocal.get(i), b1, b2, m, h, n, p);
                DMatrixRMaj gen = generators.get(i);
                double speed = speeds.get(i);
                Path orbit = t -> act(theta, b1, b2, w1, w2, gen, t / speed);
                orbits.add(new Orbit("orbit:gl" + i, tangentP, orbit));
            }
            out.add(GaugeCandidate.symmetry(GAUGE_MECHANISM + ":" + first.name() + "-" + second.name(), GAUGE_MECHANISM, layers,
                    orbits));
        }

        // The product's rank and the kernel of D beyond the gauge.
        DMatrixRMaj product = new DMatrixRMaj(m, n);
        CommonOps_DDRM.mult(w1, w2, product);
        int r = rank(product, RANK_TOLERANCE * Math.max(scale * scale, 1e-300));
        if (r >= h) {
            return;
        }
        List<double[]> excess = excessBasis(w1, w2, gaugeLocal, m, h, n);
        if (excess.isEmpty()) {
            return;
        }
        List<Direction> span = new ArrayList<>();
        for (double[] e : excess) {
            span.add(lift(e, b1, b2, m, h, n, p));
        }
        // One component: a generic combination of the excess directions moves both factors, and the
        // product at second order (a combination with dW1 = 0 or dW2 = 0 would not).
        out.add(BlockCandidate.ofComponents(MECHANISM + ":" + first.name() + "-" + second.name(), MECHANISM, layers,
                List.of(new BlockComponent("excess", span)), dims -> new BlockLaw.ReducedRankExcess(m, n, h, r),
                MECHANISM + ":" + first.name() + "-" + second.name()));
    }

    private static DMatrixRMaj matrix(double[] theta, ParameterBlock b, int rows, int cols) {
        DMatrixRMaj w = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                w.set(i, j, theta[b.index(i, j)]);
            }
        }
        return w;
    }

    /** (W1 X, -X W2) flattened as [W1 row-major, W2 row-major]. */
    private static double[] tangent(DMatrixRMaj w1, DMatrixRMaj w2, DMatrixRMaj x) {
        DMatrixRMaj a = new DMatrixRMaj(w1.numRows, x.numCols);
        CommonOps_DDRM.mult(w1, x, a);
        DMatrixRMaj b = new DMatrixRMaj(x.numRows, w2.numCols);
        CommonOps_DDRM.mult(x, w2, b);
        double[] t = new double[a.data.length + b.data.length];
        System.arraycopy(a.data, 0, t, 0, a.data.length);
        for (int i = 0; i < b.data.length; i++) {
            t[a.data.length + i] = -b.data[i];
        }
        return t;
    }

    /** theta with (W1 (I + sX), (I + sX)^-1 W2): a curve in the orbit, tangent (W1 X, -X W2) at s = 0. */
    private static double[] act(double[] theta, ParameterBlock b1, ParameterBlock b2, DMatrixRMaj w1, DMatrixRMaj w2,
                                DMatrixRMaj x, double s) {
        int h = x.numRows;
        DMatrixRMaj g = CommonOps_DDRM.identity(h);
        CommonOps_DDRM.addEquals(g, s, x);
        DMatrixRMaj gInv = new DMatrixRMaj(h, h);
        if (!CommonOps_DDRM.invert(g, gInv)) {
            throw new IllegalStateException("gauge element not invertible at s = " + s);
        }
        DMatrixRMaj a = new DMatrixRMaj(w1.numRows, h);
        CommonOps_DDRM.mult(w1, g, a);
        DMatrixRMaj b = new DMatrixRMaj(h, w2.numCols);
        CommonOps_DDRM.mult(gInv, w2, b);
        double[] out = theta.clone();
        for (int i = 0; i < a.numRows; i++) {
            for (int j = 0; j < a.numCols; j++) {
                out[b1.index(i, j)] = a.get(i, j);
            }
        }
        for (int i = 0; i < b.numRows; i++) {
            for (int j = 0; j < b.numCols; j++) {
                out[b2.index(i, j)] = b.get(i, j);
            }
        }
        return out;
    }

    /** A local vector [dW1 row-major, dW2 row-major] placed in R^P. */
    private static Direction lift(double[] local, ParameterBlock b1, ParameterBlock b2, int m, int h, int n, int p) {
        int[] coords = new int[local.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < h; j++) {
                coords[i * h + j] = b1.index(i, j);
            }
        }
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < n; j++) {
                coords[m * h + i * n + j] = b2.index(i, j);
            }
        }
        return Direction.sparse(p, coords, local);
    }

    private static int rank(DMatrixRMaj a, double tol) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(a.numRows, a.numCols, false, false, true);
        svd.decompose(a.copy());
        int r = 0;
        for (double s : svd.getSingularValues()) {
            if (s > tol) {
                r++;
            }
        }
        return r;
    }

    /** Orthonormal basis of ker D minus the span of the gauge tangents. */
    private static List<double[]> excessBasis(DMatrixRMaj w1, DMatrixRMaj w2, List<double[]> gauge, int m, int h, int n) {
        int local = m * h + h * n;
        DMatrixRMaj d = new DMatrixRMaj(m * n, local);
        for (int k = 0; k < local; k++) {
            double[] e = new double[local];
            e[k] = 1;
            DMatrixRMaj dw1 = new DMatrixRMaj(m, h, true, java.util.Arrays.copyOfRange(e, 0, m * h));
            DMatrixRMaj dw2 = new DMatrixRMaj(h, n, true, java.util.Arrays.copyOfRange(e, m * h, local));
            DMatrixRMaj a = new DMatrixRMaj(m, n);
            CommonOps_DDRM.mult(dw1, w2, a);
            CommonOps_DDRM.multAdd(w1, dw2, a);
            for (int i = 0; i < m * n; i++) {
                d.set(i, k, a.data[i]);
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m * n, local, false, true, false);
        svd.decompose(d);
        DMatrixRMaj s = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, true);
        SingularOps_DDRM.descendingOrder(null, false, s, v, true);
        double sMax = Math.min(s.numRows, s.numCols) > 0 ? s.get(0, 0) : 0;
        List<double[]> basis = new ArrayList<>(gauge);
        List<double[]> excess = new ArrayList<>();
        for (int i = 0; i < local; i++) {
            double sv = i < Math.min(s.numRows, s.numCols) ? s.get(i, i) : 0;
            if (sv > RANK_TOLERANCE * Math.max(sMax, 1e-300) && sMax > 0) {
                continue;
            }
            double[] k = new double[local];
            System.arraycopy(v.data, i * local, k, 0, local);
            for (double[] q : basis) {
                double c = Directions.dot(k, q);
                for (int j = 0; j < local; j++) {
                    k[j] -= c * q[j];
                }
            }
            double norm = Directions.norm(k);
            if (norm > 1e-6) {
                double[] unit = Directions.normalise(k);
                basis.add(unit);
                excess.add(unit);
            }
        }
        return excess;
    }

}
