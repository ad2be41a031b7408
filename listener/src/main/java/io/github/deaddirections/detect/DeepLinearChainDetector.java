package io.github.deaddirections.detect;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The width-one deep-linear chain (METHOD 4, 5): L >= 2 consecutive dense layers with identity
 * activation, no bias and a single weight each, all at 0. The output is {@code (w_1 ... w_L) x}:
 * along the diagonal it moves as t^L (order L), and the block has {@code lambda_B = 1/2},
 * {@code m_B = L}.
 */
public final class DeepLinearChainDetector implements Detector {

    public static final String MECHANISM = "deep-linear-chain";

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return Layers.isPlainDense(layer);
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        List<Candidate> out = new ArrayList<>();
        List<LayerInfo> run = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            boolean link = isScalarLinear(snapshot, layer)
                    && (run.isEmpty() || layer.input() != null && layer.input().equals(run.get(run.size() - 1).name())
                    && layer.preProcessor() == null);
            if (link) {
                run.add(layer);
                continue;
            }
            emit(context, run, out);
            run = new ArrayList<>();
            if (isScalarLinear(snapshot, layer)) {
                run.add(layer);
            }
        }
        emit(context, run, out);
        return out;
    }

    private static boolean isScalarLinear(Snapshot snapshot, LayerInfo layer) {
        Optional<ParameterBlock> w = Layers.weights(snapshot, layer);
        return Layers.isDense(layer) && Layers.isIdentity(layer) && w.isPresent() && w.get().size() == 1
                && snapshot.layout().blocksOf(layer.name()).size() == 1;
    }

    private static void emit(DetectionContext context, List<LayerInfo> run, List<Candidate> out) {
        if (run.size() < 2) {
            return;
        }
        Snapshot snapshot = context.snapshot();
        int p = snapshot.parameterCount();
        int[] idx = new int[run.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = Layers.weights(snapshot, run.get(i)).orElseThrow().flatIndex()[0];
        }
        if (!context.allZero(idx, Math.max(snapshot.rms(), Double.MIN_NORMAL))) {
            return;
        }
        List<BlockComponent> factors = new ArrayList<>();
        List<String> layers = new ArrayList<>();
        for (int i = 0; i < idx.length; i++) {
            factors.add(new BlockComponent("factor" + i, List.of(Direction.axis(p, idx[i]))));
            layers.add(run.get(i).name());
        }
        int length = run.size();
        String id = MECHANISM + ":" + layers.get(0) + "-" + layers.get(layers.size() - 1);
        out.add(BlockCandidate.ofComponents(id, MECHANISM, layers, factors, dims -> new BlockLaw.Chain(length), id));
    }
}
