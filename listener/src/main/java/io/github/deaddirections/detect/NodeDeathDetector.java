package io.github.deaddirections.detect;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Node death (METHOD 4): a hidden unit or convolution channel whose incoming weights, bias and
 * outgoing weights all vanish. With an activation whose first non-zero Taylor term at 0 has order
 * p (and phi(0) = 0), moving only the outgoing or only the incoming weights is flat, and the
 * diagonal moves the output as t^(p+1): a genuine crossing with
 * {@code lambda_B = min(n_out/2, (d_in+1)/(2p))} and block dimension {@code n_out + d_in + 1}.
 * Identity units are left to the product blocks (chain, reduced rank), where the gauge can revive
 * them.
 */
public final class NodeDeathDetector implements Detector {

    public static final String MECHANISM = "node-death";

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return Layers.isPlainDense(layer) || Layers.isConvolution(layer);
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        int p = snapshot.parameterCount();
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            Optional<Integer> order = layer.activation().flatMap(Layers::taylorOrder);
            if (order.isEmpty() || layer.isOutput()) {
                continue;
            }
            for (Unit unit : Unit.of(snapshot, layer)) {
                double scale = Math.max(snapshot.layerRms(List.of(layer.name())),
                        snapshot.layerRms(List.of(unit.consumer().name())));
                int[] incoming = unit.incoming();
                if (!context.allZero(incoming, scale) || !context.allZero(unit.outgoing(), scale)) {
                    continue;
                }
                Direction uOut = Direction.uniform(p, unit.outgoing());
                Direction uIn = Direction.uniform(p, incoming);
                List<Direction> span = new ArrayList<>();
                for (int i : Directions.concat(unit.outgoing(), incoming)) {
                    span.add(Direction.axis(p, i));
                }
                String kind = Layers.isConvolution(layer) ? "channel" : "unit";
                out.add(new BlockCandidate(MECHANISM + ":" + layer.name() + ":" + kind + unit.index(), MECHANISM,
                        List.of(layer.name(), unit.consumer().name()), span,
                        new ReadDirection("diagonal", Direction.diagonal(uOut, uIn)),
                        List.of(new ReadDirection("outgoing", uOut), new ReadDirection("incoming", uIn)),
                        BlockLaw.nodeDeath(unit.outgoing().length, incoming.length, order.get())));
            }
        }
        return out;
    }
}
