package io.github.deaddirections.detect;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;
import org.ejml.data.DMatrixRMaj;

import java.util.ArrayList;
import java.util.List;

/**
 * Linear groups ({@link LinearGroup}): constant units of a layer inside affine pieces of their
 * activation, some with live outgoing weights. One data-dependent gauge candidate (the outgoing
 * directions with hidden part in the row space of A~ or consumer part in its range, the live-outgoing
 * units' biases, and, when N = rho, the incoming weights along the kernel) and, when N > rho, one
 * reduced-rank excess block (D on U2 x V2 with W2 on V2 x inputs) with Aoyagi-Watanabe's law at rank 0.
 * The dead units of a group are not node deaths of their own ({@link NodeDeathDetector} skips them).
 */
public final class LinearGroupDetector implements Detector {

    public static final String MECHANISM = "linear-group";

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
        double[] theta = context.snapshot().parametersView();
        int p = theta.length;
        List<Candidate> out = new ArrayList<>();
        for (LinearGroup g : LinearGroup.all(context)) {
            int h = g.hidden();
            int n = g.outputs();
            // Inputs constant on the probe are the bias again (activation-null gauges): no input of the bottleneck.
            boolean[] constant = ConstantInputs.of(context, g.layer());
            List<Integer> inputs = new ArrayList<>();
            for (int i = 0; i < g.inputs(); i++) {
                if (i >= constant.length || !constant[i]) {
                    inputs.add(i);
                }
            }
            int m = inputs.size();
            int rho = g.rank();
            DMatrixRMaj[] uv = g.svd();
            DMatrixRMaj u = uv[0];
            DMatrixRMaj v = uv[1];
            List<Direction> gauge = new ArrayList<>();
            List<Direction> block = new ArrayList<>();
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < h; b++) {
                    Direction d = g.outgoing(p, column(u, a), column(v, b));
                    (b < rho || a < rho ? gauge : block).add(d);
                }
            }
            for (int b = rho; b < h; b++) {
                for (int i : inputs) {
                    (n == rho ? gauge : block).add(g.incoming(p, column(v, b), i));
                }
            }
            for (int j = 0; j < h; j++) {
                boolean live = false;
                for (int k : g.units().get(j).outgoing()) {
                    live |= theta[k] != 0;
                }
                if (live && g.units().get(j).bias() >= 0) {
                    gauge.add(g.bias(p, j, theta));
                }
            }
            String id = MECHANISM + ":" + g.layer().name();
            List<String> layers = List.of(g.layer().name(), g.units().get(0).consumer().name());
            List<Orbit> orbits = new ArrayList<>();
            for (int i = 0; i < gauge.size(); i++) {
                orbits.add(new Orbit("group:" + i, gauge.get(i), Path.straight(theta, gauge.get(i))));
            }
            // As the base point moves, the kernel of A~ turns and the flats tilt into the group's live incoming weights.
            java.util.TreeSet<Integer> tilt = new java.util.TreeSet<>();
            for (Unit unit : g.units()) {
                for (int i : unit.incoming()) {
                    tilt.add(i);
                }
                for (int i : unit.outgoing()) {
                    tilt.add(i);
                }
            }
            out.add(GaugeCandidate.dataDependent(id + ":gauge", MECHANISM, layers, orbits,
                    tilt.stream().mapToInt(Integer::intValue).toArray()));
            if (!block.isEmpty()) {
                int hidden = h - rho;
                int outputs = n - rho;
                out.add(BlockCandidate.ofComponents(id + ":excess", MECHANISM, layers,
                        List.of(new BlockComponent("excess", block)),
                        dims -> new BlockLaw.ReducedRankExcess(m, outputs, hidden, 0),
                        MECHANISM + ":" + g.layer().name() + ":M" + m + ":H" + hidden + ":N" + outputs));
            }
        }
        return out;
    }

    private static double[] column(DMatrixRMaj x, int c) {
        double[] out = new double[x.numRows];
        for (int r = 0; r < x.numRows; r++) {
            out[r] = x.get(r, c);
        }
        return out;
    }
}
