package io.github.deaddirections.cli;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

/**
 * A CSV probe is one flat row per sample. A network whose first layer is convolutional, with no
 * preprocessor to reshape flat rows, needs image- or sequence-shaped inputs that a CSV cannot
 * carry; without this check the user would be told that the row width does not match the
 * number of input channels, which is true but does not say what to do.
 */
final class FlatProbeCheck {

    private FlatProbeCheck() {
    }

    static void check(Model model, INDArray probe, Path probeFile) {
        if (probe.rank() != 2 || !(model instanceof MultiLayerNetwork net)) {
            return;
        }
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        if (conf.getConfs().isEmpty() || conf.getInputPreProcess(0) != null) {
            return;
        }
        Layer first = conf.getConf(0).getLayer();
        if (first instanceof ConvolutionLayer || first instanceof SubsamplingLayer) {
            throw new BadInputException("probe file " + probeFile + " has one flat row per sample, but layer 0 ("
                    + first.getClass().getSimpleName() + ") takes shaped inputs such as [samples, channels, height, width]:"
                    + " save the probe as a DataSet .bin (DataSet.save) with features in that shape");
        }
    }
}
