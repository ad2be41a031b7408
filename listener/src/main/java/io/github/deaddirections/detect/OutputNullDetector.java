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
 * weights, a ReLU unit dead on the whole probe, the softmax logit shift); only to first order when
 * the cancellation is of gradients, not of the function (two duplicate units: the second order
 * sees phi''). The straight read decides: a flat lift is claimed as a gauge of the data; a lift of
 * order k is not counted here (the exact path's residual reads it, and the blocks that own such
 * loci - node death, duplicate units - are claimed before, so nothing is counted twice).
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
            // The exact part first, with no pass: ReLU units inactive on the whole probe (G's rows
            // and columns for them vanish, so G = G_live (+) 0); stencils only for the live units.
            boolean[] inactive = inactiveReluUnits(context, layer, w.get(), bias);
            inactiveCandidate(snapshot, layer, w.get(), bias, inactive).ifPresent(out::add);
            int[] live = java.util.stream.IntStream.range(0, bias.length).filter(j -> !inactive[j]).toArray();
            if (live.length == 0) {
                continue;
            }
            if (block.needsPasses() && live.length > context.config().outputNullMaxWidth()) {
                // 4 partial passes per output unit: bounded so the read's cost stays flat in the width.
                LOG.debug("layer {} has {} live outputs, above outputNullMaxWidth = {}: output-null stencils skipped",
                        layer.name(), live.length, context.config().outputNullMaxWidth());
                continue;
            }
            int[] liveBias = java.util.Arrays.stream(live).map(j -> bias[j]).toArray();
            double step = context.config().jacobianStep() * scale(snapshot, layer);
            List<double[]> nulls = block.nullCombinations(axes(liveBias), ones(liveBias.length), step, 0.0);
            double liveNorm = block.lastNorm();
            for (int v = 0; v < nulls.size(); v++) {
                double[] g = new double[bias.length];
                for (int k = 0; k < live.length; k++) {
                    g[live[k]] = nulls.get(v)[k];
                }
                List<Orbit> lifts = Layers.isConvolution(layer)
                        ? convolutionLifts(snapshot, block, w.get(), bias, g, step, v, liveNorm)
                        : denseLifts(snapshot, w.get(), bias, g, "g" + v);
                if (!lifts.isEmpty()) {
                    out.add(new GaugeCandidate(MECHANISM + ":" + layer.name() + ":g" + v, MECHANISM, List.of(layer.name()),
                            lifts));
                }
            }
        }
        return out;
    }

    /**
     * A dense ReLU layer's units that are inactive ({@code z <= 0}) on every probe sample: their
     * activation derivative vanishes identically, so {@code g = e_j} is an exact null vector of G
     * and every lift (the unit's incoming weights and bias) is flat. Found from the layer's input
     * at theta-hat, with no stencil (all false for other layers).
     */
    private static boolean[] inactiveReluUnits(DetectionContext context, LayerInfo layer, ParameterBlock w, int[] bias) {
        boolean[] inactive = new boolean[bias.length];
        if (!Layers.isPlainDense(layer) || !layer.activation().map(Layers::isPlainRelu).orElse(false)) {
            return inactive;
        }
        org.nd4j.linalg.api.ndarray.INDArray input = context.layerInputs().get(layer.name());
        if (input == null || input.rank() != 2) {
            return inactive;
        }
        double[] theta = context.snapshot().parametersView();
        double[][] x = io.github.deaddirections.snapshot.ForwardModel.rows(input);
        int nIn = (int) w.dim(0);
        int nOut = (int) w.dim(1);
        double[][] weights = new double[nIn][nOut];
        for (int i = 0; i < nIn; i++) {
            for (int j = 0; j < nOut; j++) {
                weights[i][j] = theta[w.index(i, j)];
            }
        }
        double[] maxZ = new double[nOut];
        java.util.Arrays.fill(maxZ, Double.NEGATIVE_INFINITY);
        for (double[] row : x) {
            double[] z = new double[nOut];
            for (int j = 0; j < nOut; j++) {
                z[j] = theta[bias[j]];
            }
            for (int i = 0; i < nIn; i++) {
                if (row[i] != 0) {
                    for (int j = 0; j < nOut; j++) {
                        z[j] += row[i] * weights[i][j];
                    }
                }
            }
            for (int j = 0; j < nOut; j++) {
                maxZ[j] = Math.max(maxZ[j], z[j]);
            }
        }
        for (int j = 0; j < nOut; j++) {
            inactive[j] = maxZ[j] <= 0;
        }
        return inactive;
    }

    /** All inactive units' lifts as one candidate, so the classifier reads a few and claims the rest. */
    private static Optional<Candidate> inactiveCandidate(Snapshot snapshot, LayerInfo layer, ParameterBlock w, int[] bias,
                                                         boolean[] inactive) {
        List<Orbit> lifts = new ArrayList<>();
        int count = 0;
        for (int j = 0; j < inactive.length; j++) {
            if (inactive[j]) {
                count++;
                double[] g = new double[bias.length];
                g[j] = 1.0;
                lifts.addAll(denseLifts(snapshot, w, bias, g, "unit" + j));
            }
        }
        if (count == 0) {
            return Optional.empty();
        }
        LOG.debug("layer {}: {} of {} ReLU units are inactive on the whole probe", layer.name(), count, inactive.length);
        return Optional.of(new GaugeCandidate(MECHANISM + ":" + layer.name() + ":inactive", MECHANISM, List.of(layer.name()),
                lifts));
    }

    /** a (x) g for a = each input axis and the bias: d_in + 1 straight lines. */
    private static List<Orbit> denseLifts(Snapshot snapshot, ParameterBlock w, int[] bias, double[] g, String name) {
        int nIn = (int) w.dim(0);
        List<Orbit> lifts = new ArrayList<>();
        for (int i = 0; i <= nIn; i++) {
            int[] coords = new int[bias.length];
            for (int j = 0; j < bias.length; j++) {
                coords[j] = i < nIn ? w.index(i, j) : bias[j];
            }
            lifts.add(straight(snapshot, name + (i < nIn ? ":in" + i : ":bias"), coords, g));
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
