package io.github.deaddirections.detect;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Linear groups ({@link LinearGroup}): the units of a dense layer that are affine on the whole
 * probe, some of them constant. One reduced-rank excess block with Aoyagi-Watanabe's law at rank 0,
 * {@code AW(M - r_W, H - r_A - r_W + r, N - r_A, 0)}, when it is not empty, and one data-dependent
 * gauge candidate: the rest of the kernel of the bilinear map's differential, with the biases of
 * the group's non-dead units (the consumer biases taking up the change). The flats tilt into the
 * group's other weights as the base point moves, so those are the candidate's tilt coordinates.
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
            List<double[]> block = g.excess();
            List<double[]> gauge = localised(complement(g.kernel(), block));
            List<Direction> blockSpan = new ArrayList<>();
            block.forEach(v -> blockSpan.add(g.direction(p, v)));
            List<Direction> gaugeSpan = new ArrayList<>();
            gauge.forEach(v -> gaugeSpan.add(g.direction(p, v)));
            java.util.TreeSet<Integer> tilt = new java.util.TreeSet<>();
            for (int j = 0; j < g.hidden(); j++) {
                Unit unit = g.units().get(j);
                boolean live = false;
                for (int k : unit.outgoing()) {
                    live |= theta[k] != 0;
                    tilt.add(k);
                }
                for (int i : unit.incoming()) {
                    tilt.add(i);
                }
                if (live && unit.bias() >= 0) {
                    gaugeSpan.add(g.bias(p, j, theta));
                }
            }
            String id = MECHANISM + ":" + g.layer().name();
            List<String> layers = List.of(g.layer().name(), g.units().get(0).consumer().name());
            List<Orbit> orbits = new ArrayList<>();
            for (int i = 0; i < gaugeSpan.size(); i++) {
                orbits.add(new Orbit("group:" + i, gaugeSpan.get(i), Path.straight(theta, gaugeSpan.get(i))));
            }
            if (!orbits.isEmpty()) {
                out.add(GaugeCandidate.dataDependent(id + ":gauge", MECHANISM, layers, orbits,
                        tilt.stream().mapToInt(Integer::intValue).toArray()));
            }
            if (!blockSpan.isEmpty()) {
                int inputs = g.inputs() - g.rankW();
                int outputs = g.outputs() - g.rankA();
                int hidden = g.excessHidden();
                out.add(BlockCandidate.ofComponents(id + ":excess", MECHANISM, layers,
                        List.of(new BlockComponent("excess", blockSpan)),
                        dims -> new BlockLaw.ReducedRankExcess(inputs, outputs, hidden, 0),
                        MECHANISM + ":" + g.layer().name() + ":M" + inputs + ":H" + hidden + ":N" + outputs));
            }
        }
        return out;
    }

    /**
     * The same span in a basis as close to the coordinate axes as it goes: the projections of the
     * axes, taken greedily (outgoing weights first) and orthonormalised. Each flat is then tested
     * near its own coordinates, so one that misses the flat-locus test does not drag the others
     * (as an SVD basis, which mixes them all, would).
     */
    private static List<double[]> localised(List<double[]> basis) {
        if (basis.isEmpty()) {
            return basis;
        }
        int size = basis.get(0).length;
        List<double[]> out = new ArrayList<>();
        for (int k = 0; k < size && out.size() < basis.size(); k++) {
            double[] v = new double[size];
            for (double[] b : basis) {
                for (int i = 0; i < size; i++) {
                    v[i] += b[k] * b[i];
                }
            }
            double[] u = orthonormalised(v, out, 1e-3);
            if (u != null) {
                out.add(u);
            }
        }
        return out;
    }

    /** An orthonormal basis of span(kernel) orthogonal to span(block) (block orthonormal, inside the kernel). */
    private static List<double[]> complement(List<double[]> kernel, List<double[]> block) {
        List<double[]> basis = new ArrayList<>(block);
        List<double[]> out = new ArrayList<>();
        for (double[] k : kernel) {
            double[] u = orthonormalised(k, basis, 1e-6);
            if (u != null) {
                basis.add(u);
                out.add(u);
            }
        }
        return out;
    }

    /** v less its projection on the orthonormal basis (twice, for rounding), normalised; null when less than minNorm is left. */
    private static double[] orthonormalised(double[] v, List<double[]> basis, double minNorm) {
        double[] u = v.clone();
        for (int pass = 0; pass < 2; pass++) {
            for (double[] b : basis) {
                double dot = 0;
                for (int i = 0; i < u.length; i++) {
                    dot += u[i] * b[i];
                }
                for (int i = 0; i < u.length; i++) {
                    u[i] -= dot * b[i];
                }
            }
        }
        double norm = 0;
        for (double x : u) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (!(norm > minNorm)) {
            return null;
        }
        for (int i = 0; i < u.length; i++) {
            u[i] /= norm;
        }
        return u;
    }
}
