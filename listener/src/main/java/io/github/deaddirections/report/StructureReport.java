package io.github.deaddirections.report;

import java.util.List;

/**
 * One structure of the read: a genuine block, a gauge, a regular (leaking) candidate or an
 * unresolved group of directions.
 *
 * @param id                   stable identifier, e.g. {@code node-death:0:3}
 * @param mechanism            the detector mechanism that found it (METHOD 4)
 * @param structureClass       its class (METHOD 3)
 * @param layers               the layers it is supported on
 * @param dimension            how many dimensions of the Fisher null space it owns
 * @param order                the block order k (null for FLAT_GAUGE and UNRESOLVED)
 * @param learningCoefficient  lambda_B (0 for FLAT_GAUGE, null for UNRESOLVED and REGULAR)
 * @param multiplicity         m_B (null where lambda_B is null)
 * @param singularFluctuation  nu(k) of the block order (METHOD 6), or null
 * @param exact                false when the block's structure does not enumerate and lambda_B is a bound
 * @param certifiedBy          what certifies a FLAT_GAUGE (METHOD 3; null for the other classes)
 * @param claimedByLaw         a genuine block claimed by the law of its kind without a read of its own
 */
public record StructureReport(
        String id,
        String mechanism,
        StructureClass structureClass,
        List<String> layers,
        int dimension,
        Integer order,
        Double learningCoefficient,
        Integer multiplicity,
        Double singularFluctuation,
        boolean exact,
        List<DirectionReport> directions,
        Certificate certifiedBy,
        boolean claimedByLaw) {

    public StructureReport {
        layers = List.copyOf(layers);
        directions = List.copyOf(directions);
        if (structureClass == StructureClass.FLAT_GAUGE && certifiedBy == null) {
            throw new IllegalArgumentException(id + ": a FLAT_GAUGE structure needs a certificate");
        }
    }

    /** A structure that is not a flat gauge and was read. */
    public StructureReport(String id, String mechanism, StructureClass structureClass, List<String> layers, int dimension,
                           Integer order, Double learningCoefficient, Integer multiplicity, Double singularFluctuation,
                           boolean exact, List<DirectionReport> directions) {
        this(id, mechanism, structureClass, layers, dimension, order, learningCoefficient, multiplicity, singularFluctuation,
                exact, directions, null, false);
    }
}
