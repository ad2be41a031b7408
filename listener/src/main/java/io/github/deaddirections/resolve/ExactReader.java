package io.github.deaddirections.resolve;

import io.github.deaddirections.snapshot.Snapshot;

/**
 * Today's exact read (lambda(infinity), m(infinity)) at a point, as the resolution uses it at each
 * snapped theta*. The reader supplies it; the resolution never resolves recursively.
 */
@FunctionalInterface
public interface ExactReader {

    Coefficients read(Snapshot snapped);

    /** The exact read's (lambda, m). */
    record Coefficients(double learningCoefficient, int multiplicity) {
    }
}
