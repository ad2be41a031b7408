package io.github.deaddirections.detect;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whether shifting a unit's bias is an exact symmetry around b0, measured on the activation itself.
 *
 * <p>A unit adds {@code a phi(b + u)} (u = w x) to a consumer whose bias c absorbs constants. The
 * shift b -&gt; b + t is undone by the other parameters of the unit and the consumer bias exactly when
 * the activation's translates are affine images of each other near b0:
 * {@code phi(b0 + t + z) = alpha(t) phi(b0 + beta(t) z) + gamma(t)} for small z and t (then
 * a -&gt; a / alpha, w -&gt; w / beta, c -&gt; c - a gamma / alpha undo it). Differentiating at t = 0 gives
 * the test used here: {@code phi'(b0 + z)} lies in the span of {@code 1, phi(b0 + z), z phi'(b0 + z)}
 * as functions of z on a small window. It holds for an affine piece (hard tanh, hard sigmoid and
 * ReLU6 inside a piece, ReLU/LeakyReLU/ELU/SELU above 0), an exponential one (ELU/SELU below 0),
 * a Moebius one (softsign of one sign) and a power (the cube away from 0); it fails at a kink, and
 * for tanh, sigmoid, softplus, GELU, swish and mish, whose residual at this window is 1e-6 to 1e-3
 * of phi' against the stencil's 1e-13.
 *
 * <p>At a dead unit (w = 0, a = 0) the symmetry's tangent is the bias axis, so the unit's bias is
 * a flat gauge, not a coordinate of its node death (METHOD 3, symmetry orbit).
 */
public final class ShiftSymmetry {

    /** Half-width of the window of z (far inside every piece the generators of tests use, far above the stencil step). */
    static final double WINDOW = 0.1;
    private static final int POINTS = 41;
    private static final double STEP = 1e-3;
    /** Residual share of phi' below which the span holds: exact cases reach ~1e-13, smooth non-affine ones 1e-6 (softplus) to 1e-3. */
    static final double TOLERANCE = 1e-10;

    private ShiftSymmetry() {
    }

    /** Whether the bias shift is an exact symmetry of phi around b0 (with an absorbing consumer bias). */
    public static boolean at(IActivation phi, double b0) {
        return residual(phi, b0) <= TOLERANCE;
    }

    /** RMS residual of phi' after projecting it onto span(1, phi, z phi'), relative to RMS of phi'. */
    static double residual(IActivation phi, double b0) {
        double[] z = new double[POINTS * 5];
        for (int k = 0; k < POINTS; k++) {
            double zk = b0 + WINDOW * (2.0 * k / (POINTS - 1) - 1);
            for (int s = -2; s <= 2; s++) {
                z[5 * k + s + 2] = zk + s * STEP;
            }
        }
        double[] f = evaluate(phi, z);
        DMatrixRMaj basis = new DMatrixRMaj(POINTS, 3);
        DMatrixRMaj slope = new DMatrixRMaj(POINTS, 1);
        double norm = 0;
        for (int k = 0; k < POINTS; k++) {
            int c = 5 * k + 2;
            // Five-point derivative: error ~ STEP^4 phi^(5), rounding ~ 1e-16 / STEP.
            double d = (f[c - 2] - 8 * f[c - 1] + 8 * f[c + 1] - f[c + 2]) / (12 * STEP);
            slope.set(k, 0, d);
            basis.set(k, 0, 1.0);
            basis.set(k, 1, f[c]);
            basis.set(k, 2, (z[c] - b0) * d);
            norm += d * d;
        }
        if (!(norm > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.leastSquaresQrPivot(true, false);
        DMatrixRMaj fit = new DMatrixRMaj(3, 1);
        if (!solver.setA(basis.copy())) {
            return Double.POSITIVE_INFINITY;
        }
        solver.solve(slope, fit);
        DMatrixRMaj predicted = new DMatrixRMaj(POINTS, 1);
        CommonOps_DDRM.mult(basis, fit, predicted);
        double res = 0;
        for (int k = 0; k < POINTS; k++) {
            double r = slope.get(k, 0) - predicted.get(k, 0);
            res += r * r;
        }
        return Math.sqrt(res / norm);
    }

    private static double[] evaluate(IActivation phi, double[] z) {
        INDArray in = Nd4j.createFromArray(z.clone()).castTo(DataType.DOUBLE).reshape(1, z.length);
        return phi.getActivation(in, false).toDoubleVector();
    }
}
