package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.LayerInfo;

import java.util.List;

/**
 * The generic detector (METHOD 4, fisher-null): the null eigenvectors of the exact expected
 * Fisher at theta-hat, for models within the fisher-null limit. It understands no layer type in
 * particular; it makes the read complete: every null dimension no structural detector explains is
 * read on its own.
 */
public final class FisherNullDetector implements Detector {

    public static final String MECHANISM = "fisher-null";

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return false;
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        return context.spectrum()
                .<List<Candidate>>map(s -> List.of(new NullSpaceCandidate(MECHANISM, MECHANISM, List.of(), s)))
                .orElse(List.of());
    }
}
