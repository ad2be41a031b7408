package io.github.deaddirections.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.deaddirections.cells.Cell;

/**
 * What theory predicts for a constructed cell (CELLS.md), as the {@code NAME.expected.json} that
 * sits next to the cell's model and probe, so a user can hold a read against known answers.
 * Field names follow the read's JSON where they mean the same thing.
 */
public final class ExpectedJson {

    public static final String SCHEMA = "dead-directions/cell-expected/v1";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ExpectedJson() {
    }

    public static String of(Cell cell, long seed) {
        Cell.Prediction p = cell.prediction();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schema", SCHEMA);
        root.put("cell", cell.name());
        root.put("seed", seed);
        root.put("parameters", p.parameters());
        root.put("fisherRank", p.rank());
        root.put("gaugeDimension", p.gaugeDimension());
        ArrayNode genuine = root.putArray("genuine");
        for (Cell.Genuine g : p.genuine()) {
            ObjectNode s = genuine.addObject();
            s.put("mechanism", g.mechanism());
            s.put("order", g.order());
            s.put("dimension", g.dimension());
            s.put("learningCoefficient", g.learningCoefficient());
            s.put("multiplicity", g.multiplicity());
        }
        root.put("learningCoefficient", p.learningCoefficient());
        root.put("learningCoefficientFraction", p.lambdaNumerator() + "/" + p.lambdaDenominator());
        root.put("multiplicity", p.multiplicity());
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
