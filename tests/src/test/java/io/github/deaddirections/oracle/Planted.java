package io.github.deaddirections.oracle;

/**
 * One structure planted in a random network, with what theory says about it (METHOD 3-5, and the
 * node-death law as corrected in {@link NodeDeathLaw}).
 *
 * @param kind   what was planted
 * @param layer  hidden layer index (0-based), or -1 for an input column
 * @param unit   the unit (or input column)
 * @param other  the second unit of a duplicate pair, else -1
 * @param bias   the dead unit's bias b0 (DEAD only)
 * @param gauge  gauge dimensions it adds
 * @param lambda lambda_B, 0 for flats; NaN when theory makes no claim
 * @param m      m_B (1 for flats)
 * @param genuine whether it is a genuine block (counts towards "two blocks in a layer")
 * @param note   the law applied, for people
 */
record Planted(Kind kind, int layer, int unit, int other, double bias, int gauge, double lambda, int m,
               boolean genuine, String note) {

    enum Kind {
        /** incoming weights, bias b0 and outgoing weights of a unit: incoming and outgoing 0 */
        DEAD,
        /** only the outgoing weights 0 (a flat locus: the incoming weights and bias are flat) */
        OUTGOING_DEAD,
        /** only the incoming weights 0, outgoing live (a constant unit: outgoing and bias are flat with the consumer bias) */
        INCOMING_DEAD,
        /** a second unit with the incoming weights and bias of the first, outgoing weights its own */
        DUPLICATE,
        /** an input column that is 0 on every probe sample */
        ZERO_INPUT
    }

    boolean hasLambdaClaim() {
        return !Double.isNaN(lambda);
    }

    String recipe() {
        return switch (kind) {
            case DEAD -> String.format(java.util.Locale.ROOT, "kill(net, %d, %d, b0 = %s)", layer, unit, bias);
            case OUTGOING_DEAD -> String.format(java.util.Locale.ROOT, "net.getLayer(%d).getParam(\"W\").getRow(%d).assign(0)", layer + 1, unit);
            case INCOMING_DEAD -> String.format(java.util.Locale.ROOT, "net.getLayer(%d).getParam(\"W\").getColumn(%d).assign(0)", layer, unit);
            case DUPLICATE -> String.format(java.util.Locale.ROOT, "copy incoming column and bias of unit %d to unit %d in layer %d", unit, other, layer);
            case ZERO_INPUT -> String.format(java.util.Locale.ROOT, "probe.getColumn(%d).assign(0)", unit);
        } + "   // " + kind + ": gauge +" + gauge + (hasLambdaClaim() ? String.format(java.util.Locale.ROOT, ", lambda_B = %s, m_B = %d", lambda, m) : ", no lambda claim")
                + (note.isEmpty() ? "" : " (" + note + ")");
    }
}
