package io.github.deaddirections.fisher;

/**
 * A curve through parameter space starting at theta-hat, parametrised so that its speed at
 * t = 0 is 1: a straight line {@code theta + t u} or a gauge orbit {@code g(t) . theta} (METHOD 3:
 * curved orbits must be read along the orbit, not along their tangent).
 */
@FunctionalInterface
public interface Path {

    /** The parameters at curve parameter t (a fresh array). */
    double[] at(double t);

    /** The straight line {@code theta + t u}. */
    static Path straight(double[] theta, io.github.deaddirections.detect.Direction u) {
        return t -> {
            double[] x = theta.clone();
            u.addTo(x, t);
            return x;
        };
    }
}
