package io.github.deaddirections.llc;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.fisher.OutputDistribution;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * The n training samples the estimator's L_n is defined on: features [n, ...] and labels
 * [n, nOut], both float64. Labels are in the loss's own encoding (one-hot for a softmax
 * output, 0/1 for a sigmoid one, real values for MSE).
 */
public record LlcData(INDArray features, INDArray labels) {

    public LlcData {
        if (features == null || labels == null || features.isEmpty() || labels.isEmpty()) {
            throw new ReadInputException("the llc estimator needs features and labels, at least one sample");
        }
        if (labels.rank() != 2) {
            throw new ReadInputException("labels must be [samples, outputs], got shape " + java.util.Arrays.toString(labels.shape()));
        }
        if (features.size(0) != labels.size(0)) {
            throw new ReadInputException("features have " + features.size(0) + " samples but labels have " + labels.size(0));
        }
        if (labels.isNaN().any() || labels.isInfinite().any()) {
            throw new ReadInputException("the labels contain NaN or infinite values");
        }
        features = features.castTo(DataType.DOUBLE).dup('c');
        labels = labels.castTo(DataType.DOUBLE).dup('c');
    }

    public int samples() {
        return (int) features.size(0);
    }

    /**
     * Labels drawn from the network itself at its current parameters, as if the checkpoint were
     * the true parameter: y = f(x) + N(0, sigma^2 I) for MSE/L2, a class drawn from the softmax
     * for a categorical output, one Bernoulli draw per sigmoid output. Deterministic per seed.
     * This is how the benchmark labels the constructed cells, which come without data.
     */
    public static LlcData drawnFrom(Model network, INDArray features, double gaussianVariance, long seed) {
        Snapshot snapshot = Snapshot.of(network, features);
        OutputDistribution distribution = OutputDistribution.of(snapshot.outputLayer(), ReadConfig.defaults());
        double[][] out = snapshot.model().output(snapshot.parametersView());
        SplittableRandom random = new SplittableRandom(seed);
        double sigma = Math.sqrt(gaussianVariance);
        double[][] y = new double[out.length][];
        for (int i = 0; i < out.length; i++) {
            double[] p = out[i];
            y[i] = new double[p.length];
            if (distribution instanceof OutputDistribution.Categorical) {
                y[i][sampleClass(p, random.nextDouble())] = 1.0;
            } else {
                for (int c = 0; c < p.length; c++) {
                    y[i][c] = distribution instanceof OutputDistribution.Bernoulli
                            ? (random.nextDouble() < p[c] ? 1.0 : 0.0)
                            : p[c] + sigma * random.nextGaussian();
                }
            }
        }
        return new LlcData(features, Nd4j.createFromArray(y));
    }

    private static int sampleClass(double[] p, double u) {
        double cumulative = 0;
        for (int c = 0; c < p.length; c++) {
            cumulative += p[c];
            if (u < cumulative) {
                return c;
            }
        }
        return p.length - 1;
    }
}
