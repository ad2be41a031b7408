package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.Path;

/**
 * The orbit of a rescaling symmetry: parameters {@code up} are multiplied by a and {@code down}
 * divided by a^d (d the activation's degree of homogeneity), a = exp(t / |g|), where
 * g = (up, -d down) is the generator, so the path has speed 1 at t = 0 (METHOD 3: a curved orbit
 * is read along itself, never along its tangent). Empty when every parameter it moves is zero
 * (nothing to rescale).
 */
final class Rescaling {

    private Rescaling() {
    }

    static java.util.Optional<Orbit> orbit(String role, double[] theta, int[] up, int[] down) {
        return orbit(role, theta, up, down, 1);
    }

    static java.util.Optional<Orbit> orbit(String role, double[] theta, int[] up, int[] down, int degree) {
        int[] coords = Directions.concat(up, down);
        double[] values = new double[coords.length];
        for (int k = 0; k < coords.length; k++) {
            values[k] = k < up.length ? theta[coords[k]] : -degree * theta[coords[k]];
        }
        Direction g = Direction.sparse(theta.length, coords, values);
        double norm = g.norm();
        if (!(norm > 0)) {
            return java.util.Optional.empty();
        }
        Path path = t -> {
            double alpha = Math.exp(t / norm);
            double shrink = Math.pow(alpha, degree);
            double[] x = theta.clone();
            for (int i : up) {
                x[i] = theta[i] * alpha;
            }
            for (int i : down) {
                x[i] = theta[i] / shrink;
            }
            return x;
        };
        return java.util.Optional.of(new Orbit(role, g.normalised(), path));
    }
}
