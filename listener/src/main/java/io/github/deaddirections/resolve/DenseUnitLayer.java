package io.github.deaddirections.resolve;

import io.github.deaddirections.detect.Layers;
import io.github.deaddirections.snapshot.ForwardModel;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A hidden dense layer read directly by a dense consumer, with what the unit snaps need at
 * theta-hat: its input x, pre-activation z and output h on the probe (one row per sample).
 */
record DenseUnitLayer(LayerInfo layer, IActivation activation, ParameterBlock weights, ParameterBlock bias,
                      ParameterBlock consumerWeights, Optional<ParameterBlock> consumerBias,
                      double[][] z, double[][] h) {

    int inputs() {
        return (int) weights.dim(0);
    }

    int units() {
        return (int) weights.dim(1);
    }

    int outputs() {
        return (int) consumerWeights.dim(1);
    }

    /** The layers of a snapshot whose units the snaps act on (identity layers are the product blocks'). */
    static List<DenseUnitLayer> of(Snapshot snapshot) {
        List<LayerInfo> hidden = new ArrayList<>();
        for (LayerInfo l : snapshot.layers()) {
            if (!Layers.isPlainDense(l) || l.isOutput() || l.consumer() == null || Layers.isIdentity(l)
                    || l.activation().isEmpty() || Layers.weights(snapshot, l).isEmpty() || Layers.bias(snapshot, l).isEmpty()) {
                continue;
            }
            LayerInfo c = snapshot.layer(l.consumer());
            if (!Layers.isPlainDense(c) || c.preProcessor() != null || Layers.weights(snapshot, c).isEmpty()) {
                continue;
            }
            hidden.add(l);
        }
        if (hidden.isEmpty()) {
            return List.of();
        }
        double[] theta = snapshot.parametersView();
        List<LayerInfo> wanted = new ArrayList<>();
        for (LayerInfo l : hidden) {
            wanted.add(l);
            wanted.add(snapshot.layer(l.consumer()));
        }
        Map<String, INDArray> inputs = snapshot.model().layerInputs(theta, wanted);
        List<DenseUnitLayer> out = new ArrayList<>();
        for (LayerInfo l : hidden) {
            LayerInfo c = snapshot.layer(l.consumer());
            INDArray x = inputs.get(l.name());
            INDArray hOut = inputs.get(c.name());
            if (x == null || hOut == null || x.rank() != 2) {
                continue;
            }
            ParameterBlock w = Layers.weights(snapshot, l).orElseThrow();
            ParameterBlock b = Layers.bias(snapshot, l).orElseThrow();
            double[][] z = Layers.preActivations(snapshot, l, theta, ForwardModel.rows(x));
            out.add(new DenseUnitLayer(l, l.activation().orElseThrow(), w, b, Layers.weights(snapshot, c).orElseThrow(),
                    Layers.bias(snapshot, c), z, ForwardModel.rows(hOut)));
        }
        return out;
    }
}
