package io.github.deaddirections.cli;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The probe's labels, when it has numeric ones: a DataSet .bin's labels, or a CSV's last
 * {@code --label-columns} columns. lambda(n) of a Gaussian output uses them for the residual
 * variance at theta-hat (METHOD 8); the exact read never uses labels.
 */
final class ProbeLabels {

    private ProbeLabels() {
    }

    static Optional<double[][]> load(Path file, int labelColumns, Integer maxSamples) {
        INDArray labels;
        if (ProbeLoader.isDataSet(file)) {
            DataSet ds = new DataSet();
            ds.load(file.toFile());
            labels = ds.getLabels();
            if (labels == null || labels.isEmpty() || labels.rank() != 2) {
                return Optional.empty();
            }
        } else if (labelColumns > 0) {
            INDArray all;
            try {
                all = ProbeLoader.csvWithLabels(file, labelColumns, null);
            } catch (BadInputException e) {
                return Optional.empty(); // text labels: no residual variance from them
            }
            labels = all.get(NDArrayIndex.all(), NDArrayIndex.interval(all.size(1) - labelColumns, all.size(1)));
        } else {
            return Optional.empty();
        }
        if (maxSamples != null && maxSamples < labels.size(0)) {
            labels = labels.get(NDArrayIndex.interval(0, maxSamples.longValue()), NDArrayIndex.all());
        }
        return Optional.of(labels.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix());
    }
}
