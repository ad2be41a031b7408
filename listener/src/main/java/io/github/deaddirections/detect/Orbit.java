package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.Path;

/**
 * One generator of a symmetry: its unit tangent at theta-hat and the orbit itself as a path
 * (speed 1 at t = 0). Reading along the orbit, not along the tangent, is what separates a curved
 * gauge from a genuine order-2 singularity (METHOD 3, the curved-gauge trap).
 */
public record Orbit(String role, Direction tangent, Path path) {
}
