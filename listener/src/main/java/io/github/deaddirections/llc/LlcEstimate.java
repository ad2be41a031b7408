package io.github.deaddirections.llc;

import java.util.List;

/**
 * The result of an SGLD LLC estimate.
 *
 * @param mean           lambda-hat, the mean of the per-chain estimates (NaN if a chain diverged)
 * @param standardDeviation sample standard deviation of the per-chain estimates (n - 1 divisor; 0 for one chain)
 * @param standardError  standardDeviation / sqrt(chains): the uncertainty of the mean over chains
 *                       (it does not include the fluctuation of the data set itself)
 * @param perChain       each chain's nBeta * (mean recorded loss - L_n(w*))
 * @param lossTrace      per chain, the recorded losses in NLL units (see {@link LlcSettings#fullLossEvery()})
 * @param anchorLoss     L_n(w*), the mean NLL over the n samples at the checkpoint
 * @param nBeta          the nBeta used
 * @param samples        n
 * @param parameters     the number of parameters sampled
 * @param divergedChains chains whose loss went non-finite (step size too large)
 * @param stripped       regularisation / dropout / weight noise removed because it is not part of the likelihood
 * @param cost           passes and wall time
 * @param settings       the settings that produced this estimate
 */
public record LlcEstimate(double mean, double standardDeviation, double standardError, double[] perChain,
                          double[][] lossTrace, double anchorLoss, double nBeta, int samples, int parameters,
                          int divergedChains, List<String> stripped, Cost cost, LlcSettings settings) {

    /**
     * What the estimate cost. A minibatch gradient is one forward and one backward pass over
     * {@code batchSize} samples; the anchor loss and every full-loss record are one forward pass
     * over all n samples. {@code sampleForwards} sums the samples each forward pass touched.
     */
    public record Cost(long forwardPasses, long backwardPasses, long sampleForwards, double millis) {

        /** Forward plus backward passes. */
        public long passes() {
            return forwardPasses + backwardPasses;
        }
    }

    public boolean diverged() {
        return divergedChains > 0;
    }

    /**
     * True when the estimate is above d/2 by more than three standard errors; no learning
     * coefficient exceeds d/2 for d parameters, so the chains did not sample the local posterior,
     * most often because the step size is too large for the curvature at w* (a finite but
     * unstable chain, or the bias of a coarse discretisation).
     */
    public boolean implausible() {
        return mean - 3 * standardError > parameters / 2.0;
    }
}
