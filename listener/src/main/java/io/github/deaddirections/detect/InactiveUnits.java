package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.ForwardModel;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Optional;

/**
 * The units of a dense layer that are inactive on the whole probe: their pre-activation lies
 * inside a flat piece of the activation ({@link FlatPieces}: below 0 for ReLU, in saturation for
 * the hard tanh and hard sigmoid, ...) on every sample, with their activity margins
 * {@code m_j = min_x} (distance of z_j(x) to the end of its piece).
 *
 * <p>Why they matter (METHOD 3, FLAT_GAUGE as the tangent of a flat locus): the activation is
 * exactly constant on those pieces, so while z_j stays inside them the network does not depend on
 * the unit's incoming weights nor its bias; when every sample sits in the same piece the unit's
 * output is one constant c, and its outgoing weights are flat too (for c != 0 with the consumer's
 * bias absorbing c times them). K is identically 0 on a neighbourhood of theta-hat in those
 * coordinates. The neighbourhood ends where the unit revives: a move of its incoming weight i by t
 * changes z_j by {@code t x_i}, so it stays flat for {@code t < m_j / max_x |x_i|} (the bias:
 * {@code t < m_j}). That distance is the lift's {@link Orbit#reach}: a read past it would measure
 * the unit alive, not the germ at theta-hat.
 *
 * <p>Found from the layer's input at theta-hat, with no forward pass: G's rows and columns for
 * these units vanish identically (the derivative is 0 on every sample), so
 * {@code G = G_live (+) 0} and the K-FAC G side need take stencils of the live units only.
 */
final class InactiveUnits {

    private final boolean[] inactive;
    private final double[] margin;
    private final double[] constant;
    private final double[] inputMax;

    private InactiveUnits(boolean[] inactive, double[] margin, double[] constant, double[] inputMax) {
        this.inactive = inactive;
        this.margin = margin;
        this.constant = constant;
        this.inputMax = inputMax;
    }

    /**
     * The layer's inactive units, or empty when it is not a plain dense layer whose activation has
     * flat pieces, or its input is not a matrix of samples.
     */
    static Optional<InactiveUnits> of(DetectionContext context, LayerInfo layer) {
        Optional<FlatPieces> flat = layer.activation().flatMap(FlatPieces::of);
        if (!Layers.isPlainDense(layer) || flat.isEmpty()) {
            return Optional.empty();
        }
        Optional<ParameterBlock> wb = Layers.weights(context.snapshot(), layer);
        INDArray input = context.layerInputs().get(layer.name());
        if (wb.isEmpty() || input == null || input.rank() != 2) {
            return Optional.empty();
        }
        double[][] x = ForwardModel.rows(input);
        double[][] zs = Layers.preActivations(context.snapshot(), layer, context.snapshot().parametersView(), x);
        int nIn = (int) wb.get().dim(0);
        int nOut = (int) wb.get().dim(1);
        boolean[] inactive = new boolean[nOut];
        java.util.Arrays.fill(inactive, x.length > 0);
        double[] margin = new double[nOut];
        java.util.Arrays.fill(margin, Double.POSITIVE_INFINITY);
        FlatPieces.Piece[] piece = new FlatPieces.Piece[nOut];
        boolean[] onePiece = new boolean[nOut];
        java.util.Arrays.fill(onePiece, true);
        double[] inputMax = new double[nIn];
        for (int s = 0; s < x.length; s++) {
            double[] z = zs[s];
            for (int i = 0; i < nIn; i++) {
                inputMax[i] = Math.max(inputMax[i], Math.abs(x[s][i]));
            }
            for (int j = 0; j < nOut; j++) {
                if (!inactive[j]) {
                    continue;
                }
                // Strictly inside: at a piece's end any move of the bias revives the unit (no flat neighbourhood).
                FlatPieces.Piece p = flat.get().pieceOf(z[j]);
                if (p == null) {
                    inactive[j] = false;
                    continue;
                }
                margin[j] = Math.min(margin[j], p.margin(z[j]));
                onePiece[j] &= piece[j] == null || piece[j] == p;
                piece[j] = p;
            }
        }
        double[] constant = new double[nOut];
        for (int j = 0; j < nOut; j++) {
            margin[j] = inactive[j] ? margin[j] : 0.0;
            constant[j] = inactive[j] && onePiece[j] ? piece[j].value() : Double.NaN;
        }
        return Optional.of(new InactiveUnits(inactive, margin, constant, inputMax));
    }

    int width() {
        return inactive.length;
    }

    boolean isInactive(int unit) {
        return inactive[unit];
    }

    /** The unit's output when every sample sits in the same flat piece, else NaN (it is then 0-gradient but not constant). */
    double constantOutput(int unit) {
        return constant[unit];
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
