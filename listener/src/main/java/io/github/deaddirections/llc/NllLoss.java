package io.github.deaddirections.llc;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.fisher.OutputDistribution;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.ArrayList;
import java.util.List;

/**
 * The loss adapter: the average negative log-likelihood L(w) = (1/|B|) sum_i -log p(y_i | x_i, w)
 * of the output distribution, and its gradient, computed by DL4J on a private float64 copy.
 *
 * <p>DL4J's score is not always the NLL. Per example, with nOut outputs:
 * <ul>
 *   <li>MSE: score = (1/nOut) sum_c (y_c - f_c)^2, while the Gaussian NLL is
 *       sum_c (y_c - f_c)^2 / (2 sigma^2) + (nOut/2) ln(2 pi sigma^2): NLL = score * nOut / (2 sigma^2) + const;</li>
 *   <li>L2: score = sum_c (y_c - f_c)^2: NLL = score / (2 sigma^2) + const;</li>
 *   <li>softmax + MCXENT/NLL and sigmoid + XENT: the score is the NLL already.</li>
 * </ul>
 * DL4J averages the score over the minibatch but returns the gradient of the sum (its updater
 * divides by the batch size later), so the gradient of the mean NLL is {@code scale * g / |B|}.
 * Regularisation (L1, L2, weight decay), dropout and weight noise are not part of the likelihood:
 * they are stripped from the copy and listed in {@link #stripped()}.
 *
 * <p>Cost: a minibatch gradient is one forward and one backward pass; a full loss is one forward
 * pass over all n samples. Not thread-safe: one chain at a time.
 */
final class NllLoss {

    private final MultiLayerNetwork net;
    private final INDArray features;
    private final INDArray labels;
    private final Rows featureRows;
    private final Rows labelRows;
    private final double scale;
    private final double constant;
    private final List<String> stripped;
    private long forwardPasses;
    private long backwardPasses;
    private long samplesSeen;

    private NllLoss(MultiLayerNetwork net, INDArray features, INDArray labels, double scale, double constant,
                    List<String> stripped) {
        this.net = net;
        this.features = features;
        this.labels = labels;
        this.featureRows = new Rows(features);
        this.labelRows = new Rows(labels);
        this.scale = scale;
        this.constant = constant;
        this.stripped = List.copyOf(stripped);
    }

    /**
     * @param distribution the output distribution of the network's loss (decides the NLL scale)
     * @param theta        the parameters to start from (w*), in DL4J's flattened order
     */
    static NllLoss of(MultiLayerNetwork network, double[] theta, OutputDistribution distribution, LlcData data,
                      double gaussianVariance) {
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(network.getLayerWiseConfigurations().toJson());
        conf.setDataType(DataType.DOUBLE);
        List<String> stripped = new ArrayList<>();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            strip(String.valueOf(i), conf.getConf(i).getLayer(), stripped);
        }
        MultiLayerNetwork copy = new MultiLayerNetwork(conf);
        copy.init(Nd4j.createFromArray(theta.clone()).reshape(1, theta.length), false);

        Layer output = conf.getConf(conf.getConfs().size() - 1).getLayer();
        ILossFunction loss = output instanceof BaseOutputLayer bol ? bol.getLossFn()
                : output instanceof LossLayer ll ? ll.getLossFn() : null;
        long nOut = data.labels().size(1);
        double scale = 1.0;
        double constant = 0.0;
        if (distribution instanceof OutputDistribution.Gaussian) {
            if (loss instanceof LossMSE) {
                scale = nOut / (2 * gaussianVariance);
            } else if (loss instanceof LossL2) {
                scale = 1 / (2 * gaussianVariance);
            } else {
                throw new ReadInputException("the llc estimator needs the network's own loss to be the NLL (up to a known"
                        + " factor); the Gaussian fallback for " + (loss == null ? "no loss" : loss.getClass().getSimpleName())
                        + " is not supported");
            }
            constant = 0.5 * nOut * Math.log(2 * Math.PI * gaussianVariance);
        }
        return new NllLoss(copy, data.features(), data.labels(), scale, constant, stripped);
    }

    private static void strip(String name, Layer layer, List<String> stripped) {
        if (layer instanceof BatchNormalization) {
            throw new ReadInputException("layer " + name + " is BatchNormalization: its training-mode output depends on"
                    + " the minibatch, so the likelihood is not per-sample; the llc estimator does not support it");
        }
        if (layer.getIDropout() != null) {
            layer.setIDropout(null);
            stripped.add("dropout on layer " + name);
        }
        if (layer instanceof BaseLayer base) {
            if (base.getRegularization() != null && !base.getRegularization().isEmpty()) {
                stripped.add(base.getRegularization() + " on the weights of layer " + name);
                base.setRegularization(new ArrayList<>());
            }
            if (base.getRegularizationBias() != null && !base.getRegularizationBias().isEmpty()) {
                stripped.add(base.getRegularizationBias() + " on the biases of layer " + name);
                base.setRegularizationBias(new ArrayList<>());
            }
            if (base.getWeightNoise() != null) {
                stripped.add("weight noise on layer " + name);
                base.setWeightNoise(null);
            }
        }
    }

    /** n, the number of samples. */
    int samples() {
        return (int) features.size(0);
    }

    int parameters() {
        return (int) net.numParams();
    }

    /** What was removed from the private copy because it is not part of the likelihood. */
    List<String> stripped() {
        return stripped;
    }

    /**
     * The mean NLL over the given rows at w, and its gradient written into {@code gradient}.
     * One forward and one backward pass.
     */
    double batchLossAndGradient(double[] w, int[] rows, double[] gradient) {
        net.setParams(Nd4j.createFromArray(w).reshape(1, w.length));
        net.setInput(featureRows.gather(rows));
        net.setLabels(labelRows.gather(rows));
        net.computeGradientAndScore();
        forwardPasses++;
        backwardPasses++;
        samplesSeen += rows.length;
        double[] g = net.gradient().gradient().castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double factor = scale / rows.length;
        for (int i = 0; i < gradient.length; i++) {
            gradient[i] = factor * g[i];
        }
        return scale * net.score() + constant;
    }

    /** L_n(w), the mean NLL over all n samples. One forward pass. */
    double fullLoss(double[] w) {
        net.setParams(Nd4j.createFromArray(w).reshape(1, w.length));
        forwardPasses++;
        samplesSeen += samples();
        return scale * net.score(new DataSet(features, labels), false) + constant;
    }

    long forwardPasses() {
        return forwardPasses;
    }

    long backwardPasses() {
        return backwardPasses;
    }

    /** Sample-passes: the sum over passes of the samples each one touched (forward only). */
    long samplesSeen() {
        return samplesSeen;
    }

    /**
     * A sample-major array kept as Java rows, so that a minibatch is one bulk copy into a fresh
     * INDArray (INDArray.getRows goes row by row and dominates the step time).
     */
    private static final class Rows {
        private final double[][] rows;
        private final long[] shape;

        Rows(INDArray array) {
            long n = array.size(0);
            int width = (int) (array.length() / n);
            this.rows = io.github.deaddirections.snapshot.ForwardModel.rows(array.reshape('c', n, width));
            this.shape = array.shape().clone();
        }

        INDArray gather(int[] indices) {
            int width = rows[0].length;
            double[] flat = new double[indices.length * width];
            for (int k = 0; k < indices.length; k++) {
                System.arraycopy(rows[indices[k]], 0, flat, k * width, width);
            }
            long[] batchShape = shape.clone();
            batchShape[0] = indices.length;
            return Nd4j.createFromArray(flat).reshape('c', batchShape);
        }
    }
}
