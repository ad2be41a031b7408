package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.LayerInfo;

import java.util.List;

/**
 * The plug-in seam of the read (METHOD 4): given the frozen snapshot, propose candidate
 * directions with a mechanism. Implement it to teach the read a symmetry or a singular locus it
 * does not know; register it with {@code DeadDirectionReader.builder().detector(...)}.
 *
 * <p>A detector must not change the snapshot. Detectors run in registration order and earlier
 * ones take precedence: a genuine block owns the flat directions of its own locus, so blocks are
 * claimed before gauges whatever the order.
 */
public interface Detector {

    /** The mechanism name written in reports, e.g. {@code node-death}. */
    String mechanism();

    /** Whether this detector understands the layer's type (layers no detector understands are reported). */
    boolean understands(LayerInfo layer);

    /** Candidates found in the snapshot; empty when there are none. */
    List<Candidate> detect(DetectionContext context);
}
