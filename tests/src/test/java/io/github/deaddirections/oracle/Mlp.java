package io.github.deaddirections.oracle;

import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.ArrayList;
import java.util.List;

/**
 * A dense MLP in plain float64 Java: the oracle's own copy of the network, read off the DL4J
 * configuration (layer widths, activations, loss) and the raw parameter arrays, and evaluated
 * without ND4J. {@code theta} is the oracle's own flat parameter vector (layer by layer, W row-major
 * then b); ranks and null dimensions do not depend on the order.
 */
final class Mlp {

    /** How the loss turns the last layer's pre-activations (logits) into an output distribution. */
    enum Output { GAUSSIAN, CATEGORICAL, BERNOULLI }

    /** One dense layer: {@code z = x W + b}, then the activation (hidden layers only). */
    record Layer(int nIn, int nOut, boolean hasBias, OracleActivation activation) {
        int parameters() {
            return nIn * nOut + (hasBias ? nOut : 0);
        }
    }

    final List<Layer> layers;
    final Output output;

    Mlp(List<Layer> layers, Output output) {
        this.layers = List.copyOf(layers);
        this.output = output;
    }

    int parameterCount() {
        return layers.stream().mapToInt(Layer::parameters).sum();
    }

    int outputs() {
        return layers.get(layers.size() - 1).nOut();
    }

    /** Offset of layer l's parameters in theta. */
    int offset(int l) {
        int o = 0;
        for (int k = 0; k < l; k++) {
            o += layers.get(k).parameters();
        }
        return o;
    }

    int weightIndex(int l, int i, int j) {
        return offset(l) + i * layers.get(l).nOut() + j;
    }

    int biasIndex(int l, int j) {
        Layer layer = layers.get(l);
        return offset(l) + layer.nIn() * layer.nOut() + j;
    }

    /** The architecture and parameters of a DL4J dense network (DenseLayer* then OutputLayer). */
    static Mlp of(MultiLayerNetwork net) {
        List<Layer> layers = new ArrayList<>();
        int n = net.getnLayers();
        Output output = null;
        for (int l = 0; l < n; l++) {
            org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayerWiseConfigurations().getConf(l).getLayer();
            BaseLayer base = (BaseLayer) conf;
            boolean bias = net.getLayer(l).getParam("b") != null;
            int nIn = (int) ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf).getNIn();
            int nOut = (int) ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) conf).getNOut();
            IActivation act = base.getActivationFn();
            if (conf instanceof OutputLayer out) {
                if (l != n - 1) {
                    throw new IllegalArgumentException("output layer before the end");
                }
                output = output(out.getLossFn(), act);
                layers.add(new Layer(nIn, nOut, bias, OracleActivation.IDENTITY));
            } else if (conf instanceof DenseLayer) {
                layers.add(new Layer(nIn, nOut, bias, activation(act)));
            } else {
                throw new IllegalArgumentException("not a dense layer: " + conf);
            }
        }
        return new Mlp(layers, output);
    }

    /** theta read from the DL4J layers' W and b, in the oracle's order. */
    static double[] parameters(MultiLayerNetwork net, Mlp mlp) {
        double[] theta = new double[mlp.parameterCount()];
        for (int l = 0; l < mlp.layers.size(); l++) {
            Layer layer = mlp.layers.get(l);
            INDArray w = net.getLayer(l).getParam("W");
            for (int i = 0; i < layer.nIn(); i++) {
                for (int j = 0; j < layer.nOut(); j++) {
                    theta[mlp.weightIndex(l, i, j)] = w.getDouble(i, j);
                }
            }
            if (layer.hasBias()) {
                INDArray b = net.getLayer(l).getParam("b");
                for (int j = 0; j < layer.nOut(); j++) {
                    theta[mlp.biasIndex(l, j)] = b.getDouble(j);
                }
            }
        }
        return theta;
    }

    private static Output output(ILossFunction loss, IActivation act) {
        if (loss instanceof LossMSE && act instanceof ActivationIdentity) {
            return Output.GAUSSIAN;
        }
        if (loss instanceof LossMCXENT && act instanceof ActivationSoftmax) {
            return Output.CATEGORICAL;
        }
        if (loss instanceof LossBinaryXENT && act instanceof ActivationSigmoid) {
            return Output.BERNOULLI;
        }
        throw new IllegalArgumentException("the oracle knows MSE+identity, MCXENT+softmax, XENT+sigmoid: " + loss + " " + act);
    }

    private static OracleActivation activation(IActivation act) {
        if (act instanceof ActivationLReLU l && l.getAlpha() != 0.01) {
            throw new IllegalArgumentException("the oracle's LeakyReLU has slope 0.01");
        }
        for (OracleActivation a : OracleActivation.values()) {
            if (a.dl4j().getActivationFunction().getClass() == act.getClass()) {
                return a;
            }
        }
        throw new IllegalArgumentException("no oracle activation for " + act);
    }

    /** Pre-activations and activations of every layer on the probe: z[l] is N x nOut(l), a[0] the input. */
    record Pass(double[][][] z, double[][][] a) {
        double[][] logits() {
            return z[z.length - 1];
        }
    }

    Pass forward(double[] theta, double[][] x) {
        int n = x.length;
        double[][][] z = new double[layers.size()][][];
        double[][][] a = new double[layers.size() + 1][][];
        a[0] = x;
        for (int l = 0; l < layers.size(); l++) {
            Layer layer = layers.get(l);
            z[l] = new double[n][layer.nOut()];
            a[l + 1] = new double[n][layer.nOut()];
            for (int s = 0; s < n; s++) {
                for (int j = 0; j < layer.nOut(); j++) {
                    double v = layer.hasBias() ? theta[biasIndex(l, j)] : 0.0;
                    for (int i = 0; i < layer.nIn(); i++) {
                        v += a[l][s][i] * theta[weightIndex(l, i, j)];
                    }
                    z[l][s][j] = v;
                    a[l + 1][s][j] = layer.activation().apply(v);
                }
            }
        }
        return new Pass(z, a);
    }

    /** The output distribution's probabilities (softmax or sigmoid of the logits); the logits themselves for Gaussian. */
    double[][] outputs(double[][] logits) {
        double[][] p = new double[logits.length][];
        for (int s = 0; s < logits.length; s++) {
            double[] row = logits[s];
            p[s] = new double[row.length];
            switch (output) {
                case GAUSSIAN -> System.arraycopy(row, 0, p[s], 0, row.length);
                case BERNOULLI -> {
                    for (int c = 0; c < row.length; c++) {
                        p[s][c] = 1.0 / (1.0 + Math.exp(-row[c]));
                    }
                }
                case CATEGORICAL -> {
                    double max = Double.NEGATIVE_INFINITY;
                    for (double v : row) {
                        max = Math.max(max, v);
                    }
                    double sum = 0;
                    for (int c = 0; c < row.length; c++) {
                        p[s][c] = Math.exp(row[c] - max);
                        sum += p[s][c];
                    }
                    for (int c = 0; c < row.length; c++) {
                        p[s][c] /= sum;
                    }
                }
            }
        }
        return p;
    }
}
