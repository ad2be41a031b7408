package io.github.deaddirections.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlainWordsTest {

    private static StructureReport gauge(String id) {
        return new StructureReport(id, id.substring(0, id.indexOf(':')), StructureClass.FLAT_GAUGE, List.of("1"), 24,
                null, 0.0, 1, null, true, List.of(), Certificate.values()[0], false);
    }

    @Test
    void deadReluUnitsAreNamedWithTheirLayer() {
        StructureReport s = gauge("inactive-unit:1:0-2,7");
        assertEquals(4, PlainWords.inactiveUnits(s));
        assertEquals("units 0–2, 7 of layer 1 never fire on the probe (dead ReLU units): no gradient reaches their "
                + "incoming weights, they learn nothing until their input shifts", PlainWords.describe(s).orElseThrow());
        assertEquals("unit 3 of layer 0 never fires", PlainWords.describe(gauge("inactive-unit:0:3")).orElseThrow()
                .substring(0, "unit 3 of layer 0 never fires".length()));
    }

    @Test
    void otherStructuresHaveNoSentence() {
        assertEquals(Optional.empty(), PlainWords.describe(gauge("rescaling-gauge:0:3")));
        assertEquals(0, PlainWords.inactiveUnits(gauge("rescaling-gauge:0:3")));
    }
}
