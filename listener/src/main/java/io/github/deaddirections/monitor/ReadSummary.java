package io.github.deaddirections.monitor;

import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.GlobalReport;
import io.github.deaddirections.report.StructureClass;
import io.github.deaddirections.report.StructureReport;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The numbers of one read that the gauges show, already reduced to bounded tags. Immutable;
 * {@link #NONE} (every value NaN) stands before the first read.
 *
 * @param epoch                 completed epochs when the parameters were copied
 * @param learningCoefficient   global lambda
 * @param multiplicity          global m
 * @param sampleLearningCoefficient lambda(n), the resolution's (METHOD 8); NaN when the read has none
 * @param sampleMultiplicity    m(n); NaN with lambda(n)
 * @param singularFluctuation   the report's global nu if it has one, else the sum of nu over the
 *                              genuine structures, NaN when there are none (see {@link #of})
 * @param deadReluUnits         ReLU units that never fire on the probe (inactive-unit structures)
 * @param structures            how many structures fall under each {@link StructureTag}
 * @param layerLearningCoefficient per layer tag, the share of lambda's singular part (see {@link #of})
 */
public record ReadSummary(double epoch, double learningCoefficient, double multiplicity,
                          double sampleLearningCoefficient, double sampleMultiplicity, double singularFluctuation,
                          double gaugeDimension, double regularDimension, double unresolvedDirections,
                          double deadReluUnits, Map<StructureTag, Integer> structures, Map<String, Double> layerLearningCoefficient) {

    /** The layer tag shared by the layers after the first {@code maxLayerTags}. */
    public static final String OTHER_LAYERS = "other";

    public static final ReadSummary NONE = new ReadSummary(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Map.of(), Map.of());

    public ReadSummary {
        // Insertion order is kept: layers in network order, tags in StructureTag.all order.
        structures = Collections.unmodifiableMap(new LinkedHashMap<>(structures));
        layerLearningCoefficient = Collections.unmodifiableMap(new LinkedHashMap<>(layerLearningCoefficient));
    }

    /**
     * Reduces a report.
     *
     * <p>Per-layer lambda: every genuine structure's lambda_B is split equally among the layers it
     * is supported on, and a layer's value is the sum of its shares. The values of all layers
     * therefore add up to the singular part of lambda, the sum of lambda_B; the regular part
     * (rank / 2) is not attributed to layers, and gauges contribute 0.
     *
     * <p>Singular fluctuation: the report leaves the global nu null unless it is defined; then the
     * sum of nu(k) over the genuine structures is shown, and NaN when there is none.
     *
     * @param layers network layers in order; those after the first {@code maxLayerTags} share
     *               the tag {@value #OTHER_LAYERS}
     */
    public static ReadSummary of(DeadDirectionReport report, List<String> layers, int epoch, int maxLayerTags,
                                 int maxOrderTag) {
        GlobalReport g = report.global();
        Map<StructureTag, Integer> structures = new LinkedHashMap<>();
        for (StructureTag t : StructureTag.all(maxOrderTag)) {
            structures.put(t, 0);
        }
        Map<String, String> layerTags = new LinkedHashMap<>();
        Map<String, Double> perLayer = new LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            String tag = layerTag(i, layers.get(i), maxLayerTags);
            layerTags.put(layers.get(i), tag);
            perLayer.put(tag, 0.0);
        }
        double nuSum = 0;
        boolean anyNu = false;
        int deadRelu = 0;
        for (StructureReport s : report.structures()) {
            structures.merge(StructureTag.of(s, maxOrderTag), 1, Integer::sum);
            deadRelu += io.github.deaddirections.report.PlainWords.inactiveUnits(s);
            if (s.structureClass() != StructureClass.GENUINE_SINGULARITY) {
                continue;
            }
            if (s.singularFluctuation() != null) {
                nuSum += s.singularFluctuation();
                anyNu = true;
            }
            if (s.learningCoefficient() != null && !s.layers().isEmpty()) {
                double share = s.learningCoefficient() / s.layers().size();
                for (String layer : s.layers()) {
                    perLayer.merge(layerTags.getOrDefault(layer, OTHER_LAYERS), share, Double::sum);
                }
            }
        }
        double nu = g.singularFluctuation() != null ? g.singularFluctuation() : anyNu ? nuSum : Double.NaN;
        var res = report.resolution();
        boolean resolved = res != null && res.learningCoefficient() != null;
        return new ReadSummary(epoch, g.learningCoefficient(), g.multiplicity(),
                resolved ? res.learningCoefficient() : Double.NaN, resolved ? res.multiplicity() : Double.NaN, nu, g.gaugeDimension(),
                g.regularDimension(), g.unresolvedDirections(), deadRelu, structures, perLayer);
    }

    /** The layer tag of the i-th layer. */
    public static String layerTag(int index, String layer, int maxLayerTags) {
        return index < maxLayerTags ? layer : OTHER_LAYERS;
    }

    /** How many structures fall under a tag pair; NaN before the first read. */
    public double structureCount(StructureTag tag) {
        return this == NONE ? Double.NaN : structures.getOrDefault(tag, 0);
    }

    /** The per-layer lambda of a layer tag; NaN before the first read or for an unknown tag. */
    public double layerLearningCoefficient(String layerTag) {
        return layerLearningCoefficient.getOrDefault(layerTag, Double.NaN);
    }
}
