package io.github.deaddirections.detect;

import java.util.List;

/**
 * One factor of a block's function: the directions along which it moves (node death: the
 * outgoing weights, or the incoming weights and bias). Moving one component alone is flat; the
 * block shows its order along combinations of all of them.
 *
 * @param role name in the report ("outgoing", "incoming", ...)
 * @param span vectors spanning the component (need not be orthonormal)
 */
public record BlockComponent(String role, List<Direction> span) {

    public BlockComponent {
        span = List.copyOf(span);
    }
}
