package io.github.deaddirections.snapshot;

import java.util.Arrays;
import java.util.List;

/**
 * A forward pass of a {@link DenseChain} near theta-hat that recomputes only what the change of
 * parameters touches (METHOD 7: "only the layers at and after the direction's support need
 * recomputing", taken down to the units).
 *
 * <p>Why: a read moves theta along one direction at a time, and most directions live on a few
 * units: a rescaling orbit moves one unit's incoming and outgoing weights, an activation-null
 * lift one output column, a node death one unit. With the pre-activations z and activations h of
 * every layer cached at theta-hat, a layer whose weights changed in columns C and whose input
 * changed in columns I needs
 * <pre>
 *   z'[:, o] = x' W'[:, o] + b'[o]                          for o in C (recomputed)
 *   z'[:, o] = z[:, o] + sum_{i in I} (x'[:, i] - x[:, i]) W[i, o]  otherwise
 * </pre>
 * which costs N (|C| d_in + |I| d_out) instead of N d_in d_out. A change spreads to every unit
 * of the next layer once it reaches a layer's input, so past its support the pass is dense; the
 * caller gives a budget of multiply-adds and gets null back when the pass would exceed it (a
 * full pass through BLAS is then cheaper). Unchanged columns are the cached values bit for bit,
 * so a parameter that does not matter changes the output by exactly nothing.
 */
final class IncrementalPass {

    private final DenseChain chain;
    private final List<DenseChain.Step> steps;
    private final double[] anchor;
    /** Per layer position: its input x and pre-activation z at theta-hat (z null for identity layers). */
    private final double[][][] inputs;
    private final double[][][] pre;
    /** The network's output at theta-hat. */
    private final double[][] output;
    private final int samples;
    /**
     * Per parameter of theta: the chain step it belongs to (-1 for none), its row in that step's
     * W (-1 for the bias) and its unit. Finding what moved is then one vectorised comparison of
     * theta with theta-hat and a lookup per changed entry, instead of a gather over every weight of
     * every layer per pass (which cost more than the pass itself at 1e6 parameters).
     */
    private final int[] stepOf;
    private final int[] rowOf;
    private final int[] unitOf;

    IncrementalPass(DenseChain chain, double[] anchor) {
        this.chain = chain;
        this.steps = chain.steps();
        this.anchor = anchor.clone();
        int layers = steps.size();
        this.inputs = new double[layers][][];
        this.pre = new double[layers][][];
        double[][] x = chain.probe();
        this.samples = x.length;
        for (int l = 0; l < layers; l++) {
            DenseChain.Step s = steps.get(l);
            inputs[l] = x;
            if (s != null) {
                pre[l] = s.apply(this.anchor, x);
                double[][] h = new double[samples][];
                for (int n = 0; n < samples; n++) {
                    h[n] = pre[l][n].clone();
                }
                x = DenseChain.activate(s, h);
            }
        }
        this.output = x;
        this.stepOf = new int[this.anchor.length];
        this.rowOf = new int[this.anchor.length];
        this.unitOf = new int[this.anchor.length];
        Arrays.fill(stepOf, -1);
        for (int l = 0; l < layers; l++) {
            DenseChain.Step s = steps.get(l);
            if (s == null) {
                continue;
            }
            int[] w = s.weightIndex();
            for (int k = 0; k < w.length; k++) {
                stepOf[w[k]] = l;
                rowOf[w[k]] = k / s.out();
                unitOf[w[k]] = k % s.out();
            }
            if (s.biasIndex() != null) {
                for (int o = 0; o < s.out(); o++) {
                    stepOf[s.biasIndex()[o]] = l;
                    rowOf[s.biasIndex()[o]] = -1;
                    unitOf[s.biasIndex()[o]] = o;
                }
            }
        }
    }

    /** What moved in one layer: its moved units (ascending), and per moved unit its changed weight rows and bias. */
    private record LayerMove(int[] units, int[][] rows, boolean[] bias) {

        static final LayerMove NONE = new LayerMove(new int[0], new int[0][], new boolean[0]);

        int count() {
            return units.length;
        }
    }

    /** Per chain step, what theta changes against theta-hat (chain parameters only). */
    private LayerMove[] moves(double[] theta) {
        int n = anchor.length;
        int[] changed = new int[64];
        int count = 0;
        for (int i = Arrays.mismatch(theta, anchor); i >= 0 && i < n; ) {
            if (stepOf[i] >= 0) {
                if (count == changed.length) {
                    changed = Arrays.copyOf(changed, 2 * count);
                }
                changed[count++] = i;
            }
            int next = Arrays.mismatch(theta, i + 1, n, anchor, i + 1, n);
            i = next < 0 ? -1 : i + 1 + next;
        }
        LayerMove[] out = new LayerMove[steps.size()];
        Arrays.fill(out, LayerMove.NONE);
        for (int l = 0; l < steps.size(); l++) {
            DenseChain.Step s = steps.get(l);
            if (s == null) {
                continue;
            }
            // Counting sort by unit: rows per unit, then the units in ascending order.
            int[] rowCount = null;
            boolean[] bias = null;
            for (int c = 0; c < count; c++) {
                int i = changed[c];
                if (stepOf[i] != l) {
                    continue;
                }
                if (rowCount == null) {
                    rowCount = new int[s.out()];
                    bias = new boolean[s.out()];
                }
                if (rowOf[i] < 0) {
                    bias[unitOf[i]] = true;
                } else {
                    rowCount[unitOf[i]]++;
                }
            }
            if (rowCount == null) {
                continue;
            }
            int units = 0;
            for (int o = 0; o < s.out(); o++) {
                units += rowCount[o] > 0 || bias[o] ? 1 : 0;
            }
            int[] ids = new int[units];
            int[][] rows = new int[units][];
            boolean[] biasMoved = new boolean[units];
            int[] slot = new int[s.out()];
            int k = 0;
            for (int o = 0; o < s.out(); o++) {
                if (rowCount[o] > 0 || bias[o]) {
                    ids[k] = o;
                    rows[k] = new int[rowCount[o]];
                    biasMoved[k] = bias[o];
                    slot[o] = k++;
                }
            }
            int[] filled = new int[units];
            for (int c = 0; c < count; c++) {
                int i = changed[c];
                if (stepOf[i] == l && rowOf[i] >= 0) {
                    int m = slot[unitOf[i]];
                    rows[m][filled[m]++] = rowOf[i];
                }
            }
            out[l] = new LayerMove(ids, rows, biasMoved);
        }
        return out;
    }

    /** The chain this pass evaluates, on the input it was built with. */
    DenseChain chain() {
        return chain;
    }

    /** The input of the layer at this position at theta-hat (read-only). */
    double[][] input(int position) {
        return inputs[position];
    }

    /**
     * Output at theta, which differs from theta-hat only in layers at or after {@code from}; null
     * when that would cost more than {@code budget} multiply-adds.
     */
    double[][] output(double[] theta, int from, long budget) {
        return output(theta, from, budget, new int[0], new double[0][]);
    }

    /**
     * Output at theta (which moves nothing before the first layer) on an input that differs from
     * the cached one only in the given columns (ascending; their new values column-major): a
     * change of a few input features (a few channels of a CNN's feature map) costs
     * N |changed| d_out in the first layer. Null when the pass would cost more than
     * {@code budget} multiply-adds.
     */
    double[][] outputOnColumns(int[] columns, double[][] values, double[] theta, long budget) {
        return output(theta, 0, budget, columns, values);
    }

    /**
     * The pass with the first recomputed layer's input changed in the columns {@code changedInputs}
     * (their new values column-major in {@code newInputColumns}).
     */
    private double[][] output(double[] theta, int from, long budget, int[] changedInputs, double[][] newInputColumns) {
        long cost = 0;
        // The current layer's input as a change against the cached one: either nothing, a few
        // columns (changedInputs with their new values, column-major), or everything (denseInput).
        double[][] denseInput = null;
        LayerMove[] moves = moves(theta);
        for (int l = Math.max(0, from); l < steps.size(); l++) {
            DenseChain.Step s = steps.get(l);
            if (s == null) {
                continue;
            }
            int in = s.in();
            int out = s.out();
            LayerMove move = moves[l];
            boolean[] moved = new boolean[out];
            for (int u : move.units()) {
                moved[u] = true;
            }
            int movedCount = move.count();
            if (denseInput == null && changedInputs.length == 0 && movedCount == 0) {
                continue; // nothing reaches this layer yet
            }
            long layerCost = denseInput != null ? (long) samples * in * out
                    : (long) samples * (movedCost(l, move, changedInputs.length, in) + (long) changedInputs.length * out);
            cost += layerCost;
            if (cost > budget) {
                return null;
            }
            if (denseInput != null) {
                denseInput = DenseChain.activate(s, s.apply(theta, denseInput));
                continue;
            }
            if (changedInputs.length > 0 || s.activation().rowWise()) {
                // A changed input reaches every unit (and softmax mixes a row): dense from here on.
                double[][] z = new double[samples][];
                for (int n = 0; n < samples; n++) {
                    z[n] = pre[l][n].clone();
                }
                for (int m = 0; m < move.count(); m++) {
                    int o = move.units()[m];
                    double[] col = movedColumn(s, theta, l, changedInputs, newInputColumns, move, m);
                    for (int n = 0; n < samples; n++) {
                        z[n][o] = col[n];
                    }
                }
                addInputChange(s, theta, moved, changedInputs, newInputColumns, inputs[l], z);
                denseInput = DenseChain.activate(s, z);
                changedInputs = new int[0];
                newInputColumns = new double[0][];
                continue;
            }
            // Only the moved units change: compute just their columns (no copy of the layer).
            int[] cols = move.units();
            double[][] values = new double[cols.length][];
            for (int c = 0; c < cols.length; c++) {
                values[c] = movedColumn(s, theta, l, changedInputs, newInputColumns, move, c);
                for (int n = 0; n < samples; n++) {
                    values[c][n] = s.activation().apply(values[c][n]); // elementwise: softmax went dense above
                }
            }
            changedInputs = cols;
            newInputColumns = values;
        }
        if (denseInput != null) {
            return denseInput;
        }
        return withColumns(output, changedInputs, newInputColumns);
    }

    /**
     * Multiply-adds per sample of the moved units' columns, as {@link #movedColumn} computes them: a
     * unit updated from the cached z costs its moved rows plus the changed inputs, a recomputed one
     * its fan-in (a dead unit's outgoing row moves every unit of the next layer by one row each).
     */
    private long movedCost(int l, LayerMove move, int changedInputs, int in) {
        long cost = 0;
        for (int m = 0; m < move.count(); m++) {
            int updated = move.rows()[m].length + changedInputs;
            cost += updatesFromCache(l, updated, in) ? updated : in;
        }
        return cost;
    }

    /** Whether a moved unit's column is updated from the cached z (few rows moved) rather than recomputed. */
    private boolean updatesFromCache(int l, int updatedRows, int in) {
        return pre[l] != null && 2L * updatedRows < in;
    }

    /**
     * z'[:, o] of moved unit {@code move.units()[m]}: recomputed as {@code x' W'[:, o] + b'[o]}
     * when most of its incoming weights moved (a rescaling orbit's unit), else from the cached z as
     * <pre>
     *   z'[:, o] = z[:, o] + sum_{r moved} x[:, r] dW[r, o] + sum_{i in I} dx[:, i] W'[i, o] + db[o]
     * </pre>
     * (x' W' = x W + x dW + dx W'): a unit of the next layer whose outgoing row moved with its input
     * costs N (|rows| + |I|) instead of N d_in.
     */
    private double[] movedColumn(DenseChain.Step s, double[] theta, int l, int[] changed, double[][] changedValues,
                                 LayerMove move, int m) {
        int o = move.units()[m];
        int[] rows = move.rows()[m];
        if (!updatesFromCache(l, rows.length + changed.length, s.in())) {
            return column(s, theta, inputs[l], changed, changedValues, o);
        }
        int out = s.out();
        int[] w = s.weightIndex();
        double[][] x = inputs[l];
        double[][] zc = pre[l];
        double db = move.bias()[m] ? s.bias(theta, o) - s.bias(anchor, o) : 0.0;
        double[] z = new double[samples];
        for (int n = 0; n < samples; n++) {
            z[n] = zc[n][o] + db;
        }
        for (int r : rows) {
            double dw = theta[w[r * out + o]] - anchor[w[r * out + o]];
            for (int n = 0; n < samples; n++) {
                z[n] += x[n][r] * dw;
            }
        }
        for (int c = 0; c < changed.length; c++) {
            int i = changed[c];
            double wi = theta[w[i * out + o]];
            double[] values = changedValues[c];
            for (int n = 0; n < samples; n++) {
                z[n] += (values[n] - x[n][i]) * wi;
            }
        }
        return z;
    }

    /** z'[:, o] = x' W'[:, o] + b'[o], with x' the cached input x overlaid by the changed columns. */
    private double[] column(DenseChain.Step s, double[] theta, double[][] x, int[] changed, double[][] changedValues, int o) {
        int in = s.in();
        int out = s.out();
        double[] w = new double[in];
        for (int i = 0; i < in; i++) {
            w[i] = theta[s.weightIndex()[i * out + o]];
        }
        double b = s.bias(theta, o);
        double[] z = new double[samples];
        int blocked = in - in % 4;
        for (int n = 0; n < samples; n++) {
            // Four partial sums: independent chains the CPU can overlap (one sum is latency-bound).
            double a0 = 0;
            double a1 = 0;
            double a2 = 0;
            double a3 = 0;
            double[] xn = x[n];
            for (int i = 0; i < blocked; i += 4) {
                a0 += xn[i] * w[i];
                a1 += xn[i + 1] * w[i + 1];
                a2 += xn[i + 2] * w[i + 2];
                a3 += xn[i + 3] * w[i + 3];
            }
            double acc = b + ((a0 + a1) + (a2 + a3));
            for (int i = blocked; i < in; i++) {
                acc += xn[i] * w[i];
            }
            for (int c = 0; c < changed.length; c++) {
                acc += (changedValues[c][n] - xn[changed[c]]) * w[changed[c]];
            }
            z[n] = acc;
        }
        return z;
    }

    /** z[:, o] += sum over changed inputs i of (x'[:, i] - x[:, i]) W[i, o], for the units that did not move. */
    private static void addInputChange(DenseChain.Step s, double[] theta, boolean[] moved, int[] changed,
                                       double[][] newColumns, double[][] oldInput, double[][] z) {
        int out = s.out();
        for (int c = 0; c < changed.length; c++) {
            int i = changed[c];
            double[] w = new double[out];
            for (int o = 0; o < out; o++) {
                w[o] = moved[o] ? 0.0 : theta[s.weightIndex()[i * out + o]];
            }
            for (int n = 0; n < z.length; n++) {
                double dx = newColumns[c][n] - oldInput[n][i];
                if (dx == 0) {
                    continue;
                }
                double[] zn = z[n];
                for (int o = 0; o < out; o++) {
                    zn[o] += dx * w[o];
                }
            }
        }
    }

    /** A copy of {@code base} with the given columns replaced. */
    private static double[][] withColumns(double[][] base, int[] cols, double[][] values) {
        double[][] out = new double[base.length][];
        for (int n = 0; n < base.length; n++) {
            out[n] = Arrays.copyOf(base[n], base[n].length);
            for (int c = 0; c < cols.length; c++) {
                out[n][cols[c]] = values[c][n];
            }
        }
        return out;
    }
}
