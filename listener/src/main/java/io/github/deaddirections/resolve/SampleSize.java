package io.github.deaddirections.resolve;

/**
 * What the resolution needs beyond the snapshot: n, and sigma^2 for a Gaussian output.
 *
 * @param n             the sample size; 0 means the number of probe samples
 * @param source        where n came from, said in the report
 * @param noiseVariance sigma^2, or null (required for a Gaussian output, ignored otherwise)
 */
public record SampleSize(long n, String source, NoiseVariance noiseVariance) {

    public SampleSize {
        if (n < 0 || n == 1) {
            throw new IllegalArgumentException("the sample size must be at least 2 (or 0 for the probe size), got " + n);
        }
    }

    /** n = the number of probe samples, sigma^2 unknown. */
    public static SampleSize ofProbe() {
        return new SampleSize(0, "probe samples", null);
    }

    public static SampleSize of(long n) {
        return new SampleSize(n, "user setting", null);
    }

    public SampleSize withNoiseVariance(NoiseVariance noise) {
        return new SampleSize(n, source, noise);
    }

    public SampleSize withSource(String source) {
        return new SampleSize(n, source, noiseVariance);
    }

    /** n for a probe of this many samples. */
    long resolve(int probeSamples) {
        return n == 0 ? probeSamples : n;
    }
}
