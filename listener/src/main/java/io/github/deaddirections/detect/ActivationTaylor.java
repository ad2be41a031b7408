package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.BranchPoints;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.OptionalInt;

/**
 * The local shape of an activation at a point z0, measured on the activation itself (whatever
 * DL4J activation it is): its value phi(z0) and p, the order of the first non-vanishing term of
 * {@code phi(z0 + h) - phi(z0)} (METHOD 4, node death: the diagonal of a dead unit then has order
 * p + 1). A kink counts by its steeper side (ReLU at 0: p = 1, it is homogeneous of degree 1);
 * a function constant on both sides of z0 (a ReLU unit whose bias is negative) has no finite p.
 *
 * <p>p comes from the ratio of increments at two steps, {@code |D(h1)| / |D(h2)| = (h1/h2)^p}, in
 * float64: at h = 1e-2 and 1e-3 the increments of a cubic are 1e-6 and 1e-9, far above the
 * rounding of phi(z0) (about 1e-16), so the ratio is exact to a few digits. Near a branch point
 * of phi ({@link BranchPoints}) both steps shrink below half the distance to it, so that the
 * measurement sees the piece z0 lies on (a ReLU unit whose bias is -0.005 is inactive, not a kink).
 */
public final class ActivationTaylor {

    private static final double H1 = 1e-2;
    private static final double H2 = 1e-3;
    /** An increment below this share of max(|phi(z0)|, 1) is rounding: the side is flat. */
    private static final double FLAT = 1e-13;
    /** Orders are integers; a measured order this far from one is not a Taylor term (none here is). */
    private static final double INTEGER_TOLERANCE = 0.2;
    /** Closer than this to a branch point, z0 counts as on it (its increments would drown in rounding). */
    private static final double ON_BRANCH_POINT = 1e-9;

    private final double value;
    private final int order;

    private ActivationTaylor(double value, int order) {
        this.value = value;
        this.order = order;
    }

    /** Measures phi around z0. */
    public static ActivationTaylor at(IActivation phi, double z0) {
        double h1 = H1;
        double distance = BranchPoints.distance(phi, z0);
        if (distance > ON_BRANCH_POINT && distance < 2 * H1) {
            h1 = distance / 2;
        }
        double h2 = h1 * (H2 / H1);
        double[] z = {z0, z0 + h1, z0 + h2, z0 - h1, z0 - h2};
        double[] f = evaluate(phi, z);
        double flat = FLAT * Math.max(Math.abs(f[0]), 1.0);
        int best = Integer.MAX_VALUE;
        for (int side = 0; side < 2; side++) {
            double d1 = Math.abs(f[1 + 2 * side] - f[0]);
            double d2 = Math.abs(f[2 + 2 * side] - f[0]);
            if (d1 <= flat && d2 <= flat) {
                continue;
            }
            double measured = Math.log(d1 / Math.max(d2, Double.MIN_NORMAL)) / Math.log(h1 / h2);
            int p = (int) Math.round(measured);
            if (p < 1 || Math.abs(measured - p) > INTEGER_TOLERANCE) {
                // Not a power law at this scale (a kink or a saturation between the two steps): the
                // first order is the safe reading, it gives the lowest order and so the largest lambda.
                p = 1;
            }
            best = Math.min(best, p);
        }
        return new ActivationTaylor(f[0], best);
    }

    /** phi(z0). */
    public double value() {
        return value;
    }

    /** p, or empty when phi is constant around z0 (a unit that cannot move the output locally). */
    public OptionalInt order() {
        return order == Integer.MAX_VALUE ? OptionalInt.empty() : OptionalInt.of(order);
    }

    private static double[] evaluate(IActivation phi, double[] z) {
        INDArray in = Nd4j.createFromArray(z.clone()).castTo(DataType.DOUBLE).reshape(1, z.length);
        return phi.getActivation(in.dup(), false).toDoubleVector();
    }
}
