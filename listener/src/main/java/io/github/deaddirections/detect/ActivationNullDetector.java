package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The K-FAC A side (METHOD 4): null right-singular vectors a of a layer's activation matrix
 * (bias column of ones included). Then {@code Delta W = a (x) g} changes no pre-activation on the
 * probe for any g: exactly flat. At the first layer this is a null of the input data (collinear
 * or constant input columns), a gauge at every parameter point; at a hidden layer it depends on
 * the layers below (a dead or constant unit's column) and may be one component of a crossing, so
 * the classifier certifies it (METHOD 3). {@code nullity x n_out} straight directions per layer. Dense layers: one row per
 * sample. Convolutions: one row per (sample, output position), the receptive field
 * ({@link ConvPatches}); a null a is a kernel change {@code Delta W[c_out] = a} that no output
 * position sees, for each output channel.
 *
 * <p>A dense layer with at least as many inputs as probe samples (without the exact Fisher) is
 * read only at its inputs that are 0 on every sample (a = e_i, exact whatever the sample count);
 * its other null vectors would be the probe's, and the bound is reported as skipped.
 */
public final class ActivationNullDetector implements Detector {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ActivationNullDetector.class);

    public static final String MECHANISM = "activation-null";

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return Layers.isDense(layer) || Layers.isConvolution(layer);
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        int p = snapshot.parameterCount();
        double[] theta = snapshot.parametersView();
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            Optional<ParameterBlock> w = Layers.weights(snapshot, layer);
            if (!(Layers.isDense(layer) || Layers.isConvolution(layer)) || w.isEmpty()) {
                continue;
            }
            INDArray input = context.layerInputs().get(layer.name());
            // Layer norm adds its bias after normalising: the input the weights see has no bias column.
            Optional<ParameterBlock> b = Layers.hasLayerNorm(layer) ? Optional.empty() : Layers.bias(snapshot, layer);
            Optional<ActivationMatrix> matrix = Layers.isConvolution(layer)
                    ? convolution(layer, w.get(), input, b.isPresent(), context)
                    : dense(layer, w.get(), input, b.isPresent(), context);
            if (matrix.isEmpty()) {
                continue;
            }
            ActivationMatrix m = matrix.get();
            List<double[]> nullInputs = m.zeroColumnsOnly() ? zeroColumns(m.rows(), b.isPresent())
                    : nullVectors(m.rows(), b.isPresent(), context.config().activationNullTolerance());
            List<Orbit> orbits = new ArrayList<>();
            for (int v = 0; v < nullInputs.size(); v++) {
                double[] a = nullInputs.get(v);
                int axis = axisOf(a, m.inputs());
                for (int c = 0; c < m.outputs(); c++) {
                    if (axis >= 0) {
                        // An input that is 0 on every sample: the lift is one weight (no P-wide scan per lift).
                        Direction u = Direction.sparse(p, new int[]{m.weight(c, axis)}, new double[]{1.0});
                        orbits.add(new Orbit("input-null" + v + ":out" + c, u, Path.straight(theta, u)));
                        continue;
                    }
                    int[] coords = new int[m.inputs() + (b.isPresent() ? 1 : 0)];
                    double[] values = new double[coords.length];
                    for (int i = 0; i < m.inputs(); i++) {
                        coords[i] = m.weight(c, i);
                        values[i] = a[i];
                    }
                    if (b.isPresent()) {
                        coords[m.inputs()] = b.get().flatIndex()[c];
                        values[m.inputs()] = a[m.inputs()];
                    }
                    Direction u = Direction.sparse(p, coords, values);
                    orbits.add(new Orbit("input-null" + v + ":out" + c, u, Path.straight(theta, u)));
                }
            }
            if (!orbits.isEmpty()) {
                String id = MECHANISM + ":" + layer.name();
                // A null of the network's own input data holds at every parameter point; one of a
                // hidden layer's activations depends on the parameters below and must be certified.
                out.add(readsInputData(snapshot, layer) ? GaugeCandidate.inputData(id, MECHANISM, List.of(layer.name()), orbits)
                        : GaugeCandidate.dataDependent(id, MECHANISM, List.of(layer.name()), orbits));
            }
        }
        return out;
    }

    /** Whether no parameter acts before the layer: its input is the network's input data (through parameterless layers). */
    static boolean readsInputData(Snapshot snapshot, LayerInfo layer) {
        String below = layer.input();
        while (below != null) {
            LayerInfo l = snapshot.layer(below);
            if (Layers.hasParameters(snapshot, l)) {
                return false;
            }
            below = l.input();
        }
        return true;
    }

    /** The input a null vector is the unit axis of (its only non-zero entry, 1, not the bias), else -1. */
    private static int axisOf(double[] a, int inputs) {
        int axis = -1;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != 0) {
                if (axis >= 0 || i >= inputs || a[i] != 1.0) {
                    return -1;
                }
                axis = i;
            }
        }
        return axis;
    }

    /**
     * A layer's activation matrix: rows the inputs its weights see (one per sample, or per sample
     * and output position), and where weight (output c, input i) sits in theta.
     */
    private record ActivationMatrix(double[][] rows, int inputs, int outputs, java.util.function.IntBinaryOperator index,
                                    boolean zeroColumnsOnly) {
        int weight(int c, int i) {
            return index.applyAsInt(c, i);
        }
    }

    /**
     * The inputs that are exactly 0 on every probe sample (a dead channel below, after pooling), as
     * unit null vectors: exact whatever the number of samples, where an SVD with fewer samples
     * than inputs would return the probe's own null space.
     */
    static List<double[]> zeroColumns(double[][] rows, boolean withBias) {
        int inputs = rows.length == 0 ? 0 : rows[0].length;
        boolean[] zero = new boolean[inputs];
        java.util.Arrays.fill(zero, rows.length > 0);
        for (double[] row : rows) {
            for (int i = 0; i < inputs; i++) {
                zero[i] &= row[i] == 0.0;
            }
        }
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < inputs; i++) {
            if (zero[i]) {
                double[] e = new double[inputs + (withBias ? 1 : 0)];
                e[i] = 1.0;
                out.add(e);
            }
        }
        return out;
    }

    private static Optional<ActivationMatrix> dense(LayerInfo layer, ParameterBlock w, INDArray input, boolean bias,
                                                    DetectionContext context) {
        if (input == null || input.rank() != 2) {
            return Optional.empty();
        }
        if (context.spectrum().isEmpty() && input.size(0) <= input.size(1) + (bias ? 1 : 0)) {
            // Fewer probe samples than inputs: most null vectors are the probe's, not the layer's.
            // Without the exact Fisher to account for them, they are left out (a larger probe resolves them).
            // Only the inputs that are exactly 0 on the whole probe are certain; they are read.
            LOG.debug("layer {} has {} inputs but the probe only {} samples: activation-null reads only its inputs that are"
                    + " 0 on every sample", layer.name(), input.size(1), input.size(0));
            context.skipped(MECHANISM, layer.name(), input.size(1) + " inputs but only " + input.size(0)
                    + " probe samples (only inputs that are 0 on every sample were read)");
            return Optional.of(new ActivationMatrix(io.github.deaddirections.snapshot.ForwardModel.rows(input), (int) w.dim(0),
                    (int) w.dim(1), (c, i) -> w.index(i, c), true));
        }
        return Optional.of(new ActivationMatrix(io.github.deaddirections.snapshot.ForwardModel.rows(input), (int) w.dim(0),
                (int) w.dim(1), (c, i) -> w.index(i, c), false));
    }

    /** im2col rows of a convolution's input; W is [nOut, nIn, kH, kW] and output channel c reads W[c] flattened. */
    private static Optional<ActivationMatrix> convolution(LayerInfo layer, ParameterBlock w, INDArray input, boolean bias,
                                                          DetectionContext context) {
        StringBuilder whyNot = new StringBuilder();
        Optional<ConvPatches> patches = ConvPatches.of((ConvolutionLayer) layer.conf(), whyNot);
        if (patches.isEmpty()) {
            LOG.debug("layer {}: activation-null skipped, {}", layer.name(), whyNot);
            return Optional.empty();
        }
        if (input == null || input.rank() != 4 || w.shape().length != 4 || input.size(1) != w.dim(1)) {
            LOG.debug("layer {}: activation-null skipped, input is not NCHW with {} channels", layer.name(), w.dim(1));
            return Optional.empty();
        }
        long cells = patches.get().cells(input, bias);
        if (cells > context.config().activationNullMaxCells()) {
            LOG.debug("layer {}: its patch matrix would hold {} doubles, above activationNullMaxCells = {}; activation-null"
                    + " skipped for it", layer.name(), cells, context.config().activationNullMaxCells());
            context.skipped(MECHANISM, layer.name(), "a patch matrix of " + cells + " doubles, above activationNullMaxCells = "
                    + context.config().activationNullMaxCells());
            return Optional.empty();
        }
        double[][] rows = patches.get().rows(input);
        int kernel = (int) (w.dim(1) * w.dim(2) * w.dim(3));
        if (context.spectrum().isEmpty() && rows.length <= kernel + (bias ? 1 : 0)) {
            LOG.debug("layer {} has {} patch entries but the probe only {} patches: activation-null skipped for it",
                    layer.name(), kernel, rows.length);
            context.skipped(MECHANISM, layer.name(), kernel + " patch entries but only " + rows.length + " probe patches");
            return Optional.empty();
        }
        int[] flat = w.flatIndex();
        return Optional.of(new ActivationMatrix(rows, kernel, (int) w.dim(0), (c, i) -> flat[c * kernel + i], false));
    }

    /** Unit null vectors of [A | 1] (or A), by SVD with a relative singular-value tolerance. */
    static List<double[]> nullVectors(double[][] a, boolean withBias, double tolerance) {
        int n = a.length;
        int d = a[0].length + (withBias ? 1 : 0);
        DMatrixRMaj m = new DMatrixRMaj(n, d);
        for (int x = 0; x < n; x++) {
            for (int i = 0; i < a[x].length; i++) {
                m.unsafe_set(x, i, a[x][i]);
            }
            if (withBias) {
                m.unsafe_set(x, d - 1, 1.0);
            }
        }
        return rightNullVectors(m, tolerance);
    }

    /** Unit right-singular vectors of m whose singular value is at most tolerance times the largest (m is overwritten). */
    static List<double[]> rightNullVectors(DMatrixRMaj m, double tolerance) {
        return rightNullVectors(m, tolerance, 0.0);
    }

    /**
     * Unit right-singular vectors of m whose singular value is at most {@code relative} times the
     * largest or at most {@code absolute} (m is overwritten; a matrix without rows has them all).
     */
    static List<double[]> rightNullVectors(DMatrixRMaj m, double relative, double absolute) {
        int d = m.numCols;
        if (m.numRows == 0) {
            List<double[]> all = new ArrayList<>();
            for (int i = 0; i < d; i++) {
                double[] e = new double[d];
                e[i] = 1.0;
                all.add(e);
            }
            return all;
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(m.numRows, d, false, true, false);
        if (!svd.decompose(m)) {
            throw new IllegalStateException("SVD of a " + m.numRows + " x " + d + " matrix did not converge");
        }
        DMatrixRMaj s = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, true);
        SingularOps_DDRM.descendingOrder(null, false, s, v, true);
        double max = s.numRows > 0 && s.numCols > 0 ? s.get(0, 0) : 0;
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            double sv = i < Math.min(s.numRows, s.numCols) ? s.get(i, i) : 0;
            if (sv <= relative * max || sv <= absolute) {
                double[] row = new double[d];
                System.arraycopy(v.data, i * d, row, 0, d);
                out.add(row);
            }
        }
        return out;
    }
}
