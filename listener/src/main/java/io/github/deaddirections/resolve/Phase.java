package io.github.deaddirections.resolve;

import java.util.List;

/**
 * One phase compared at sample size n: theta-hat itself (no structures) or a snap of one or more
 * disjoint structures, with the exact read at its theta*.
 *
 * @param structures          the snapped structures (empty for theta-hat)
 * @param kl                  K(theta-hat || theta*), mean over the probe
 * @param learningCoefficient lambda(theta*) from the exact read there
 * @param multiplicity        m(theta*)
 * @param deltaLambda         lambda(theta*) - lambda-hat
 * @param deltaFreeEnergy     F_n(theta*) - F_n(theta-hat)
 * @param eligible            false when the read at theta* is less singular than theta-hat (the snap left the
 *                            structure's locus): such a phase is reported, never chosen
 * @param chosen              the phase of lowest free energy
 */
public record Phase(List<String> structures, double kl, double learningCoefficient, int multiplicity, double deltaLambda,
                    double deltaFreeEnergy, boolean eligible, boolean chosen) {

    public Phase {
        structures = List.copyOf(structures);
    }

    Phase asChosen() {
        return new Phase(structures, kl, learningCoefficient, multiplicity, deltaLambda, deltaFreeEnergy, eligible, true);
    }
}
