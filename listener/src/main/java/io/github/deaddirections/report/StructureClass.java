package io.github.deaddirections.report;

/** The four classes of METHOD section 3. */
public enum StructureClass {
    /** A block of dead directions with at least one finite order k >= 2, fixed by the architecture. */
    GENUINE_SINGULARITY,
    /** Exactly flat (K identically 0 along it): a symmetry, an exact zero of the probe data, or a flat locus. */
    FLAT_GAUGE,
    /** A live direction of order 1 (for example a direction a detector proposed that leaks at first order). */
    REGULAR,
    /** The rate could not be read: no stable window or a non-integer slope. Excluded from lambda. */
    UNRESOLVED
}
