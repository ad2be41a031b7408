package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.ForwardModel;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Optional;

/**
 * The units of a dense ReLU layer that are inactive on the whole probe ({@code z_j < 0} on every
 * sample), with their activity margins {@code m_j = min_x (-z_j(x))}.
 *
 * <p>Why they matter (METHOD 3, FLAT_GAUGE as the tangent of a flat locus): ReLU is exactly zero
 * below 0, so while z_j stays negative on every sample the network does not depend on the unit's
 * incoming weights, its bias, nor its outgoing weights: K is identically 0 on a neighbourhood of
 * theta-hat in those coordinates. The neighbourhood ends where the unit revives: a move of its
 * incoming weight i by t changes z_j by {@code t x_i}, so it stays flat for
 * {@code t < m_j / max_x |x_i|} (the bias: {@code t < m_j}). That distance is the lift's
 * {@link Orbit#reach}: a read past it would measure the unit alive, not the germ at theta-hat.
 *
 * <p>Found from the layer's input at theta-hat, with no forward pass: G's rows and columns for
 * these units vanish identically (the ReLU derivative is 0 on every sample), so
 * {@code G = G_live (+) 0} and the K-FAC G side need take stencils of the live units only.
 */
final class InactiveUnits {

    private final boolean[] inactive;
    private final double[] margin;
    private final double[] inputMax;

    private InactiveUnits(boolean[] inactive, double[] margin, double[] inputMax) {
        this.inactive = inactive;
        this.margin = margin;
        this.inputMax = inputMax;
    }

    /**
     * The layer's inactive units, or empty when it is not a plain dense ReLU layer (no leak, no
     * threshold, no cap: only then is the activation exactly constant below 0) or its input is not
     * a matrix of samples.
     */
    static Optional<InactiveUnits> of(DetectionContext context, LayerInfo layer) {
        if (!Layers.isPlainDense(layer) || !layer.activation().map(InactiveUnits::zeroBelowZero).orElse(false)) {
            return Optional.empty();
        }
        Optional<ParameterBlock> wb = Layers.weights(context.snapshot(), layer);
        Optional<ParameterBlock> bb = Layers.bias(context.snapshot(), layer);
        INDArray input = context.layerInputs().get(layer.name());
        if (wb.isEmpty() || input == null || input.rank() != 2) {
            return Optional.empty();
        }
        ParameterBlock w = wb.get();
        double[] theta = context.snapshot().parametersView();
        double[][] x = ForwardModel.rows(input);
        int nIn = (int) w.dim(0);
        int nOut = (int) w.dim(1);
        double[][] weights = new double[nIn][nOut];
        for (int i = 0; i < nIn; i++) {
            for (int j = 0; j < nOut; j++) {
                weights[i][j] = theta[w.index(i, j)];
            }
        }
        double[] maxZ = new double[nOut];
        java.util.Arrays.fill(maxZ, Double.NEGATIVE_INFINITY);
        double[] inputMax = new double[nIn];
        double[] z = new double[nOut];
        for (double[] row : x) {
            for (int j = 0; j < nOut; j++) {
                z[j] = bb.isPresent() ? theta[bb.get().flatIndex()[j]] : 0.0;
            }
            for (int i = 0; i < nIn; i++) {
                inputMax[i] = Math.max(inputMax[i], Math.abs(row[i]));
                if (row[i] != 0) {
                    double xi = row[i];
                    double[] wi = weights[i];
                    for (int j = 0; j < nOut; j++) {
                        z[j] += xi * wi[j];
                    }
                }
            }
            for (int j = 0; j < nOut; j++) {
                maxZ[j] = Math.max(maxZ[j], z[j]);
            }
        }
        boolean[] inactive = new boolean[nOut];
        double[] margin = new double[nOut];
        for (int j = 0; j < nOut; j++) {
            // Strictly negative: at z = 0 any raise of the bias revives the unit (no flat neighbourhood).
            inactive[j] = x.length > 0 && maxZ[j] < 0;
            margin[j] = inactive[j] ? -maxZ[j] : 0.0;
        }
        return Optional.of(new InactiveUnits(inactive, margin, inputMax));
    }

    private static boolean zeroBelowZero(IActivation a) {
        if (!(a instanceof ActivationReLU relu)) {
            return false;
        }
        boolean noLeak = relu.getNegativeSlope() == null || relu.getNegativeSlope() == 0.0;
        boolean noThreshold = relu.getThreshold() == null || relu.getThreshold() == 0.0;
        return noLeak && noThreshold && relu.getMax() == null;
    }

    int width() {
        return inactive.length;
    }

    boolean isInactive(int unit) {
        return inactive[unit];
    }

    int count() {
        int n = 0;
        for (boolean b : inactive) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** How far incoming weight {@code input} of an inactive unit may move with the unit still inactive. */
    double reachOfWeight(int unit, int input) {
        return inputMax[input] > 0 ? margin[unit] / inputMax[input] : Double.POSITIVE_INFINITY;
    }

    /** How far the bias of an inactive unit may move with the unit still inactive. */
    double reachOfBias(int unit) {
        return margin[unit];
    }
}
