package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The K-FAC A side (METHOD 4): null right-singular vectors a of a dense layer's input matrix
 * (bias column of ones included). Then {@code Delta W = a (x) g} changes no pre-activation on the
 * probe for any g: exactly flat, a gauge of the probe data (collinear inputs, constant or dead
 * features). {@code nullity x n_out} straight directions per layer.
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
        return Layers.isDense(layer);
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        int p = snapshot.parameterCount();
        double[] theta = snapshot.parametersView();
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            Optional<ParameterBlock> w = Layers.weights(snapshot, layer);
            if (!Layers.isDense(layer) || w.isEmpty()) {
                continue;
            }
            INDArray input = context.layerInputs().get(layer.name());
            if (input == null || input.rank() != 2) {
                continue;
            }
            // Layer norm adds its bias after normalising: the input the weights see has no bias column.
            Optional<ParameterBlock> b = Layers.hasLayerNorm(layer) ? Optional.empty() : Layers.bias(snapshot, layer);
            if (context.spectrum().isEmpty() && input.size(0) <= input.size(1) + (b.isPresent() ? 1 : 0)) {
                // Fewer probe samples than inputs: most null vectors are the probe's, not the layer's.
                // Without the exact Fisher to account for them, they are left out (a larger probe resolves them).
                LOG.warn("layer {} has {} inputs but the probe only {} samples: activation-null skipped for it",
                        layer.name(), input.size(1), input.size(0));
                continue;
            }
            List<double[]> nullInputs = nullVectors(io.github.deaddirections.snapshot.ForwardModel.rows(input), b.isPresent(),
                    context.config().activationNullTolerance());
            int nIn = (int) w.get().dim(0);
            int nOut = (int) w.get().dim(1);
            List<Orbit> orbits = new ArrayList<>();
            for (int v = 0; v < nullInputs.size(); v++) {
                double[] a = nullInputs.get(v);
                for (int c = 0; c < nOut; c++) {
                    int[] coords = new int[nIn + (b.isPresent() ? 1 : 0)];
                    double[] values = new double[coords.length];
                    for (int i = 0; i < nIn; i++) {
                        coords[i] = w.get().index(i, c);
                        values[i] = a[i];
                    }
                    if (b.isPresent()) {
                        coords[nIn] = b.get().flatIndex()[c];
                        values[nIn] = a[nIn];
                    }
                    Direction u = Direction.sparse(p, coords, values);
                    orbits.add(new Orbit("input-null" + v + ":out" + c, u, Path.straight(theta, u)));
                }
            }
            if (!orbits.isEmpty()) {
                out.add(new GaugeCandidate(MECHANISM + ":" + layer.name(), MECHANISM, List.of(layer.name()), orbits));
            }
        }
        return out;
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
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, d, false, true, false);
        if (!svd.decompose(m)) {
            throw new IllegalStateException("SVD of a layer's input matrix did not converge");
        }
        DMatrixRMaj s = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, true);
        SingularOps_DDRM.descendingOrder(null, false, s, v, true);
        double max = s.numRows > 0 && s.numCols > 0 ? s.get(0, 0) : 0;
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            double sv = i < Math.min(s.numRows, s.numCols) ? s.get(i, i) : 0;
            if (sv <= tolerance * max) {
                double[] row = new double[d];
                System.arraycopy(v.data, i * d, row, 0, d);
                out.add(row);
            }
        }
        return out;
    }
}
