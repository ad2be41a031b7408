package io.github.deaddirections.report;

/**
 * What certifies a FLAT_GAUGE structure (METHOD 3, certified flats). Flatness of a line alone is
 * not a certificate: each component of a singular crossing (a dead unit's outgoing-only and
 * incoming-only moves) is exactly flat, yet their union is a singular locus, not a manifold.
 */
public enum Certificate {

    /** A detector that knows the symmetry read it along its orbit (rescaling, logit shift, normalisation, GL). */
    SYMMETRY_ORBIT("symmetry-orbit"),
    /** A null of the network's input data (collinear or constant input columns): independent of the parameters. */
    INPUT_DATA_NULL("input-data-null"),
    /** The generic gauge test: it stays in the exact null space at generic nearby points, as a symmetry does. */
    GENERIC_POINT("generic-point"),
    /**
     * The tangent of a smooth flat locus: it stays exactly null when the base point moves along the
     * other null directions (a unit whose outgoing weights are 0: its incoming weights).
     */
    FLAT_LOCUS("flat-locus");

    private final String label;

    Certificate(String label) {
        this.label = label;
    }

    /** The name in the JSON report and the table. */
    public String label() {
        return label;
    }
}
