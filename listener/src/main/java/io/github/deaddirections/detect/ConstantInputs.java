package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.ForwardModel;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Optional;

/**
 * The inputs of a dense layer that are the same on every probe sample and that the layer reads
 * (some weight out of them is not zero): an input column of the probe that is constant, or a unit
 * with zero incoming weights and live outgoing ones. A weight out of such an input moves its unit's
 * pre-activation exactly as the bias does, so {@code (dw, db = -c dw)} is null at every point where
 * the input stays constant: an activation-null gauge of the layer, not a coordinate of a dead
 * unit's crossing. (A constant input produced by a dead unit, whose outgoing weights are zero, is
 * not read: its weights are that unit's crossing coordinates.)
 */
final class ConstantInputs {

    /** Relative spread below which a column is constant (float rounding of a constant is ~1e-16). */
    private static final double TOLERANCE = 1e-12;

    private ConstantInputs() {
    }

    /** Per input of the layer, whether it is constant on the probe and read; all false if unknown. */
    static boolean[] of(DetectionContext context, LayerInfo layer) {
        Snapshot snapshot = context.snapshot();
        Optional<ParameterBlock> w = Layers.weights(snapshot, layer);
        if (w.isEmpty() || !Layers.isPlainDense(layer)) {
            return new boolean[0];
        }
        int nIn = (int) w.get().dim(0);
        int nOut = (int) w.get().dim(1);
        boolean[] out = new boolean[nIn];
        INDArray input = context.layerInputs().get(layer.name());
        if (input == null || input.rank() != 2 || input.columns() != nIn) {
            return out;
        }
        double[][] x = ForwardModel.rows(input);
        double[] theta = snapshot.parametersView();
        double scale = snapshot.layerRms(List.of(layer.name()));
        for (int i = 0; i < nIn; i++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double[] row : x) {
                lo = Math.min(lo, row[i]);
                hi = Math.max(hi, row[i]);
            }
            boolean constant = hi - lo <= TOLERANCE * Math.max(1.0, Math.max(Math.abs(lo), Math.abs(hi)));
            int[] row = new int[nOut];
            for (int j = 0; j < nOut; j++) {
                row[j] = w.get().index(i, j);
            }
            out[i] = constant && !context.allZero(row, scale);
        }
        return out;
    }
}
