package io.github.deaddirections.snapshot;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.IActivation;

import java.util.Optional;

/**
 * One layer of the snapshot as the detectors see it: its name, its DL4J configuration, the
 * layer that feeds it and the one it feeds (when the network is a simple chain there), and the
 * pre-processor DL4J applies to its input.
 *
 * @param name       report name ("0", "1", ... or the graph vertex name)
 * @param position   position in topological order
 * @param conf       DL4J layer configuration (a copy: changing it changes nothing)
 * @param input      the layer feeding this one, or null when it reads the network input
 * @param consumer   the single layer reading this one's output, or null (output layer, or a fan-out)
 * @param preProcessor DL4J's input pre-processor of this layer, or null
 */
public record LayerInfo(String name, int position, Layer conf, String input, String consumer,
                        InputPreProcessor preProcessor) {

    public String typeName() {
        return conf.getClass().getSimpleName();
    }

    public Optional<IActivation> activation() {
        return conf instanceof BaseLayer bl ? Optional.ofNullable(bl.getActivationFn()) : Optional.empty();
    }

    public boolean isOutput() {
        return consumer == null;
    }
}
