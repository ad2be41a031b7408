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
        for (int l = Math.max(0, from); l < steps.size(); l++) {
            DenseChain.Step s = steps.get(l);
            if (s == null) {
                continue;
            }
            int in = s.in();
            int out = s.out();
            boolean[] moved = movedColumns(s, theta);
            int movedCount = 0;
            for (boolean m : moved) {
                movedCount += m ? 1 : 0;
            }
            if (denseInput == null && changedInputs.length == 0 && movedCount == 0) {
                continue; // nothing reaches this layer yet
            }
            long layerCost = denseInput != null ? (long) samples * in * out
                    : (long) samples * ((long) movedCount * in + (long) changedInputs.length * out);
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
                for (int o = 0; o < out; o++) {
                    if (moved[o]) {
                        double[] col = column(s, theta, inputs[l], changedInputs, newInputColumns, o);
                        for (int n = 0; n < samples; n++) {
                            z[n][o] = col[n];
                        }
                    }
                }
                addInputChange(s, theta, moved, changedInputs, newInputColumns, inputs[l], z);
                denseInput = DenseChain.activate(s, z);
                changedInputs = new int[0];
                newInputColumns = new double[0][];
                continue;
            }
            // Only the moved units change: compute just their columns (no copy of the layer).
            int[] cols = new int[movedCount];
            int k = 0;
            for (int o = 0; o < out; o++) {
                if (moved[o]) {
                    cols[k++] = o;
                }
            }
            double[][] values = new double[cols.length][];
            for (int c = 0; c < cols.length; c++) {
                values[c] = column(s, theta, inputs[l], changedInputs, newInputColumns, cols[c]);
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

    /** Units whose incoming weights or bias differ from theta-hat. */
    private boolean[] movedColumns(DenseChain.Step s, double[] theta) {
        int out = s.out();
        boolean[] moved = new boolean[out];
        int[] w = s.weightIndex();
        for (int k = 0; k < w.length; k++) {
            if (theta[w[k]] != anchor[w[k]]) {
                moved[k % out] = true;
            }
        }
        int[] b = s.biasIndex();
        if (b != null) {
            for (int o = 0; o < out; o++) {
                if (theta[b[o]] != anchor[b[o]]) {
                    moved[o] = true;
                }
            }
        }
        return moved;
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
        for (int n = 0; n < samples; n++) {
            double acc = b;
            double[] xn = x[n];
            for (int i = 0; i < in; i++) {
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
