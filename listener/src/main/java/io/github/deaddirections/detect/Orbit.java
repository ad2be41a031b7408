package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.Path;

/**
 * One generator of a symmetry: its unit tangent at theta-hat and the orbit itself as a path
 * (speed 1 at t = 0). Reading along the orbit, not along the tangent, is what separates a curved
 * gauge from a genuine order-2 singularity (METHOD 3, the curved-gauge trap).
 *
 * <p>{@code reach} is how far along the path the mechanism's flatness is guaranteed, when that is
 * finite: a ReLU unit inactive on the whole probe stays inactive only while its pre-activation has
 * not crossed zero on any sample (its activity margin), so its incoming weights are flat within that
 * distance and not beyond. The read stays inside it ({@code Double.POSITIVE_INFINITY}: no bound, the
 * grid of METHOD 2.1 as it is).
 */
public record Orbit(String role, Direction tangent, Path path, double reach) {

    public Orbit {
        if (!(reach > 0)) {
            throw new IllegalArgumentException("an orbit's reach must be positive: " + reach);
        }
    }

    /** An orbit flat as far as the grid reads (a symmetry of the parameterisation). */
    public Orbit(String role, Direction tangent, Path path) {
        this(role, tangent, path, Double.POSITIVE_INFINITY);
    }
}
