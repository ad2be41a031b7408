package io.github.deaddirections.oracle;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The singular values of the whitened Jacobian A (the square roots of the Fisher's eigenvalues) and
 * its right singular vectors, sorted large to small; a tall A's missing values (fewer rows than
 * parameters) are zeros. Singular values of A, not eigenvalues of A^T A: exact null directions sit
 * at the rounding of A (about 1e-15 of the largest), not of A^T A (1e-15 of the largest eigenvalue,
 * i.e. 3e-8 in singular value), so an ill-conditioned live direction can still be told apart.
 */
final class Spectrum {

    final double[] values;
    /** P x P, column i the right singular vector of values[i]. */
    final DMatrixRMaj vectors;

    private Spectrum(double[] values, DMatrixRMaj vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    static Spectrum of(DMatrixRMaj a) {
        int params = a.numCols;
        DMatrixRMaj m = a;
        if (a.numRows < params) {
            // Pad with zero rows: the missing singular values are exact zeros.
            m = new DMatrixRMaj(params, params);
            CommonOps_DDRM.insert(a, m, 0, 0);
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m.numRows, params, false, true, true);
        if (!svd.decompose(m.copy())) {
            throw new IllegalStateException("SVD failed");
        }
        double[] s = svd.getSingularValues();
        DMatrixRMaj v = svd.getV(null, false);
        Integer[] order = IntStream.range(0, params).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -s[i]));
        double[] values = new double[params];
        DMatrixRMaj vectors = new DMatrixRMaj(params, params);
        for (int k = 0; k < params; k++) {
            values[k] = s[order[k]];
            for (int r = 0; r < params; r++) {
                vectors.unsafe_set(r, k, v.unsafe_get(r, order[k]));
            }
        }
        return new Spectrum(values, vectors);
    }

    double largest() {
        return values.length == 0 ? 0 : values[0];
    }

    /** values[i] / values[0]. */
    double relative(int i) {
        return values[i] / Math.max(largest(), Double.MIN_NORMAL);
    }

    /** The columns rank .. P-1 of the right singular vectors: an orthonormal basis of the null space below the cut. */
    DMatrixRMaj nullBasis(int rank) {
        int params = values.length;
        DMatrixRMaj n = new DMatrixRMaj(params, params - rank);
        CommonOps_DDRM.extract(vectors, 0, params, rank, params, n, 0, 0);
        return n;
    }
}
