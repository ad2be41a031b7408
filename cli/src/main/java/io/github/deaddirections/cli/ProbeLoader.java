package io.github.deaddirections.cli;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Loads the probe inputs of a read: a DL4J {@code DataSet} saved with {@code DataSet.save}
 * (extension {@code .bin}; only its features are used, any shape) or a CSV of features, one
 * sample per row. {@code labelColumns} drops that many columns at the right (the labels, when the
 * file has them); a read uses no labels, so those columns may hold anything, text class names
 * ({@code cat}, {@code dog}) included. A CSV's first line is a header when any of its feature
 * cells is not a number. {@code maxSamples} keeps the first N samples.
 */
public final class ProbeLoader {

    private ProbeLoader() {
    }

    public static INDArray load(Path file, int labelColumns, Integer maxSamples) {
        if (labelColumns < 0) {
            throw new BadInputException("--label-columns must be 0 or more, not " + labelColumns);
        }
        if (maxSamples != null && maxSamples < 1) {
            throw new BadInputException("--max-samples must be at least 1, not " + maxSamples);
        }
        if (!Files.exists(file)) {
            throw new BadInputException("probe file " + file + " does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BadInputException("probe file " + file + " is not a readable file");
        }
        INDArray features;
        if (isDataSet(file)) {
            if (labelColumns > 0) {
                throw new BadInputException("--label-columns applies to CSV probes only: a DataSet .bin keeps its labels"
                        + " apart from its features already");
            }
            features = dataSetFeatures(file);
        } else {
            features = csv(file, labelColumns, false);
        }
        if (maxSamples != null && maxSamples < features.size(0)) {
            features = features.get(NDArrayIndex.interval(0, maxSamples.longValue())).dup();
        }
        return features;
    }

    /**
     * A CSV with its label columns kept as the last {@code labelColumns} columns (an LLC estimate
     * needs them). Labels must be numbers in the loss's encoding; a text label is refused with
     * how to encode it.
     */
    static INDArray csvWithLabels(Path file, int labelColumns, Integer maxSamples) {
        INDArray all = csv(file, labelColumns, true);
        if (maxSamples != null && maxSamples < all.size(0)) {
            all = all.get(NDArrayIndex.interval(0, maxSamples.longValue())).dup();
        }
        return all;
    }

    static boolean isDataSet(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".bin");
    }

    private static INDArray dataSetFeatures(Path file) {
        DataSet ds = new DataSet();
        try {
            ds.load(file.toFile());
        } catch (RuntimeException e) {
            throw new BadInputException("probe file " + file + " is not a DL4J DataSet saved with DataSet.save ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", e);
        }
        INDArray features = ds.getFeatures();
        if (features == null || features.isEmpty()) {
            throw new BadInputException("probe file " + file + " holds a DataSet without features");
        }
        return features;
    }

    private static INDArray csv(Path file, int labelColumns, boolean keepLabels) {
        List<double[]> rows = new ArrayList<>();
        int width = -1;
        int lineNumber = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                int features = cells.length - labelColumns;
                if (rows.isEmpty() && width < 0 && !allNumbers(cells, features)) {
                    width = cells.length; // a header: it fixes the width, it is not a sample
                    continue;
                }
                if (width < 0) {
                    width = cells.length;
                }
                if (cells.length != width) {
                    throw new BadInputException("probe file " + file + " line " + lineNumber + " has " + cells.length
                            + " values but the file's rows have " + width);
                }
                if (features < 1) {
                    break; // reported below, with the column count
                }
                rows.add(parse(cells, keepLabels ? cells.length : features, features, file, lineNumber));
            }
        } catch (java.nio.charset.CharacterCodingException | java.io.UncheckedIOException e) {
            throw new BadInputException("probe file " + file + " is neither a CSV of numbers nor a DataSet .bin", e);
        } catch (IOException e) {
            throw new BadInputException("probe file " + file + " cannot be read (" + e.getMessage() + ")", e);
        }
        if (width >= 0 && width - labelColumns < 1) {
            throw new BadInputException("--label-columns " + labelColumns + " leaves no features: probe file " + file
                    + " has " + width + " columns");
        }
        if (rows.isEmpty()) {
            throw new BadInputException("probe file " + file + " has no samples");
        }
        return Nd4j.create(rows.toArray(double[][]::new)).castTo(DataType.DOUBLE);
    }

    /** True when the first {@code count} cells are numbers (fewer than one: look at every cell). */
    private static boolean allNumbers(String[] cells, int count) {
        int n = count < 1 ? cells.length : Math.min(count, cells.length);
        for (int j = 0; j < n; j++) {
            if (number(cells[j]) == null) {
                return false;
            }
        }
        return true;
    }

    /** The first {@code count} cells as numbers; cells from {@code firstLabel} on are labels. */
    private static double[] parse(String[] cells, int count, int firstLabel, Path file, int lineNumber) {
        double[] row = new double[count];
        for (int j = 0; j < count; j++) {
            Double v = number(cells[j]);
            if (v == null && j >= firstLabel) {
                throw new BadInputException("data file " + file + " line " + lineNumber + " column " + (j + 1) + ": label '"
                        + cells[j].strip() + "' is text; an LLC estimate needs labels in the loss's encoding (one-hot "
                        + "columns for softmax, e.g. cat -> 1,0 and dog -> 0,1, with --label-columns 2), or a DataSet .bin, "
                        + "or --self-labels");
            }
            if (v == null) {
                throw new BadInputException("probe file " + file + " line " + lineNumber + " column " + (j + 1) + ": '"
                        + cells[j].strip() + "' is not a number");
            }
            row[j] = v;
        }
        return row;
    }

    private static Double number(String cell) {
        try {
            return Double.parseDouble(cell.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
