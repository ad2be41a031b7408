package io.github.deaddirections.oracle;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.common.primitives.Pair;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The oracle's activations are its own code: check each against DL4J's {@code IActivation}, value
 * and derivative (DL4J's backprop with an upstream gradient of ones), on a grid that avoids the
 * kinks by a margin (the two sides of a kink are each checked).
 */
class OracleActivationTest {

    @ParameterizedTest
    @EnumSource(OracleActivation.class)
    void valueAndDerivativeMatchDl4j(OracleActivation phi) {
        double[] z = new double[81];
        for (int i = 0; i < z.length; i++) {
            // -8.03 .. 7.97: never exactly on a kink (0, +-1, +-2.5, 6).
            z[i] = -8.03 + 0.2 * i;
        }
        IActivation dl4j = phi.dl4j().getActivationFunction();
        INDArray in = Nd4j.createFromArray(z).castTo(DataType.DOUBLE).reshape(1, z.length);
        double[] value = dl4j.getActivation(in.dup(), false).toDoubleVector();
        Pair<INDArray, INDArray> back = dl4j.backprop(in.dup(), Nd4j.ones(DataType.DOUBLE, 1, z.length));
        double[] slope = back.getFirst().toDoubleVector();
        for (int i = 0; i < z.length; i++) {
            double tol = 1e-6 * Math.max(1, Math.abs(value[i]));
            assertEquals(value[i], phi.apply(z[i]), tol, phi + " value at " + z[i]);
            assertEquals(slope[i], phi.derivative(z[i]), 1e-5 * Math.max(1, Math.abs(slope[i])), phi + " derivative at " + z[i]);
        }
    }
}
