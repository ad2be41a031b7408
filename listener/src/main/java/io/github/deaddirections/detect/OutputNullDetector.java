package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The K-FAC G side (METHOD 4): null vectors g of a layer's output-gradient factor
 * {@code G = E_x sum_o (df_o/dz)(df_o/dz)'} (z the pre-activation, f the whitened outputs of the
 * exact Fisher). With a bias, {@code df/db_j = df/dz_j}, so G is exactly the Fisher block of the
 * bias vector ({@link FisherBlock}: from the exact spectrum when there is one, else d_out stencil
 * columns from the layer on, at most {@code outputNullMaxWidth} of them; never a P x P matrix).
 *
 * <p>Why a null g makes every lift {@code Delta W = a (x) g} first-order flat (dense): along it z
 * moves by {@code t (a . x~) g}, so {@code df = t (a . x~) g . df/dz = 0} for every probe sample.
 * To all orders when f does not see z along g at all near theta-hat (a unit with zero outgoing
 * weights, the softmax logit shift); only to first order when
 * the cancellation is of gradients, not of the function (two duplicate units: the second order
 * sees phi''). The straight read decides: a flat lift is claimed as a gauge of the data; a lift of
 * order k is not counted here (the exact path's residual reads it, and the blocks that own such
 * loci - node death, duplicate units - are claimed before, so nothing is counted twice).
 *
 * <p>ReLU units of a dense layer inactive on the whole probe have vanishing rows of G: they are
 * {@link InactiveUnitDetector}'s (g = e_j exactly, lifts read within the unit's activity margin),
 * and the stencils here cover the live units only ({@code G = G_live (+) 0}), so the width bound
 * counts live units.
 *
 * <p>Convolutions: the bias block is {@code sum_pos} of the per-position gradients, so a null g
 * guarantees only the bias lift; the kernel lifts are kept where their own whitened Jacobian
 * vanishes (one more stencil per kernel entry and null g). Layers without a bias are skipped.
 */
public final class OutputNullDetector implements Detector {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OutputNullDetector.class);

    public static final String MECHANISM = "output-null";

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
        FisherBlock block = new FisherBlock(context);
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            Optional<ParameterBlock> w = Layers.weights(snapshot, layer);
            if (!understands(layer) || w.isEmpty()) {
                continue;
            }
            Optional<ParameterBlock> b = Layers.bias(snapshot, layer);
            if (b.isEmpty()) {
                LOG.debug("layer {} has no bias: its output-gradient factor is not a Fisher block; output-null skipped",
                        layer.name());
                continue;
            }
            int[] bias = b.get().flatIndex();
            // G = G_live (+) 0: the rows of units inactive on the whole probe vanish identically,
            // and those units are the inactive-unit detector's (exact, no stencil, with their reach).
            Optional<InactiveUnits> inactive = context.inactiveUnits(layer);
            int[] live = java.util.stream.IntStream.range(0, bias.length)
                    .filter(j -> inactive.isEmpty() || !inactive.get().isInactive(j)).toArray();
            if (live.length == 0) {
                continue;
            }
            if (block.needsPasses() && live.length > context.config().outputNullMaxWidth()) {
                // 4 partial passes per output unit: bounded so the read's cost stays flat in the width.
                LOG.debug("layer {} has {} live outputs, above outputNullMaxWidth = {}: output-null skipped", layer.name(),
                        live.length, context.config().outputNullMaxWidth());
                String outputs = live.length == bias.length ? live.length + " outputs"
                        : live.length + " live outputs (" + (bias.length - live.length) + " inactive ones found without stencils)";
                context.skipped(MECHANISM, layer.name(), outputs + ", above outputNullMaxWidth = "
                        + context.config().outputNullMaxWidth());
                continue;
            }
            int[] liveBias = java.util.Arrays.stream(live).map(j -> bias[j]).toArray();
            double step = context.config().jacobianStep() * scale(snapshot, layer);
            List<double[]> nulls = unitsFirst(block.nullCombinations(axes(liveBias), ones(liveBias.length), step, 0.0));
            double liveNorm = block.lastNorm();
            for (int v = 0; v < nulls.size(); v++) {
                double[] g = new double[bias.length];
                for (int k = 0; k < live.length; k++) {
                    g[live[k]] = nulls.get(v)[k];
                }
                if (LOG.isDebugEnabled()) {
                    LOG.debug("layer {} output-null g{}: {}", layer.name(), v, describe(g));
                }
                List<Orbit> lifts = Layers.isConvolution(layer)
                        ? convolutionLifts(snapshot, block, w.get(), bias, g, step, v, liveNorm)
                        : denseLifts(snapshot, w.get(), bias, g, v);
                if (!lifts.isEmpty()) {
                    out.add(GaugeCandidate.dataDependent(MECHANISM + ":" + layer.name() + ":g" + v, MECHANISM, List.of(layer.name()),
                            lifts));
                }
            }
        }
        return out;
    }

    /** A null vector's share on one unit at or above which the unit's own axis is null (rounding aside). */
    private static final double AXIS_SHARE = 1 - 1e-9;

    /**
     * The null space's basis with its unit axes first: every unit whose own bias direction is null
     * (its outputs reach nothing: zero outgoing weights) gets g = e_j, and the rest of the null space
     * is orthogonal to those axes. The SVD's basis of a null space holding several such units is an
     * arbitrary rotation among them (decided by rounding), and a lift of a mixed g would tie a
     * unit whose locus is flat to one whose flatness ends where its outgoing weights do (a dead
     * unit beside an only-outgoing-dead one): its certificate then depended on the rotation.
     */
    static List<double[]> unitsFirst(List<double[]> nulls) {
        if (nulls.size() < 2) {
            return nulls;
        }
        int width = nulls.get(0).length;
        List<double[]> out = new ArrayList<>();
        boolean[] axis = new boolean[width];
        for (int k = 0; k < width; k++) {
            double share = 0;
            for (double[] g : nulls) {
                share += g[k] * g[k];
            }
            if (share >= AXIS_SHARE) {
                axis[k] = true;
                double[] e = new double[width];
                e[k] = 1.0;
                out.add(e);
            }
        }
        if (out.isEmpty()) {
            return nulls;
        }
        int axes = out.size();
        for (double[] g : nulls) {
            if (out.size() == nulls.size()) {
                break;
            }
            double[] r = g.clone();
            for (int k = 0; k < width; k++) {
                if (axis[k]) {
                    r[k] = 0.0;
                }
            }
            for (double[] prev : out.subList(axes, out.size())) {
                double c = Directions.dot(r, prev);
                for (int k = 0; k < width; k++) {
                    r[k] -= c * prev[k];
                }
            }
            if (Directions.norm(r) > 1e-6) {
                out.add(Directions.normalise(r));
            }
        }
        return out;
    }

    /** a (x) g for a = each input axis and the bias: d_in + 1 straight lines. */
    private static List<Orbit> denseLifts(Snapshot snapshot, ParameterBlock w, int[] bias, double[] g, int v) {
        int nIn = (int) w.dim(0);
        List<Orbit> lifts = new ArrayList<>();
        for (int i = 0; i <= nIn; i++) {
            int[] coords = new int[bias.length];
            for (int j = 0; j < bias.length; j++) {
                coords[j] = i < nIn ? w.index(i, j) : bias[j];
            }
            lifts.add(straight(snapshot, "g" + v + (i < nIn ? ":in" + i : ":bias"), coords, g));
        }
        return lifts;
    }

    /**
     * Kernel lifts {@code Delta W[c] = g_c a} (a over the kernel entries and the bias) whose whitened
     * Jacobian vanishes: the null space of that Jacobian, kernel + 1 columns.
     */
    private static List<Orbit> convolutionLifts(Snapshot snapshot, FisherBlock block, ParameterBlock w, int[] bias,
                                                double[] g, double step, int v, double live) {
        int channels = (int) w.dim(0);
        int kernel = (int) (w.dim(1) * w.dim(2) * w.dim(3));
        int[] flat = w.flatIndex();
        int[][] coords = new int[kernel + 1][channels];
        for (int k = 0; k <= kernel; k++) {
            for (int c = 0; c < channels; c++) {
                coords[k][c] = k < kernel ? flat[c * kernel + k] : bias[c];
            }
        }
        double[][] values = new double[kernel + 1][];
        java.util.Arrays.fill(values, g);
        List<Orbit> lifts = new ArrayList<>();
        // Null relative to the layer's bias block: the lifts may all be null, with nothing live to compare.
        List<double[]> flatLifts = block.nullCombinations(coords, values, step, live);
        for (int l = 0; l < flatLifts.size(); l++) {
            double[] a = flatLifts.get(l);
            int[] support = new int[(kernel + 1) * channels];
            double[] entries = new double[support.length];
            for (int k = 0; k <= kernel; k++) {
                for (int c = 0; c < channels; c++) {
                    support[k * channels + c] = coords[k][c];
                    entries[k * channels + c] = a[k] * g[c];
                }
            }
            lifts.add(straight(snapshot, "g" + v + ":lift" + l, support, entries));
        }
        return lifts;
    }

    private static Orbit straight(Snapshot snapshot, String role, int[] coords, double[] values) {
        Direction u = Direction.sparse(snapshot.parameterCount(), coords, values).normalised();
        return new Orbit(role, u, Path.straight(snapshot.parametersView(), u));
    }

    /** The layer's RMS parameter size (else the network's, else 1), as the exact Fisher steps. */
    private static double scale(Snapshot snapshot, LayerInfo layer) {
        double rms = snapshot.rms(snapshot.layout().indicesOf(layer.name()));
        double net = snapshot.rms();
        return rms > 0 ? rms : (net > 0 ? net : 1.0);
    }

    /** The units a null vector lives on, largest first (for the debug log). */
    private static String describe(double[] g) {
        Integer[] order = new Integer[g.length];
        for (int j = 0; j < g.length; j++) {
            order[j] = j;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(g[b]), Math.abs(g[a])));
        StringBuilder out = new StringBuilder();
        int shown = 0;
        long support = java.util.Arrays.stream(g).filter(x -> x != 0).count();
        for (Integer j : order) {
            if (g[j] == 0 || shown == 6) {
                break;
            }
            out.append(shown++ == 0 ? "" : ", ").append("unit ").append(j).append(' ')
                    .append(String.format(java.util.Locale.ROOT, "%.3g", g[j]));
        }
        return support + " units (" + out + (support > shown ? ", ..." : "") + ")";
    }

    private static int[][] axes(int[] coordinates) {
        int[][] out = new int[coordinates.length][];
        for (int j = 0; j < coordinates.length; j++) {
            out[j] = new int[]{coordinates[j]};
        }
        return out;
    }

    private static double[][] ones(int n) {
        double[][] out = new double[n][];
        for (int j = 0; j < n; j++) {
            out[j] = new double[]{1.0};
        }
        return out;
    }

}
