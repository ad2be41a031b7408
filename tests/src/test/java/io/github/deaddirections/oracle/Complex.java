package io.github.deaddirections.oracle;

/**
 * A complex number, just enough for the complex-step derivative: f(x + i h) = f(x) + i h f'(x) +
 * O(h^2), so Im f(x + i h) / h is f'(x) to machine precision with no cancellation, whatever h
 * (the oracle uses h = 1e-20). Every activation the oracle knows is written on this type, so its
 * derivative comes from the formula itself, not from DL4J and not from a hand-written derivative.
 */
record Complex(double re, double im) {

    static final Complex ZERO = new Complex(0, 0);
    static final Complex ONE = new Complex(1, 0);

    static Complex real(double x) {
        return new Complex(x, 0);
    }

    Complex plus(Complex o) {
        return new Complex(re + o.re, im + o.im);
    }

    Complex plus(double x) {
        return new Complex(re + x, im);
    }

    Complex minus(Complex o) {
        return new Complex(re - o.re, im - o.im);
    }

    Complex times(Complex o) {
        return new Complex(re * o.re - im * o.im, re * o.im + im * o.re);
    }

    Complex times(double x) {
        return new Complex(re * x, im * x);
    }

    Complex negate() {
        return new Complex(-re, -im);
    }

    Complex reciprocal() {
        double d = re * re + im * im;
        return new Complex(re / d, -im / d);
    }

    Complex over(Complex o) {
        return times(o.reciprocal());
    }

    Complex exp() {
        double e = Math.exp(re);
        return new Complex(e * Math.cos(im), e * Math.sin(im));
    }

    /** Principal logarithm; the oracle only takes it of numbers with a positive real part. */
    Complex log() {
        return new Complex(Math.log(Math.hypot(re, im)), Math.atan2(im, re));
    }

    /** tanh(z) = (sinh 2x + i sin 2y) / (cosh 2x + cos 2y), written so large |x| does not overflow. */
    Complex tanh() {
        if (Math.abs(re) > 20) {
            // cosh 2x ~ e^{2|x|} / 2: the imaginary part is 2 e^{-2|x|} sin 2y.
            double s = Math.signum(re);
            double e = Math.exp(-2 * Math.abs(re));
            return new Complex(s * (1 - 2 * e), 2 * e * Math.sin(2 * im));
        }
        double d = Math.cosh(2 * re) + Math.cos(2 * im);
        return new Complex(Math.sinh(2 * re) / d, Math.sin(2 * im) / d);
    }

    Complex square() {
        return times(this);
    }
}
