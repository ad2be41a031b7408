package io.github.deaddirections.resolve;

/**
 * Watanabe's free energy at sample size n, relative to theta-hat (METHOD 8):
 * {@code F_n(phase) - F_n(theta-hat) = n K + (lambda* - lambda-hat) log n - (m* - m-hat) log log n},
 * where K is the mean KL from theta-hat's output distribution to the phase's over the probe,
 * which to second order at a minimum is the loss the phase gives up (no labels needed).
 */
public final class FreeEnergy {

    private final long n;
    private final double logN;
    private final double logLogN;

    public FreeEnergy(long n) {
        if (n < 2) {
            throw new IllegalArgumentException("the sample size must be at least 2, got " + n);
        }
        this.n = n;
        this.logN = Math.log(n);
        this.logLogN = Math.log(logN);
    }

    public long sampleSize() {
        return n;
    }

    /** log log n: what one unit of multiplicity is worth in F_n. */
    public double logLogN() {
        return logLogN;
    }

    /** F_n(phase) - F_n(theta-hat). */
    public double relative(double kl, double deltaLambda, int deltaMultiplicity) {
        return n * kl + deltaLambda * logN - deltaMultiplicity * logLogN;
    }

    /**
     * The most a phase with this loss could gain, for a snap of a structure of the given local
     * dimension: lambda cannot fall by more than the structure's half-dimension nor below 0, and m
     * cannot rise by more than the dimension. A phase whose n K exceeds it is not read: it cannot win.
     */
    public boolean cannotWin(double kl, double lambdaHat, int localDimension) {
        double saving = Math.min(lambdaHat, localDimension / 2.0) * logN + localDimension * Math.max(0.0, logLogN);
        return n * kl > saving;
    }
}
