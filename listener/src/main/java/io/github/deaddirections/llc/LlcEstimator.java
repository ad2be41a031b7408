package io.github.deaddirections.llc;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.fisher.OutputDistribution;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.SplittableRandom;

/**
 * The sampling-based second opinion: the SGLD estimate of the local learning coefficient
 * (Lau, Furman, Wang, Murfet and Wei 2023, "The local learning coefficient"; the
 * {@code devinterp} estimator),
 * <pre>
 *   lambda-hat(w*) = nBeta * ( E_w[ L_n(w) ] - L_n(w*) ),
 * </pre>
 * the expectation taken over the localised tempered posterior around the checkpoint w* and
 * estimated by {@link LlcSettings#chains()} independent SGLD chains ({@link SgldChain}).
 * L_n is the true average negative log-likelihood of the network's output distribution
 * ({@link NllLoss}); nBeta defaults to n / ln n.
 *
 * <p>Deterministic: the same network, data and settings give bit-identical per-chain values
 * and traces. The user's network is never written. Chains run one after another.
 *
 * <pre>{@code
 * LlcData data = new LlcData(features, labels);
 * LlcEstimate e = LlcEstimator.withDefaults().estimate(network, data);
 * System.out.printf("lambda-hat = %.2f +- %.2f%n", e.mean(), e.standardError());
 * }</pre>
 */
public final class LlcEstimator {

    private static final Logger LOG = LoggerFactory.getLogger(LlcEstimator.class);

    private final LlcSettings settings;

    public LlcEstimator(LlcSettings settings) {
        this.settings = settings;
    }

    public static LlcEstimator withDefaults() {
        return new LlcEstimator(LlcSettings.defaults());
    }

    public LlcSettings settings() {
        return settings;
    }

    /**
     * Estimates the LLC of the network at its current parameters on the given samples.
     *
     * @throws ReadInputException for a network, loss or data the estimator cannot work on
     */
    public LlcEstimate estimate(Model network, LlcData data) {
        long start = System.nanoTime();
        if (!(network instanceof MultiLayerNetwork mln)) {
            throw new ReadInputException("the llc estimator takes a MultiLayerNetwork; got "
                    + (network == null ? "null" : network.getClass().getSimpleName()));
        }
        // The snapshot checks the parameters (finite), the feature width and that the network runs.
        Snapshot snapshot = Snapshot.of(mln, data.features());
        OutputDistribution distribution = OutputDistribution.of(snapshot.outputLayer(),
                ReadConfig.builder().gaussianVariance(settings.gaussianVariance()).build());
        if (snapshot.outputLayer().conf() instanceof FeedForwardLayer out && out.getNOut() != data.labels().size(1)) {
            throw new ReadInputException("the labels have " + data.labels().size(1) + " columns but the output layer has "
                    + out.getNOut() + " outputs");
        }
        double[] anchor = snapshot.parameters();
        NllLoss loss = NllLoss.of(mln, anchor, distribution, data, settings.gaussianVariance());
        for (String s : loss.stripped()) {
            LOG.warn("llc: ignoring {} (not part of the likelihood)", s);
        }
        double anchorLoss = loss.fullLoss(anchor);
        double nBeta = settings.nBetaFor(loss.samples());
        SgldChain chain = new SgldChain(loss, settings, anchor, anchorLoss, nBeta);

        SplittableRandom master = new SplittableRandom(settings.seed());
        double[] perChain = new double[settings.chains()];
        double[][] traces = new double[settings.chains()][];
        int diverged = 0;
        for (int c = 0; c < settings.chains(); c++) {
            SgldChain.Outcome outcome = chain.run(master.split());
            perChain[c] = outcome.estimate();
            traces[c] = outcome.trace();
            diverged += outcome.diverged() ? 1 : 0;
        }
        double mean = mean(perChain);
        double sd = standardDeviation(perChain, mean);
        double millis = (System.nanoTime() - start) / 1e6;
        LlcEstimate.Cost cost = new LlcEstimate.Cost(loss.forwardPasses(), loss.backwardPasses(), loss.samplesSeen(), millis);
        if (diverged > 0) {
            LOG.warn("llc: {} of {} chains diverged; lower the step size", diverged, settings.chains());
        }
        LOG.debug("llc of {} parameters on {} samples: {} +- {} (nBeta {}), {} passes, {} ms", loss.parameters(),
                loss.samples(), mean, sd, nBeta, cost.passes(), millis);
        LlcEstimate estimate = new LlcEstimate(mean, sd, sd / Math.sqrt(perChain.length), perChain, traces, anchorLoss,
                nBeta, loss.samples(), loss.parameters(), diverged, loss.stripped(), cost, settings);
        if (estimate.implausible()) {
            LOG.warn("llc: the estimate {} exceeds d/2 = {}, which no learning coefficient can: the chains did not"
                    + " sample the local posterior; lower the step size", mean, loss.parameters() / 2.0);
        }
        return estimate;
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    private static double standardDeviation(double[] x, double mean) {
        if (x.length < 2) {
            return 0.0;
        }
        double s = 0;
        for (double v : x) {
            s += (v - mean) * (v - mean);
        }
        return Math.sqrt(s / (x.length - 1));
    }
}
