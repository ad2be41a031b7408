package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.BranchPoints;
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
                    snapshot.layerPositions(), BranchPoints.alongParameters(snapshot), context.config().jacobianStep());
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
        List<double[]> nulls = reference > 0 ? ActivationNullDetector.rightNullVectors(columns, 0.0, tolerance * reference)
                : ActivationNullDetector.rightNullVectors(columns, tolerance);
        return nulls.stream().map(v -> withoutNoise(v, tolerance)).toList();
    }

    /**
     * The null vector with entries under {@code tolerance} times its largest set to zero,
     * renormalised. Why: a direction the output does not see (a dead channel's bias) has a column
     * that is zero up to DL4J's rounding (BLAS results vary with memory alignment), so the SVD
     * returns its axis with rounding noise on every other coordinate; each lift built on it would
     * then move the whole layer instead of the one channel (and a pass could not start from the
     * channel's cached pre-activation). Each entry dropped changes the norm of J g by at most the
     * detector's own cut.
     */
    static double[] withoutNoise(double[] v, double tolerance) {
        double max = 0;
        for (double x : v) {
            max = Math.max(max, Math.abs(x));
        }
        double[] out = v.clone();
        double norm = 0;
        for (int i = 0; i < out.length; i++) {
            if (Math.abs(out[i]) <= tolerance * max) {
                out[i] = 0.0;
            }
            norm += out[i] * out[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < out.length; i++) {
            out[i] /= norm;
        }
        return out;
    }
}
