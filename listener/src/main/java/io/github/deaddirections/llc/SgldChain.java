package io.github.deaddirections.llc;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One localised, tempered SGLD chain started at w* (Welling and Teh 2011; Lau et al. 2023).
 * Its target is the local tempered posterior
 * <pre>
 *   p(w) ~ exp(-nBeta * L_n(w) - (gamma/2) |w - w*|^2),
 * </pre>
 * and each step on a minibatch B is
 * <pre>
 *   w  &lt;-  w - (epsilon/2) * (nBeta * grad L_B(w) + gamma * (w - w*)) + N(0, epsilon I).
 * </pre>
 * The chain's estimate is {@code nBeta * (mean recorded loss - L_n(w*))}. Minibatches are drawn
 * as shuffled epochs without replacement. All randomness (minibatches and noise) comes from the
 * chain's own {@link SplittableRandom}, so a chain is a pure function of its seed.
 */
final class SgldChain {

    /** What one chain produced. {@code trace} holds the recorded losses, in NLL units. */
    record Outcome(double estimate, double[] trace, boolean diverged) {
    }

    private final NllLoss loss;
    private final LlcSettings settings;
    private final double[] anchor;
    private final double anchorLoss;
    private final double nBeta;

    SgldChain(NllLoss loss, LlcSettings settings, double[] anchor, double anchorLoss, double nBeta) {
        this.loss = loss;
        this.settings = settings;
        this.anchor = anchor;
        this.anchorLoss = anchorLoss;
        this.nBeta = nBeta;
    }

    Outcome run(SplittableRandom random) {
        int n = loss.samples();
        int batch = Math.min(settings.batchSize(), n);
        int every = settings.fullLossEvery();
        int records = every == 0 ? settings.draws() : (settings.draws() + every - 1) / every;
        double[] trace = new double[records];
        double[] w = anchor.clone();
        double[] gradient = new double[w.length];
        int[] order = identity(n);
        int cursor = n;
        double halfStep = settings.stepSize() / 2;
        double noise = Math.sqrt(settings.stepSize());
        int recorded = 0;
        for (int t = 0; t < settings.burnIn() + settings.draws(); t++) {
            if (cursor + batch > n) {
                shuffle(order, random);
                cursor = 0;
            }
            int[] rows = Arrays.copyOfRange(order, cursor, cursor + batch);
            cursor += batch;
            double batchLoss = loss.batchLossAndGradient(w, rows, gradient);
            int draw = t - settings.burnIn();
            if (draw >= 0 && (every == 0 || draw % every == 0)) {
                trace[recorded++] = every == 0 ? batchLoss : loss.fullLoss(w);
            }
            if (!Double.isFinite(batchLoss)) {
                // The chain has left the basin (step size too large): its estimate is meaningless.
                return new Outcome(Double.NaN, Arrays.copyOf(trace, recorded), true);
            }
            for (int i = 0; i < w.length; i++) {
                w[i] += -halfStep * (nBeta * gradient[i] + settings.localization() * (w[i] - anchor[i]))
                        + noise * random.nextGaussian();
            }
        }
        double mean = Arrays.stream(trace).average().orElse(Double.NaN);
        boolean diverged = !Double.isFinite(mean);
        return new Outcome(diverged ? Double.NaN : nBeta * (mean - anchorLoss), trace, diverged);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Fisher-Yates with the chain's generator. */
    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }
}
