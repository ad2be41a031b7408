package io.github.deaddirections.monitor;

import io.github.deaddirections.report.StructureClass;
import io.github.deaddirections.report.StructureReport;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code class} and {@code order} tags of {@code deaddirections.structures}. The set is
 * fixed in advance so the number of series is bounded and every series exists from the start:
 * genuine singularities by order 2 .. maxOrderTag plus one shared tag for higher orders, gauges
 * and unresolved structures with {@code order="none"}, regular ones with {@code order="1"}.
 */
public record StructureTag(String structureClass, String order) {

    static final String NO_ORDER = "none";

    /** Every tag pair, for orders up to {@code maxOrderTag}. */
    public static List<StructureTag> all(int maxOrderTag) {
        List<StructureTag> out = new ArrayList<>();
        for (int k = 2; k <= maxOrderTag; k++) {
            out.add(new StructureTag(className(StructureClass.GENUINE_SINGULARITY), String.valueOf(k)));
        }
        out.add(new StructureTag(className(StructureClass.GENUINE_SINGULARITY), higherOrders(maxOrderTag)));
        out.add(new StructureTag(className(StructureClass.FLAT_GAUGE), NO_ORDER));
        out.add(new StructureTag(className(StructureClass.REGULAR), "1"));
        out.add(new StructureTag(className(StructureClass.UNRESOLVED), NO_ORDER));
        return out;
    }

    /** The tag pair a structure is counted under. */
    public static StructureTag of(StructureReport s, int maxOrderTag) {
        String cls = className(s.structureClass());
        return switch (s.structureClass()) {
            case GENUINE_SINGULARITY -> new StructureTag(cls, s.order() == null || s.order() > maxOrderTag
                    ? higherOrders(maxOrderTag) : String.valueOf(Math.max(2, s.order())));
            case REGULAR -> new StructureTag(cls, "1");
            case FLAT_GAUGE, UNRESOLVED -> new StructureTag(cls, NO_ORDER);
        };
    }

    /** {@code genuine_singularity}, {@code flat_gauge}, ... */
    public static String className(StructureClass c) {
        return c.name().toLowerCase(Locale.ROOT);
    }

    private static String higherOrders(int maxOrderTag) {
        return (maxOrderTag + 1) + "+";
    }
}
