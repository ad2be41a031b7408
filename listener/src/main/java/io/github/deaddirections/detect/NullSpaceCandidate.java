package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.FisherSpectrum;

import java.util.List;

/**
 * The whole null space of the exact expected Fisher (the generic {@code fisher-null} mechanism):
 * whatever no structural detector explains is read here direction by direction.
 */
public record NullSpaceCandidate(String id, String mechanism, List<String> layers, FisherSpectrum spectrum)
        implements Candidate {
}
