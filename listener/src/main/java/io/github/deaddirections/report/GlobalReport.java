package io.github.deaddirections.report;

import java.util.List;

/**
 * The global triple and the dimension accounting of a read (METHOD 5).
 *
 * <p>Invariant when the exact Fisher was computed: {@code gaugeDimension + sum of genuine
 * dimensions + unresolvedDirections == parameters - fisherRank}.
 *
 * @param learningCoefficient  lambda = rank / 2 + sum of lambda_B; a bound when {@code exact} is false
 * @param multiplicity         m = 1 + sum of (m_B - 1)
 * @param singularFluctuation  the global nu when it is defined, else null (nu is reported per structure)
 * @param regularDimension     the number of live directions (the Fisher rank, or P minus the dead
 *                             dimensions the detectors found when the exact Fisher was not computed)
 * @param uncoveredLayers      layers whose type no structural detector understands
 * @param skippedDetectors     detectors that left a layer out because of a size bound, each as
 *                             "mechanism on layer L: why" (their directions count as regular)
 * @param structuresRead       genuine blocks read along their own characteristic direction
 * @param structuresClaimedByLaw genuine blocks claimed by the law of their kind, unread (a few of
 *                             each kind are read; when they confirm the law, the rest follow it)
 */
public record GlobalReport(
        double learningCoefficient,
        int multiplicity,
        Double singularFluctuation,
        int regularDimension,
        int gaugeDimension,
        int genuineStructures,
        int unresolvedDirections,
        List<String> uncoveredLayers,
        List<String> skippedDetectors,
        boolean exact,
        int structuresRead,
        int structuresClaimedByLaw) {

    public GlobalReport {
        uncoveredLayers = List.copyOf(uncoveredLayers);
        skippedDetectors = List.copyOf(skippedDetectors);
    }

    /** A report whose blocks were all read. */
    public GlobalReport(double learningCoefficient, int multiplicity, Double singularFluctuation, int regularDimension,
                        int gaugeDimension, int genuineStructures, int unresolvedDirections, List<String> uncoveredLayers,
                        List<String> skippedDetectors, boolean exact) {
        this(learningCoefficient, multiplicity, singularFluctuation, regularDimension, gaugeDimension, genuineStructures,
                unresolvedDirections, uncoveredLayers, skippedDetectors, exact, genuineStructures, 0);
    }
}
