package io.github.deaddirections.monitor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Takes the probe inputs of a read once, from a data set or the first examples of an iterator. */
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
        if (examples < 1) {
            throw new IllegalArgumentException("probe examples must be at least 1, not " + examples);
        }
        List<INDArray> parts = new ArrayList<>();
        long taken = 0;
        while (taken < examples && iterator.hasNext()) {
            INDArray features = iterator.next().getFeatures();
            long rows = Math.min(features.size(0), examples - taken);
            parts.add(rows == features.size(0) ? features.dup() : features.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, rows)).dup());
            taken += rows;
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("the probe iterator gave no examples");
        }
        return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(INDArray[]::new));
    }

    /**
     * The first {@code examples} examples of a DL4J iterator, which is reset afterwards when it
     * can be, so the same iterator can then be used for training.
     */
    public static INDArray first(DataSetIterator iterator, int examples) {
        if (iterator.resetSupported()) {
            iterator.reset();
        }
        INDArray probe = first((Iterator<DataSet>) iterator, examples);
        if (iterator.resetSupported()) {
            iterator.reset();
        }
        return probe;
    }
}
