package io.github.deaddirections.detect;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flat-piece table against the activations themselves (DL4J's kernels): inside every piece
 * the activation equals the piece's value exactly; a hair past its end it does not; and an
 * activation without pieces is not constant on any short interval of a grid.
 */
class FlatPiecesTest {

    private static double[] phi(IActivation a, double... z) {
        return a.getActivation(Nd4j.createFromArray(z.clone()).castTo(DataType.DOUBLE).reshape(1, z.length), false)
                .toDoubleVector();
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"SOFTMAX"}, mode = EnumSource.Mode.EXCLUDE)
    void piecesAreExactlyWhereTheActivationIsConstant(Activation activation) {
        IActivation a = activation.getActivationFunction();
        Optional<FlatPieces> pieces = FlatPieces.of(a);
        if (pieces.isEmpty()) {
            // No piece claimed: the activation moves on every short interval of a grid over [-8, 8].
            for (double z = -8; z < 8; z += 0.25) {
                double[] f = phi(a, z, z + 0.01);
                assertNotEquals(f[0], f[1], activation + " is constant near " + z + " but has no flat piece");
            }
            return;
        }
        for (FlatPieces.Piece p : pieces.get().pieces()) {
            double from = Math.max(p.from(), -50);
            double to = Math.min(p.to(), 50);
            for (int k = 1; k < 20; k++) {
                double z = from + (to - from) * k / 20.0;
                assertEquals(p.value(), phi(a, z)[0], 0.0, activation + " at " + z + " inside " + p);
            }
            for (double end : new double[]{p.from(), p.to()}) {
                if (Double.isFinite(end)) {
                    double outside = end + (end == p.from() ? -1e-3 : 1e-3);
                    assertNotEquals(p.value(), phi(a, outside)[0], activation + " is still " + p.value() + " past " + end);
                }
            }
        }
        assertTrue(pieces.get().pieces().size() > 0);
    }
}
