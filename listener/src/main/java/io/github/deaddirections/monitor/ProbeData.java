package io.github.deaddirections.monitor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Takes the probe inputs of a read once, from a data set or the first examples of an iterator;
 * their labels too where there are any (lambda(n) of a Gaussian output uses them for the residual
 * variance; the exact read never does).
 */
public final class ProbeData {

    private ProbeData() {
    }

    /** The features of a data set, copied. */
    public static INDArray of(DataSet data) {
        if (data == null || data.getFeatures() == null) {
            throw new IllegalArgumentException("the probe data set has no features");
        }
        return data.getFeatures().dup();
    }

    /** The features of the first {@code examples} examples an iterator gives (fewer if it ends first). */
    public static INDArray first(Iterator<DataSet> iterator, int examples) {
        return firstExamples(iterator, examples).getFeatures();
    }

    /** The labels of a data set as rows, copied, or null when it has none. */
    public static double[][] labels(DataSet data) {
        INDArray labels = data == null ? null : data.getLabels();
        return labels == null || labels.isEmpty() || labels.rank() != 2 ? null
                : labels.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
    }

    /** The first {@code examples} examples an iterator gives, features and labels (labels null if it has none). */
    public static DataSet firstExamples(Iterator<DataSet> iterator, int examples) {
        if (examples < 1) {
            throw new IllegalArgumentException("probe examples must be at least 1, not " + examples);
        }
        List<INDArray> parts = new ArrayList<>();
        List<INDArray> labelParts = new ArrayList<>();
        boolean labelled = true;
        long taken = 0;
        while (taken < examples && iterator.hasNext()) {
            DataSet next = iterator.next();
            INDArray features = next.getFeatures();
            long rows = Math.min(features.size(0), examples - taken);
            parts.add(head(features, rows));
            labelled &= next.getLabels() != null && next.getLabels().rank() == 2;
            if (labelled) {
                labelParts.add(head(next.getLabels(), rows));
            }
            taken += rows;
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("the probe iterator gave no examples");
        }
        INDArray features = parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(INDArray[]::new));
        INDArray labels = !labelled ? null : labelParts.size() == 1 ? labelParts.get(0)
                : Nd4j.concat(0, labelParts.toArray(INDArray[]::new));
        return new DataSet(features, labels);
    }

    private static INDArray head(INDArray a, long rows) {
        return rows == a.size(0) ? a.dup() : a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, rows)).dup();
    }

    /**
     * The first {@code examples} examples of a DL4J iterator, which is reset afterwards when it
     * can be, so the same iterator can then be used for training.
     */
    public static INDArray first(DataSetIterator iterator, int examples) {
        return firstExamples(iterator, examples).getFeatures();
    }

    /** As {@link #first(DataSetIterator, int)}, features and labels. */
    public static DataSet firstExamples(DataSetIterator iterator, int examples) {
        if (iterator.resetSupported()) {
            iterator.reset();
        }
        DataSet probe = firstExamples((Iterator<DataSet>) iterator, examples);
        if (iterator.resetSupported()) {
            iterator.reset();
        }
        return probe;
    }
}
