package io.github.deaddirections.resolution;

/**
 * Aoyagi and Watanabe (2005), "Stochastic complexities of reduced rank regression in Bayesian
 * estimation", Neural Networks 18, Theorem 1, written out here independently of the library's
 * {@code assemble.ReducedRank}: 8 lambda as an integer, case by case as the theorem states them.
 * M inputs, N outputs, H hidden, true rank r.
 */
final class AoyagiWatanabe {

    /** 8 lambda and m. */
    record Coefficient(int eightLambda, int multiplicity) {
        double lambda() {
            return eightLambda / 8.0;
        }
    }

    private AoyagiWatanabe() {
    }

    static Coefficient of(int mIn, int nOut, int h, int r) {
        if (mIn + h < nOut + r) {
            return new Coefficient(4 * (h * mIn - h * r + nOut * r), 1);
        }
        if (nOut + h < mIn + r) {
            return new Coefficient(4 * (h * nOut - h * r + mIn * r), 1);
        }
        if (mIn + nOut < h + r) {
            return new Coefficient(4 * mIn * nOut, 1);
        }
        int hr = h + r;
        int base = -hr * hr - mIn * mIn - nOut * nOut + 2 * hr * (mIn + nOut) + 2 * mIn * nOut;
        return (mIn + nOut + h + r) % 2 == 0 ? new Coefficient(base, 1) : new Coefficient(base + 1, 2);
    }
}
