package io.github.deaddirections.fisher;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The singular values and right singular vectors of a Jacobian with more rows (sample x output)
 * than columns (parameters), taken from the R of its Householder QR factorisation: G = QR with
 * orthonormal Q, so R has G's singular values and right singular vectors. Householder QR is
 * backward stable (R is exact for G + E with |E| ~ eps |G|), the same guarantee as a direct SVD,
 * so exact null directions stay at the float floor (singular values ~1e-15 of the largest); on a
 * 5120 x 580 Jacobian it took 1.5 s where EJML's direct SVD took 4.2 s (measured in one run). It
 * also sidesteps the bidiagonal iteration's stalls on tall Jacobians with many zero columns; the
 * direct SVD remains the fallback.
 */
public final class JacobianSvd {

    private JacobianSvd() {
    }

    /**
     * @param vectors whether the right singular vectors are wanted
     * @return the decomposition (singular values unordered, as EJML leaves them), or null if neither
     *         route converged
     */
    public static SingularValueDecomposition_F64<DMatrixRMaj> of(DMatrixRMaj g, boolean vectors) {
        if (g.numRows > g.numCols) {
            QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(g.numRows, g.numCols);
            if (qr.decompose(qr.inputModified() ? g.copy() : g)) {
                DMatrixRMaj r = qr.getR(null, true);
                SingularValueDecomposition_F64<DMatrixRMaj> svd = svd(r, vectors);
                if (svd.decompose(r)) {
                    return svd;
                }
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = svd(g, vectors);
        return svd.decompose(svd.inputModified() ? g.copy() : g) ? svd : null;
    }

    private static SingularValueDecomposition_F64<DMatrixRMaj> svd(DMatrixRMaj m, boolean vectors) {
        return DecompositionFactory_DDRM.svd(m.numRows, m.numCols, false, vectors, !vectors);
    }
}
