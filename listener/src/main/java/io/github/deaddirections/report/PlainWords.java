package io.github.deaddirections.report;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a structure is, said the way a DL4J engineer would say it, for the table, the HTML report
 * and the meters' descriptions. The class and mechanism fields stay as they are; this only adds
 * words.
 */
public final class PlainWords {

    /** {@code inactive-unit:<layer>:<units>}, units as ranges such as {@code 0-2,7}. */
    private static final Pattern INACTIVE = Pattern.compile("^inactive-unit:([^:]+):([0-9,\\-]+)$");

    private PlainWords() {
    }

    /** A sentence for the structures that have one, e.g. "units 1-3 of layer 1 never fire on the probe". */
    public static Optional<String> describe(StructureReport s) {
        Matcher m = INACTIVE.matcher(s.id());
        if (m.matches()) {
            int count = inactiveUnits(s);
            return Optional.of((count == 1 ? "unit " : "units ") + m.group(2).replace("-", "–").replace(",", ", ")
                    + " of layer " + m.group(1) + (count == 1 ? " never fires" : " never fire")
                    + " on the probe (dead ReLU " + (count == 1 ? "unit" : "units")
                    + "): no gradient reaches their incoming weights, they learn nothing until their input shifts");
        }
        return Optional.empty();
    }

    /** What lambda(infinity) means, in one line. */
    public static String exactCoefficient() {
        return "the exact learning coefficient at these parameters: what the posterior would see with unlimited data";
    }

    /** What lambda(n) means, in one line. */
    public static String sampleCoefficient() {
        return "the learning coefficient of the simplest nearby network that fits as well at this sample size"
                + " (the posterior's dominant phase at n); structure weaker than about 1/sqrt(n) counts as absent";
    }

    /** How many dead ReLU units an inactive-unit structure holds (0 for any other structure). */
    public static int inactiveUnits(StructureReport s) {
        Matcher m = INACTIVE.matcher(s.id());
        if (!m.matches()) {
            return 0;
        }
        int count = 0;
        for (String range : m.group(2).split(",")) {
            String[] ends = range.split("-");
            count += ends.length == 1 ? 1 : Integer.parseInt(ends[1]) - Integer.parseInt(ends[0]) + 1;
        }
        return count;
    }
}
