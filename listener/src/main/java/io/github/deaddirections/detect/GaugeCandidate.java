package io.github.deaddirections.detect;

import io.github.deaddirections.report.Certificate;

import java.util.List;

/**
 * A possible flat gauge: one orbit per generator, each read along the orbit.
 *
 * @param certificate what makes it a gauge once its orbits read flat: a symmetry the detector
 *                    knows, or a null of the network's input data; null for a data-dependent
 *                    flat (a hidden layer's activation-null, output-null, an inactive unit), which
 *                    is a gauge only if it passes the flat-locus test and may be a component of a
 *                    singular crossing instead (METHOD 3, certified flats)
 * @param tiltCoordinates for a data-dependent flat, parameters beyond the orbits' own into which the
 *                    flat locus tilts when the base point moves (a linear group's live incoming
 *                    weights): the flat-locus test measures the moved null space on them too; empty
 *                    when the locus tilts only within the orbits' coordinates
 */
public record GaugeCandidate(String id, String mechanism, List<String> layers, List<Orbit> orbits,
                             Certificate certificate, int[] tiltCoordinates) implements Candidate {

    public GaugeCandidate {
        layers = List.copyOf(layers);
        orbits = List.copyOf(orbits);
        if (certificate == Certificate.GENERIC_POINT || certificate == Certificate.FLAT_LOCUS) {
            throw new IllegalArgumentException(id + ": " + certificate.label() + " is earned in classification, not claimed");
        }
    }

    /** A symmetry of the parameterisation: flat at every parameter point. */
    public static GaugeCandidate symmetry(String id, String mechanism, List<String> layers, List<Orbit> orbits) {
        return new GaugeCandidate(id, mechanism, layers, orbits, Certificate.SYMMETRY_ORBIT, new int[0]);
    }

    /** A null of the network's input data. */
    public static GaugeCandidate inputData(String id, String mechanism, List<String> layers, List<Orbit> orbits) {
        return new GaugeCandidate(id, mechanism, layers, orbits, Certificate.INPUT_DATA_NULL, new int[0]);
    }

    /** A flat that depends on the parameters (hidden activations, output gradients): to be certified. */
    public static GaugeCandidate dataDependent(String id, String mechanism, List<String> layers, List<Orbit> orbits) {
        return new GaugeCandidate(id, mechanism, layers, orbits, null, new int[0]);
    }

    /** A data-dependent flat whose locus tilts into {@code tiltCoordinates} as the base point moves. */
    public static GaugeCandidate dataDependent(String id, String mechanism, List<String> layers, List<Orbit> orbits,
                                               int[] tiltCoordinates) {
        return new GaugeCandidate(id, mechanism, layers, orbits, null, tiltCoordinates.clone());
    }

    /** The same candidate with fewer orbits. */
    public GaugeCandidate withOrbits(List<Orbit> subset) {
        return new GaugeCandidate(id, mechanism, layers, subset, certificate, tiltCoordinates);
    }

    /** Whether the flat-locus test decides it. */
    public boolean needsCertificate() {
        return certificate == null;
    }
}
