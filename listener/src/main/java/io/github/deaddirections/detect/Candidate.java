package io.github.deaddirections.detect;

import java.util.List;

/**
 * What a detector proposes (METHOD 4): directions in R^P, alignment-free, with the mechanism
 * that explains them. A {@link BlockCandidate} is a possible genuine singularity; a
 * {@link GaugeCandidate} a possible flat symmetry (with the path of its orbit); a
 * {@link NullSpaceCandidate} the whole Fisher null space, whose unexplained part is read
 * direction by direction.
 */
public sealed interface Candidate permits BlockCandidate, GaugeCandidate, NullSpaceCandidate {

    /** Stable identifier for reports, e.g. {@code node-death:0:3}. */
    String id();

    /** The detector mechanism, e.g. {@code node-death}. */
    String mechanism();

    /** Layers the candidate is supported on. */
    List<String> layers();
}
