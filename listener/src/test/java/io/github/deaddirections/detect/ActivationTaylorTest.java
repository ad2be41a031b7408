package io.github.deaddirections.detect;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The measured local shape against the Taylor series: p = 1 wherever phi' != 0 (tanh, sigmoid,
 * softplus, GELU at 0; cube away from 0; a kink at 0 counts by its steeper side), 3 for the cube
 * at 0 (z^3), 2 where phi' = 0 and phi'' != 0 (tanh'' at its inflection is 0, but 1 - cos-like
 * shapes: GELU's minimum), none inside a flat piece; phi(z0) as DL4J computes it.
 */
class ActivationTaylorTest {

    @ParameterizedTest
    @CsvSource({
            "TANH, 0, 1, 0", "SIGMOID, 0, 1, 0.5", "SOFTPLUS, 0, 1, 0.6931471805599453", "CUBE, 0, 3, 0", "CUBE, 1, 1, 1",
            "RELU, 0, 1, 0", "RELU, -1, 0, 0", "RELU, 2, 1, 2", "HARDTANH, 2, 0, 1", "HARDTANH, 0.5, 1, 0.5",
            "HARDSIGMOID, -3, 0, 0", "GELU, 0, 1, 0", "ELU, 0, 1, 0", "SWISH, 0, 1, 0",
            // a few thousandths from a kink the piece decides (a trained ReLU unit's bias is often this small)
            "RELU, -0.005, 0, 0", "RELU, 0.005, 1, 0.005", "HARDTANH, 1.004, 0, 1", "RELU6, 6.003, 0, 6",
            "ELU, -0.003, 1, -0.0029955044966269995"})
    void orderAndValue(Activation activation, double z0, int order, double value) {
        ActivationTaylor t = ActivationTaylor.at(activation.getActivationFunction(), z0);
        assertEquals(order == 0 ? OptionalInt.empty() : OptionalInt.of(order), t.order(), activation + " at " + z0);
        assertEquals(value, t.value(), 1e-7, activation + "(" + z0 + ")");
    }

    /** GELU (DL4J's z sigmoid(1.702 z)) has its minimum near z = -0.7518: phi' = 0 there, phi'' > 0, so p = 2. */
    @org.junit.jupiter.api.Test
    void aStationaryPointHasOrderTwo() {
        // Bisection on the derivative of z sigmoid(a z), a = 1.702f, independent of the class under test.
        double a = 1.702f;
        double lo = -1.5;
        double hi = -0.2;
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (lo + hi);
            double s = 1 / (1 + Math.exp(-a * mid));
            double derivative = s + a * mid * s * (1 - s);
            if (derivative < 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        assertEquals(OptionalInt.of(2), ActivationTaylor.at(Activation.GELU.getActivationFunction(), 0.5 * (lo + hi)).order());
    }
}
