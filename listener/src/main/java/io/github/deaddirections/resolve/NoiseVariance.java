package io.github.deaddirections.resolve;

/**
 * sigma^2 of a Gaussian output (METHOD 8). lambda(infinity) does not depend on it, lambda(n) does
 * (K scales as 1/sigma^2), so the resolution never uses the sigma^2 = 1 convention: it is either
 * the residual variance at theta-hat over labelled data or the user's value.
 *
 * @param value  sigma^2 > 0
 * @param source how it was obtained, said in the report
 */
public record NoiseVariance(double value, String source) {

    /** Residual variances below this share of the labels' mean square count as an exact fit [ours]. */
    static final double EXACT_FIT = 1e-12;

    public NoiseVariance {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException("the noise variance must be a positive number, got " + value);
        }
    }

    public static NoiseVariance given(double value) {
        return new NoiseVariance(value, "user setting");
    }

    /**
     * The residual variance at theta-hat: the mean over samples and outputs of (y - f(x))^2.
     *
     * @param fitted the network's outputs at theta-hat on the labelled inputs, one row per sample
     * @param labels the labels, same shape
     */
    public static NoiseVariance residual(double[][] fitted, double[][] labels) {
        if (fitted.length != labels.length || fitted.length == 0 || fitted[0].length != labels[0].length) {
            throw new IllegalArgumentException("labels and outputs differ in shape: " + labels.length + " x "
                    + (labels.length == 0 ? 0 : labels[0].length) + " vs " + fitted.length + " x "
                    + (fitted.length == 0 ? 0 : fitted[0].length));
        }
        double sum = 0;
        double squares = 0;
        long count = 0;
        for (int i = 0; i < fitted.length; i++) {
            for (int c = 0; c < fitted[i].length; c++) {
                double d = labels[i][c] - fitted[i][c];
                sum += d * d;
                squares += labels[i][c] * labels[i][c];
                count++;
            }
        }
        double variance = sum / count;
        String source = "residual variance at theta-hat over " + fitted.length + " labelled samples";
        // Labels the network reproduces exactly (a planted cell): no noise is seen. The floor keeps K
        // finite; any snap that moves the outputs then loses, so lambda(n) = lambda(infinity).
        double floor = EXACT_FIT * Math.max(squares / count, Double.MIN_NORMAL);
        if (!(variance > floor)) {
            return new NoiseVariance(floor, source + " (fitted exactly: floored at " + EXACT_FIT + " x the labels' mean square)");
        }
        return new NoiseVariance(variance, source);
    }
}
