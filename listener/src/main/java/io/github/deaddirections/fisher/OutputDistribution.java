package io.github.deaddirections.fisher;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.snapshot.LayerInfo;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The output distribution p(y | x, theta) fixed by the network's loss (METHOD 1), written on the
 * output activations p: what one probe sample contributes to the expected Fisher along an output
 * derivative dp, and the KL divergence between two outputs.
 */
public abstract class OutputDistribution {

    /** Below this a probability counts as zero: its Fisher term 0/0 is taken as 0. */
    private static final double TINY = 1e-300;

    /** Name for reports and errors. */
    public abstract String name();

    /** One sample's {@code sum_c w_c(p) dp_c^2}: the directional expected Fisher before averaging. */
    public abstract double fisherTerm(double[] p, double[] dp);

    /** {@code sqrt(w_c(p))}: scales an output derivative so that the Fisher is a plain sum of squares. */
    public abstract double whitening(double pc);

    /** One sample's {@code KL(p0 || p1)}. */
    public abstract double kl(double[] p0, double[] p1);

    /**
     * The distribution of the network's output layer: MSE/L2 gives Gaussian, softmax with MCXENT or
     * NEGATIVELOGLIKELIHOOD gives categorical, sigmoid with XENT gives Bernoulli.
     *
     * @throws ReadInputException naming the loss and the layer for anything else (unless the
     *                            Gaussian fallback is configured)
     */
    public static OutputDistribution of(LayerInfo output, ReadConfig config) {
        ILossFunction loss;
        IActivation activation = output.activation().orElse(null);
        if (output.conf() instanceof BaseOutputLayer bol) {
            loss = bol.getLossFn();
        } else if (output.conf() instanceof LossLayer ll) {
            loss = ll.getLossFn();
        } else {
            throw new ReadInputException("layer " + output.name() + " (" + output.typeName()
                    + ") is not an output layer with a loss; the read needs an OutputLayer or LossLayer last");
        }
        if (loss instanceof LossMSE || loss instanceof LossL2) {
            return new Gaussian(config.gaussianVariance());
        }
        if (loss instanceof LossMCXENT && activation instanceof ActivationSoftmax) {
            return new Categorical();
        }
        if (loss instanceof LossBinaryXENT && activation instanceof ActivationSigmoid) {
            return new Bernoulli();
        }
        if (config.gaussianFallback()) {
            return new Gaussian(config.gaussianVariance());
        }
        throw new ReadInputException("unsupported loss " + (loss == null ? "none" : loss.getClass().getSimpleName()) + " with activation "
                + (activation == null ? "none" : activation) + " in output layer " + output.name() + " ("
                + output.typeName() + "): supported are MSE/L2 (Gaussian), softmax + MCXENT or NEGATIVELOGLIKELIHOOD"
                + " (categorical), sigmoid + XENT (Bernoulli); set gaussianFallback to read it as Gaussian");
    }

    /** Gaussian with covariance sigma^2 I: w_c = 1/sigma^2, KL = |p0 - p1|^2 / (2 sigma^2). */
    public static final class Gaussian extends OutputDistribution {
        private final double variance;

        public Gaussian(double variance) {
            this.variance = variance;
        }

        @Override
        public String name() {
            return "gaussian";
        }

        @Override
        public double fisherTerm(double[] p, double[] dp) {
            double s = 0;
            for (double d : dp) {
                s += d * d;
            }
            return s / variance;
        }

        @Override
        public double whitening(double pc) {
            return 1.0 / Math.sqrt(variance);
        }

        @Override
        public double kl(double[] p0, double[] p1) {
            double s = 0;
            for (int c = 0; c < p0.length; c++) {
                double d = p0[c] - p1[c];
                s += d * d;
            }
            return s / (2 * variance);
        }
    }

    /** Categorical over softmax outputs: w_c = 1/p_c, KL = sum p0 log(p0/p1). */
    public static final class Categorical extends OutputDistribution {
        @Override
        public String name() {
            return "categorical";
        }

        @Override
        public double fisherTerm(double[] p, double[] dp) {
            double s = 0;
            for (int c = 0; c < p.length; c++) {
                if (p[c] > TINY) {
                    s += dp[c] * dp[c] / p[c];
                }
            }
            return s;
        }

        @Override
        public double whitening(double pc) {
            return pc > TINY ? 1.0 / Math.sqrt(pc) : 0.0;
        }

        @Override
        public double kl(double[] p0, double[] p1) {
            double s = 0;
            for (int c = 0; c < p0.length; c++) {
                if (p0[c] > TINY) {
                    s += p0[c] * Math.log(p0[c] / Math.max(p1[c], TINY));
                }
            }
            return Math.max(s, 0.0);
        }
    }

    /** Independent Bernoulli per sigmoid output: w_c = 1/(p_c (1 - p_c)). */
    public static final class Bernoulli extends OutputDistribution {
        @Override
        public String name() {
            return "bernoulli";
        }

        @Override
        public double fisherTerm(double[] p, double[] dp) {
            double s = 0;
            for (int c = 0; c < p.length; c++) {
                double v = p[c] * (1 - p[c]);
                if (v > TINY) {
                    s += dp[c] * dp[c] / v;
                }
            }
            return s;
        }

        @Override
        public double whitening(double pc) {
            double v = pc * (1 - pc);
            return v > TINY ? 1.0 / Math.sqrt(v) : 0.0;
        }

        @Override
        public double kl(double[] p0, double[] p1) {
            double s = 0;
            for (int c = 0; c < p0.length; c++) {
                s += term(p0[c], p1[c]) + term(1 - p0[c], 1 - p1[c]);
            }
            return Math.max(s, 0.0);
        }

        private static double term(double a, double b) {
            return a > TINY ? a * Math.log(a / Math.max(b, TINY)) : 0.0;
        }
    }
}
