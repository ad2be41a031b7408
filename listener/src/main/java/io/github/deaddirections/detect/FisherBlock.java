package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.ExpectedFisher;
import io.github.deaddirections.fisher.FisherSpectrum;
import io.github.deaddirections.fisher.OutputDistribution;
import io.github.deaddirections.snapshot.Snapshot;
import org.ejml.data.DMatrixRMaj;

import java.util.List;

/**
 * The expected Fisher restricted to the span of a few orthonormal sparse directions u_1..u_m,
 * and which combinations of them are null (the K-FAC G factor is such a block: the bias one).
 * On the exact path it comes from the spectrum at no cost: rows {@code sqrt(lambda_k) <v_k, u_j>}
 * over the live eigenvectors, null where {@code sigma^2} is under the spectrum's own threshold.
 * Otherwise by one 5-point stencil per direction (the exact Fisher's columns, partial passes from
 * the first layer each moves), null below a relative singular-value tolerance.
 */
final class FisherBlock {

    private final DetectionContext context;
    private ExpectedFisher stencils;
    private double lastNorm;

    FisherBlock(DetectionContext context) {
        this.context = context;
    }

    /** Whether null combinations cost forward passes here (no exact spectrum). */
    boolean needsPasses() {
        return context.spectrum().isEmpty();
    }

    /**
     * Frobenius norm of the last stencil block (its Fisher trace, square-rooted): a reference for a
     * later block whose directions may all be null, where a cut relative to its own largest singular
     * value would only compare rounding noise with itself.
     */
    double lastNorm() {
        return lastNorm;
    }

    /**
     * Unit coefficient vectors c with {@code sum_j c_j u_j} null.
     *
     * @param coordinates support of each u_j
     * @param values      entries of each u_j (unit norm, mutually orthogonal)
     * @param step        stencil step (used without a spectrum)
     * @param reference   without a spectrum: null is below the relative tolerance times this, or times
     *                    the block's own largest singular value when it is 0
     */
    List<double[]> nullCombinations(int[][] coordinates, double[][] values, double step, double reference) {
        Snapshot snapshot = context.snapshot();
        if (context.spectrum().isPresent()) {
            FisherSpectrum spectrum = context.spectrum().get();
            DMatrixRMaj rows = new DMatrixRMaj(spectrum.rank(), coordinates.length);
            for (int k = 0; k < spectrum.rank(); k++) {
                double[] v = spectrum.eigenvectors()[k];
                double root = Math.sqrt(Math.max(spectrum.eigenvalues()[k], 0.0));
                for (int j = 0; j < coordinates.length; j++) {
                    double dot = 0;
                    for (int i = 0; i < coordinates[j].length; i++) {
                        dot += v[coordinates[j][i]] * values[j][i];
                    }
                    rows.unsafe_set(k, j, root * dot);
                }
            }
            return ActivationNullDetector.rightNullVectors(rows, 0.0, Math.sqrt(spectrum.threshold()));
        }
        if (stencils == null) {
            stencils = new ExpectedFisher(snapshot.model(), OutputDistribution.of(snapshot.outputLayer(), context.config()),
                    snapshot.layerPositions(), context.config().jacobianStep());
        }
        double[] steps = new double[coordinates.length];
        java.util.Arrays.fill(steps, step);
        DMatrixRMaj columns = stencils.whitenedColumns(snapshot.parametersView(), coordinates, values, steps);
        lastNorm = org.ejml.dense.row.NormOps_DDRM.normF(columns);
        if (columns.numRows <= coordinates.length) {
            // Fewer probe rows than directions: the null combinations would be the probe's.
            return List.of();
        }
        double tolerance = context.config().outputNullTolerance();
        // A direction the output does not see (a dead channel's bias) is null on its own: its
        // axis, exactly, instead of an SVD vector with rounding noise on every other channel,
        // which would make each lift built on it move the whole layer. Its column is zero up to
        // DL4J's rounding (BLAS results vary with memory alignment), so "on its own" is the
        // column's norm under the same cut as the singular values; the null combinations of
        // the other columns follow by the SVD.
        double[] norms = columnNorms(columns);
        double scale = reference > 0 ? reference : java.util.Arrays.stream(norms).max().orElse(0.0);
        int[] live = java.util.stream.IntStream.range(0, norms.length)
                .filter(j -> norms[j] > tolerance * scale).toArray();
        List<double[]> out = new java.util.ArrayList<>();
        for (int j = 0; j < columns.numCols; j++) {
            if (java.util.Arrays.binarySearch(live, j) < 0) {
                double[] axis = new double[columns.numCols];
                axis[j] = 1.0;
                out.add(axis);
            }
        }
        if (live.length == 0) {
            return out;
        }
        DMatrixRMaj rest = new DMatrixRMaj(columns.numRows, live.length);
        for (int i = 0; i < columns.numRows; i++) {
            for (int k = 0; k < live.length; k++) {
                rest.unsafe_set(i, k, columns.unsafe_get(i, live[k]));
            }
        }
        List<double[]> restNull = reference > 0 ? ActivationNullDetector.rightNullVectors(rest, 0.0, tolerance * reference)
                : ActivationNullDetector.rightNullVectors(rest, tolerance);
        for (double[] v : restNull) {
            double[] full = new double[columns.numCols];
            for (int k = 0; k < live.length; k++) {
                full[live[k]] = v[k];
            }
            out.add(full);
        }
        return out;
    }

    private static double[] columnNorms(DMatrixRMaj m) {
        double[] norms = new double[m.numCols];
        for (int i = 0; i < m.numRows; i++) {
            for (int j = 0; j < m.numCols; j++) {
                norms[j] += m.unsafe_get(i, j) * m.unsafe_get(i, j);
            }
        }
        for (int j = 0; j < norms.length; j++) {
            norms[j] = Math.sqrt(norms[j]);
        }
        return norms;
    }
}
