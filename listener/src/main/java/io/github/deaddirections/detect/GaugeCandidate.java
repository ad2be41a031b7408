package io.github.deaddirections.detect;

import java.util.List;

/** A possible flat gauge: one orbit per generator, each read along the orbit. */
public record GaugeCandidate(String id, String mechanism, List<String> layers, List<Orbit> orbits)
        implements Candidate {

    public GaugeCandidate {
        layers = List.copyOf(layers);
        orbits = List.copyOf(orbits);
    }
}
