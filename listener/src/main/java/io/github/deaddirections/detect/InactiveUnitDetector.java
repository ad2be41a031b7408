package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Units inactive on the whole probe ({@link InactiveUnits}: ReLU below 0, hard tanh or hard sigmoid
 * in saturation, ...): the unit's incoming weights and bias are flat within its activity margin,
 * its outgoing weights flat at every radius when its output is one constant (with the consumer's
 * bias absorbing it when it is not 0), so the network is locally constant in all of them:
 * FLAT_GAUGE, the tangent of a flat locus (METHOD 3). This is what the K-FAC G side (METHOD 4) finds for such units, with
 * its null vectors g = e_j exact and found without a stencil, at any layer width.
 *
 * <p>One candidate per layer, its lifts the axes of the units' parameters; each incoming lift
 * carries its reach (the distance at which the unit revives), so its read stays in the flat
 * region. Bias lifts come first, so the few lifts read before the rest are claimed
 * ({@code maxReadsPerStructure}) are spread over several units. Runs before the symmetry
 * detectors: a dead unit owns its whole locus, including its rescaling orbit, as a node death
 * owns its components.
 */
public final class InactiveUnitDetector implements Detector {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InactiveUnitDetector.class);

    public static final String MECHANISM = "inactive-unit";

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return Layers.isPlainDense(layer);
    }

    /**
     * The structure's id names its units, e.g. {@code inactive-unit:1:0-2,7} for units 0, 1, 2 and 7
     * of layer 1, so reports can say which units never fire ({@code report.PlainWords}).
     */
    static String id(String layer, InactiveUnits units) {
        StringBuilder ranges = new StringBuilder();
        int j = 0;
        while (j < units.width()) {
            if (!units.isInactive(j)) {
                j++;
                continue;
            }
            int first = j;
            while (j + 1 < units.width() && units.isInactive(j + 1)) {
                j++;
            }
            ranges.append(ranges.length() == 0 ? "" : ",").append(first).append(first == j ? "" : "-" + j);
            j++;
        }
        return MECHANISM + ":" + layer + ":" + ranges;
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            Optional<InactiveUnits> found = context.inactiveUnits(layer);
            if (found.isEmpty() || found.get().count() == 0) {
                continue;
            }
            InactiveUnits units = found.get();
            ParameterBlock w = Layers.weights(snapshot, layer).orElseThrow();
            Optional<ParameterBlock> b = Layers.bias(snapshot, layer);
            Optional<ParameterBlock> next = outgoing(snapshot, layer, units.width());
            Optional<ParameterBlock> nextBias = next.flatMap(n -> Layers.bias(snapshot, snapshot.layer(layer.consumer())));
            List<Orbit> lifts = new ArrayList<>();
            for (int j = 0; j < units.width(); j++) {
                if (units.isInactive(j) && b.isPresent()) {
                    lifts.add(axis(snapshot, "unit" + j + ":bias", b.get().flatIndex()[j], units.reachOfBias(j)));
                }
            }
            for (int j = 0; j < units.width(); j++) {
                if (!units.isInactive(j)) {
                    continue;
                }
                for (int i = 0; i < w.dim(0); i++) {
                    lifts.add(axis(snapshot, "unit" + j + ":in" + i, w.index(i, j), units.reachOfWeight(j, i)));
                }
                double c = units.constantOutput(j);
                if (next.isPresent() && (c == 0.0 || (!Double.isNaN(c) && nextBias.isPresent()))) {
                    // A constant output: its outgoing weights are flat, with the consumer's bias absorbing c times them.
                    for (int o = 0; o < next.get().dim(1); o++) {
                        int weight = next.get().index(j, o);
                        lifts.add(c == 0.0 ? axis(snapshot, "unit" + j + ":out" + o, weight, Double.POSITIVE_INFINITY)
                                : absorbed(snapshot, "unit" + j + ":out" + o, weight, nextBias.get().flatIndex()[o], c));
                    }
                }
            }
            LOG.debug("layer {}: {} of {} ReLU units inactive on the whole probe ({} lifts)", layer.name(), units.count(),
                    units.width(), lifts.size());
            out.add(GaugeCandidate.dataDependent(id(layer.name(), units), MECHANISM, List.of(layer.name()), lifts));
        }
        return out;
    }

    /** The weights of the plain dense layer reading this one's units directly (row j: unit j's outgoing weights). */
    private static Optional<ParameterBlock> outgoing(Snapshot snapshot, LayerInfo layer, int width) {
        if (layer.consumer() == null) {
            return Optional.empty();
        }
        LayerInfo reader = snapshot.layer(layer.consumer());
        if (!Layers.isPlainDense(reader) || reader.preProcessor() != null) {
            return Optional.empty();
        }
        return Layers.weights(snapshot, reader).filter(next -> next.dim(0) == width);
    }

    private static Orbit absorbed(Snapshot snapshot, String role, int weight, int bias, double c) {
        Direction u = Direction.sparse(snapshot.parameterCount(), new int[]{weight, bias}, new double[]{1.0, -c}).normalised();
        return new Orbit(role, u, Path.straight(snapshot.parametersView(), u));
    }

    private static Orbit axis(Snapshot snapshot, String role, int coordinate, double reach) {
        Direction u = Direction.sparse(snapshot.parameterCount(), new int[]{coordinate}, new double[]{1.0});
        return new Orbit(role, u, Path.straight(snapshot.parametersView(), u), reach);
    }
}
