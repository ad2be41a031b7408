package io.github.deaddirections.resolve;

import java.util.List;

/**
 * A near-singular structure a candidate finder names, with its snaps. Nested choices (a
 * bottleneck at rank h-1, h-2, ..., 0) are one structure with several snaps, each its own phase;
 * at most one snap of a structure enters a combined phase.
 *
 * @param id    the structure, e.g. {@code bottleneck:0-1}
 * @param snaps its snaps, from the smallest move to the largest
 */
public record NearSingularStructure(String id, List<Snap> snaps) {

    public NearSingularStructure {
        snaps = List.copyOf(snaps);
    }
}
