package io.github.deaddirections.resolve;

import io.github.deaddirections.assemble.ReducedRank;
import io.github.deaddirections.detect.Layers;
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
 * A linear bottleneck's small singular values truncated (METHOD 8): two consecutive dense
 * layers with identity activation and no bias, {@code f = x W1 W2}, product {@code C = U S V'} of
 * rank r. The rank-k snap keeps the k largest singular values: {@code W1* = U_k U_k' W1},
 * {@code W2* = W2 V_k V_k'}, so {@code W1* W2* = U_k S_k V_k'} and both factors have rank k. The
 * factors stay in the basis training left, and the point is the deepest of the rank-k locus (both
 * factors of rank k), where Aoyagi and Watanabe's lambda for true rank k holds. Ranks r-1, ..., 0
 * are nested phases of one structure.
 */
final class BottleneckTruncation {

    private static final double RANK_TOLERANCE = 1e-9;

    private BottleneckTruncation() {
    }

    static List<NearSingularStructure> find(Snapshot snapshot) {
        List<NearSingularStructure> out = new ArrayList<>();
        double[] theta = snapshot.parametersView();
        for (LayerInfo first : snapshot.layers()) {
            if (!isLinearNoBias(snapshot, first) || first.consumer() == null) {
                continue;
            }
            LayerInfo second = snapshot.layer(first.consumer());
            if (!isLinearNoBias(snapshot, second) || second.preProcessor() != null) {
                continue;
            }
            ParameterBlock b1 = Layers.weights(snapshot, first).orElseThrow();
            ParameterBlock b2 = Layers.weights(snapshot, second).orElseThrow();
            int m = (int) b1.dim(0);
            int h = (int) b1.dim(1);
            int n = (int) b2.dim(1);
            DMatrixRMaj w1 = matrix(theta, b1, m, h);
            DMatrixRMaj w2 = matrix(theta, b2, h, n);
            DMatrixRMaj c = new DMatrixRMaj(m, n);
            CommonOps_DDRM.mult(w1, w2, c);
            SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m, n, true, true, false);
            svd.decompose(c.copy());
            DMatrixRMaj u = svd.getU(null, false);
            DMatrixRMaj s = svd.getW(null);
            DMatrixRMaj v = svd.getV(null, false);
            SingularOps_DDRM.descendingOrder(u, false, s, v, false);
            int full = Math.min(m, n);
            double top = full > 0 ? s.get(0, 0) : 0;
            int rank = 0;
            while (rank < full && s.get(rank, rank) > RANK_TOLERANCE * Math.max(top, 1e-300)) {
                rank++;
            }
            String id = "bottleneck:" + first.name() + "-" + second.name();
            List<Snap> snaps = new ArrayList<>();
            for (int k = rank - 1; k >= 0; k--) {
                // Aoyagi-Watanabe at the trained rank minus at rank k: what the law says the snap saves.
                double saving = ReducedRank.learningCoefficient(m, n, h, Math.min(rank, h))
                        - ReducedRank.learningCoefficient(m, n, h, k);
                int multiplicityChange = ReducedRank.multiplicity(m, n, h, k)
                        - ReducedRank.multiplicity(m, n, h, Math.min(rank, h));
                snaps.add(snap(id + ":rank-" + k, List.of(first.name(), second.name()), w1, w2, u, v, k, b1, b2, saving,
                        multiplicityChange));
            }
            if (!snaps.isEmpty()) {
                out.add(new NearSingularStructure(id, snaps));
            }
        }
        return out;
    }

    private static Snap snap(String name, List<String> layers, DMatrixRMaj w1, DMatrixRMaj w2, DMatrixRMaj u, DMatrixRMaj v,
                             int k, ParameterBlock b1, ParameterBlock b2, double saving,
                             int multiplicityChange) {
        int m = w1.numRows;
        int h = w1.numCols;
        int n = w2.numCols;
        DMatrixRMaj left = new DMatrixRMaj(m, m);
        DMatrixRMaj right = new DMatrixRMaj(n, n);
        if (k > 0) {
            DMatrixRMaj uk = CommonOps_DDRM.extract(u, 0, m, 0, k);
            DMatrixRMaj vk = CommonOps_DDRM.extract(v, 0, n, 0, k);
            CommonOps_DDRM.multTransB(uk, uk, left);
            CommonOps_DDRM.multTransB(vk, vk, right);
        }
        DMatrixRMaj w1s = new DMatrixRMaj(m, h);
        CommonOps_DDRM.mult(left, w1, w1s);
        DMatrixRMaj w2s = new DMatrixRMaj(h, n);
        CommonOps_DDRM.mult(w2, right, w2s);
        int[] set = new int[m * h + h * n];
        double[] values = new double[set.length];
        int at = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < h; j++) {
                set[at] = b1.index(i, j);
                values[at++] = w1s.get(i, j);
            }
        }
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < n; j++) {
                set[at] = b2.index(i, j);
                values[at++] = w2s.get(i, j);
            }
        }
        return new Snap(name, layers, set, values, new int[0], new double[0], set.length, saving, multiplicityChange);
    }

    private static boolean isLinearNoBias(Snapshot snapshot, LayerInfo layer) {
        Optional<ParameterBlock> w = Layers.weights(snapshot, layer);
        return Layers.isDense(layer) && Layers.isIdentity(layer) && w.isPresent() && Layers.bias(snapshot, layer).isEmpty()
                && snapshot.layout().blocksOf(layer.name()).size() == 1;
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
}
