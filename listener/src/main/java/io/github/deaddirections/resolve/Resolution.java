package io.github.deaddirections.resolve;

import java.util.List;

/**
 * lambda(n), m(n): the learning coefficient of the phase that dominates the posterior at sample size
 * n (METHOD 8), beside the exact lambda(infinity) at theta-hat that the rest of the report gives.
 *
 * @param sampleSize          n
 * @param sampleSizeSource    where n came from ("probe samples", "user setting", "training set size")
 * @param noiseVariance       sigma^2 of a Gaussian output, null for categorical and Bernoulli outputs
 * @param noiseVarianceSource where sigma^2 came from (residual variance at theta-hat, or a user setting)
 * @param learningCoefficient lambda(n), or null when it cannot be computed (see {@code note})
 * @param multiplicity        m(n), or null with lambda(n)
 * @param phases              every phase compared, theta-hat first, the chosen one flagged
 * @param phasesNotRead       snaps not read: their n K alone exceeds anything they could save, the law predicts they lose, or they came after the most promising few
 * @param forwardPasses       passes spent on the resolution (the reads at the snapped points included)
 * @param millis              wall time of the resolution
 * @param note                why lambda(n) is missing, else empty
 */
public record Resolution(long sampleSize, String sampleSizeSource, Double noiseVariance, String noiseVarianceSource,
                         Double learningCoefficient, Integer multiplicity, List<Phase> phases, int phasesNotRead,
                         long forwardPasses, double millis, String note) {

    public Resolution {
        phases = List.copyOf(phases);
    }

    /** The phase of lowest free energy, if lambda(n) was computed. */
    public java.util.Optional<Phase> chosen() {
        return phases.stream().filter(Phase::chosen).findFirst();
    }
}
