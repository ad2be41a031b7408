package io.github.deaddirections.oracle;

import org.nd4j.linalg.activations.Activation;

import java.util.function.UnaryOperator;

/**
 * The activations of the random networks, reimplemented on {@link Complex} from their textbook
 * formulas (and DL4J's documented constants), independently of DL4J's kernels.
 * {@code OracleActivationTest} checks each against DL4J's {@code IActivation}.
 *
 * <p>Piecewise activations choose their branch by the real part. The complex step then gives the
 * derivative of the branch the sample is on, which is the derivative wherever the activation is
 * differentiable; at a kink itself (a dead unit's z = 0) it takes the right-hand side, which only
 * ever multiplies a zero outgoing weight in the planted networks.
 */
enum OracleActivation {
    IDENTITY(Activation.IDENTITY, z -> z),
    TANH(Activation.TANH, Complex::tanh),
    SIGMOID(Activation.SIGMOID, OracleActivation::sigmoid),
    SOFTPLUS(Activation.SOFTPLUS, OracleActivation::softplus),
    /** DL4J: min(1, max(0, 0.2 z + 0.5)); libnd4j's slope is the float 0.2f. */
    HARDSIGMOID(Activation.HARDSIGMOID, z -> {
        double slope = 0.2f;
        double y = slope * z.re() + 0.5;
        return y <= 0 ? Complex.ZERO : y >= 1 ? Complex.ONE : z.times(slope).plus(0.5);
    }),
    HARDTANH(Activation.HARDTANH, z -> z.re() <= -1 ? Complex.real(-1) : z.re() >= 1 ? Complex.ONE : z),
    /** alpha = 1. */
    ELU(Activation.ELU, z -> z.re() >= 0 ? z : z.exp().plus(-1)),
    /** lambda = 1.0507009873554805, alpha = 1.6732632423543772 (Klambauer et al.). */
    SELU(Activation.SELU, z -> z.re() >= 0 ? z.times(Selu.LAMBDA)
            : z.exp().plus(-1).times(Selu.LAMBDA * Selu.ALPHA)),
    SOFTSIGN(Activation.SOFTSIGN, z -> z.over(Complex.ONE.plus(z.re() >= 0 ? z : z.negate()))),
    /** DL4J's default GELU is the sigmoid approximation z sigmoid(1.702 z). */
    GELU(Activation.GELU, z -> z.times(sigmoid(z.times(1.702)))),
    SWISH(Activation.SWISH, z -> z.times(sigmoid(z))),
    MISH(Activation.MISH, z -> z.times(softplus(z).tanh())),
    CUBE(Activation.CUBE, z -> z.times(z).times(z)),
    RELU(Activation.RELU, z -> z.re() >= 0 ? z : Complex.ZERO),
    RELU6(Activation.RELU6, z -> z.re() <= 0 ? Complex.ZERO : z.re() >= 6 ? Complex.real(6) : z),
    /** negative slope 0.01. */
    LEAKYRELU(Activation.LEAKYRELU, z -> z.re() >= 0 ? z : z.times(0.01));

    /** SELU's constants (a nested class: enum constants cannot read the enum's own static fields). */
    private static final class Selu {
        static final double LAMBDA = 1.0507009873554805;
        static final double ALPHA = 1.6732632423543772;
    }

    private final Activation dl4j;
    private final UnaryOperator<Complex> f;

    OracleActivation(Activation dl4j, UnaryOperator<Complex> f) {
        this.dl4j = dl4j;
        this.f = f;
    }

    /**
     * Where the activation changes branch (the real-part tests above): a sample whose pre-activation
     * crosses one of these is on another analytic piece of the network.
     */
    double[] branchPoints() {
        return switch (this) {
            case HARDSIGMOID -> new double[]{(0 - 0.5) / (double) 0.2f, (1 - 0.5) / (double) 0.2f};
            case HARDTANH -> new double[]{-1, 1};
            case ELU, SELU, SOFTSIGN, RELU, LEAKYRELU -> new double[]{0};
            case RELU6 -> new double[]{0, 6};
            default -> new double[0];
        };
    }

    /** The DL4J activation this one reimplements. */
    Activation dl4j() {
        return dl4j;
    }

    Complex apply(Complex z) {
        return f.apply(z);
    }

    double apply(double z) {
        return f.apply(Complex.real(z)).re();
    }

    /** Derivative by the complex step. */
    double derivative(double z) {
        double h = 1e-20;
        return f.apply(new Complex(z, h)).im() / h;
    }

    private static Complex sigmoid(Complex z) {
        if (z.re() >= 0) {
            return Complex.ONE.over(Complex.ONE.plus(z.negate().exp()));
        }
        Complex e = z.exp();
        return e.over(Complex.ONE.plus(e));
    }

    private static Complex softplus(Complex z) {
        if (z.re() > 30) {
            return z.plus(Complex.ONE.plus(z.negate().exp()).log());
        }
        return Complex.ONE.plus(z.exp()).log();
    }
}
