package io.github.deaddirections.detect;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The measured bias-shift symmetry against the closed forms: the translates of phi are affine
 * images of each other on an affine piece (hard tanh and hard sigmoid inside their linear pieces,
 * ReLU / LeakyReLU / ReLU6 / ELU / SELU above 0: phi(b + t + z) = phi(b + z) + t), on an
 * exponential piece (ELU / SELU below 0: alpha(e^(b + t + z) - 1) = e^t alpha(e^(b + z) - 1) + alpha(e^t - 1)),
 * a Moebius piece (softsign of one sign: 1 - 1/(1 + x) shifts to a rescaled, re-centred copy) and
 * a power (cube away from 0: (b + t + z)^3 = ((b + t)/b)^3 (b + z b/(b + t))^3); not at a kink
 * (ReLU, ELU, softsign at 0) and not for the smooth saturating ones (tanh, sigmoid, softplus, GELU,
 * swish, mish), whose translates change shape.
 */
class ShiftSymmetryTest {

    @ParameterizedTest
    @CsvSource({
            "HARDTANH, 0, true", "HARDTANH, 0.74, true", "HARDSIGMOID, 1, true", "HARDSIGMOID, -1, true", "HARDSIGMOID, 0, true",
            "RELU, 0.5, true", "LEAKYRELU, -0.5, true", "RELU6, 3, true", "ELU, 0.52, true", "ELU, -0.78, true",
            "SELU, 0.73, true", "SELU, -0.4, true", "SOFTSIGN, 0.6, true", "SOFTSIGN, -0.67, true", "CUBE, 0.8, true",
            "IDENTITY, 0.3, true",
            "RELU, 0, false", "LEAKYRELU, 0, false", "ELU, 0, false", "SOFTSIGN, 0, false", "CUBE, 0, false",
            "TANH, 0, false", "TANH, 0.6, false", "SIGMOID, 0, false", "SIGMOID, 0.37, false", "SOFTPLUS, 0.37, false",
            "SOFTPLUS, -0.75, false", "GELU, 0, false", "GELU, 0.5, false", "SWISH, 0.3, false", "MISH, 0, false",
            "MISH, 0.5, false", "RATIONALTANH, 0.3, false"})
    void shiftIsASymmetryExactlyWhereTheClosedFormsSaySo(Activation activation, double b0, boolean symmetric) {
        double residual = ShiftSymmetry.residual(activation.getActivationFunction(), b0);
        assertEquals(symmetric, ShiftSymmetry.at(activation.getActivationFunction(), b0),
                activation + " at " + b0 + ": residual " + residual);
        if (symmetric) {
            assertTrue(residual < ShiftSymmetry.TOLERANCE / 10, "exact cases sit at the stencil's rounding: " + residual);
        } else {
            assertTrue(residual > 100 * ShiftSymmetry.TOLERANCE,
                    activation + " at " + b0 + ": a clear margin, residual " + residual);
        }
    }
}
