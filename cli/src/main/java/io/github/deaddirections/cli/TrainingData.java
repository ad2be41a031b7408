package io.github.deaddirections.cli;

import io.github.deaddirections.llc.LlcData;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;

/**
 * The data of an LLC estimate (features and labels), from a DataSet {@code .bin} or a CSV whose
 * last K columns are labels, or labelled by the checkpoint itself ({@code --self-labels}).
 */
final class TrainingData {

    private TrainingData() {
    }

    static LlcData load(Path file, int labelColumns, Integer maxSamples, Model network, boolean selfLabels,
                        double variance, long seed) {
        if (selfLabels) {
            INDArray features = ProbeLoader.load(file, labelColumns, maxSamples);
            return LlcData.drawnFrom(network, features, variance, seed);
        }
        if (ProbeLoader.isDataSet(file)) {
            INDArray features = ProbeLoader.load(file, 0, maxSamples);
            DataSet ds = new DataSet();
            ds.load(file.toFile());
            INDArray labels = ds.getLabels();
            if (labels == null || labels.isEmpty()) {
                throw new BadInputException("data file " + file + " holds no labels: give labelled data or --self-labels");
            }
            return new LlcData(features, labels.get(NDArrayIndex.interval(0, features.size(0))).dup());
        }
        if (labelColumns < 1) {
            throw new BadInputException("an LLC estimate needs labels: name the label columns of " + file
                    + " with --label-columns K, or use --self-labels");
        }
        INDArray all = ProbeLoader.csvWithLabels(file, labelColumns, maxSamples);
        long width = all.size(1);
        if (labelColumns >= width) {
            throw new BadInputException("data file " + file + " has " + width + " columns, too few for " + labelColumns
                    + " label columns and at least one feature");
        }
        INDArray features = all.get(NDArrayIndex.all(), NDArrayIndex.interval(0, width - labelColumns)).dup();
        INDArray labels = all.get(NDArrayIndex.all(), NDArrayIndex.interval(width - labelColumns, width)).dup();
        return new LlcData(features, labels);
    }
}
