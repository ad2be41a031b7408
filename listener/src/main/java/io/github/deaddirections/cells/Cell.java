package io.github.deaddirections.cells;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

/**
 * A constructed cell (CELLS.md): a small network with planted parameters sitting exactly on a
 * singular set, a seeded probe, and what theory predicts for it.
 */
public record Cell(String name, MultiLayerNetwork network, INDArray probe, Prediction prediction) {

    /**
     * What theory predicts (CELLS.md).
     *
     * @param rank           rank of the expected Fisher
     * @param gaugeDimension FLAT_GAUGE dimensions
     * @param genuine        the genuine structures
     * @param lambdaNumerator   lambda as a fraction, numerator
     * @param lambdaDenominator and denominator
     * @param multiplicity   m
     */
    public record Prediction(int parameters, int rank, int gaugeDimension, List<Genuine> genuine, int lambdaNumerator,
                             int lambdaDenominator, int multiplicity) {

        public double learningCoefficient() {
            return (double) lambdaNumerator / lambdaDenominator;
        }
    }

    /** One predicted genuine structure. */
    public record Genuine(String mechanism, int order, int dimension, double learningCoefficient, int multiplicity) {
    }
}
