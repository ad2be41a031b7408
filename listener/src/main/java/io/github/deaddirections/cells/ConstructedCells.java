package io.github.deaddirections.cells;

import io.github.deaddirections.cells.Cell.Genuine;
import io.github.deaddirections.cells.Cell.Prediction;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;

/**
 * The acceptance cells of CELLS.md, built as DL4J networks with planted parameters: live weights
 * from N(0, 1) with a fixed seed, planted zeros exactly 0, and N = 512 standard-normal probe
 * inputs from the same seed.
 */
public final class ConstructedCells {

    public static final int PROBE_SAMPLES = 512;

    private ConstructedCells() {
    }

    /** Every cell for one seed, in CELLS.md order. */
    public static List<Cell> all(long seed) {
        return names().stream().map(n -> byName(n, seed)).toList();
    }

    public static List<String> names() {
        return List.of("regular-linear", "collinear-input", "tanh-node-death", "relu-rescaling", "softmax-logit-shift",
                "deep-linear-chain-3", "reduced-rank-3-3-2-1", "conv-channel-death", "duplicate-unit",
                "layernorm", "batchnorm", "self-attention", "outgoing-dead-unit", "conv-constant-channel",
                "conv-constant-channel-padded", "prelu-rescaling");
    }

    public static Cell byName(String name, long seed) {
        LongFunction<Cell> f = switch (name) {
            case "regular-linear" -> ConstructedCells::regularLinear;
            case "collinear-input" -> ConstructedCells::collinearInput;
            case "tanh-node-death" -> ConstructedCells::tanhNodeDeath;
            case "relu-rescaling" -> ConstructedCells::reluRescaling;
            case "softmax-logit-shift" -> ConstructedCells::softmaxLogitShift;
            case "deep-linear-chain-3" -> ConstructedCells::deepLinearChain3;
            case "reduced-rank-3-3-2-1" -> ConstructedCells::reducedRank3321;
            case "conv-channel-death" -> ConstructedCells::convChannelDeath;
            case "duplicate-unit" -> ConstructedCells::duplicateUnit;
            case "layernorm" -> ConstructedCells::layerNorm;
            case "batchnorm" -> ConstructedCells::batchNorm;
            case "self-attention" -> ConstructedCells::selfAttention;
            case "outgoing-dead-unit" -> ConstructedCells::outgoingDeadUnit;
            case "conv-constant-channel" -> s -> convConstantChannel(s, 0);
            case "conv-constant-channel-padded" -> s -> convConstantChannel(s, 1);
            case "prelu-rescaling" -> ConstructedCells::preluRescaling;
            default -> throw new IllegalArgumentException("no cell named '" + name + "'; cells are " + names());
        };
        return f.apply(seed);
    }

    /** Output(3 -> 1, identity, MSE): nothing dead. */
    public static Cell regularLinear(long seed) {
        Random rnd = new Random(seed);
        MultiLayerNetwork net = build(seed, new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(1)
                .activation(Activation.IDENTITY).build());
        set(net, 0, "W", gaussian(rnd, 3, 1));
        set(net, 0, "b", gaussian(rnd, 1, 1));
        return new Cell("regular-linear", net, probe(rnd, 3),
                new Prediction(4, 4, 0, List.of(), 2, 1, 1));
    }

    /** Same network, but probe column 3 equals column 1: an activation-null direction. */
    public static Cell collinearInput(long seed) {
        Cell c = regularLinear(seed);
        INDArray probe = c.probe().dup();
        probe.putColumn(2, probe.getColumn(0).dup());
        return new Cell("collinear-input", c.network(), probe, new Prediction(4, 3, 1, List.of(), 3, 2, 1));
    }

    /** Dense(3 -> 4, tanh) -> Output(4 -> 1, identity, MSE); unit 3 has zero incoming, bias and outgoing. */
    public static Cell tanhNodeDeath(long seed) {
        Random rnd = new Random(seed);
        MultiLayerNetwork net = oneHiddenLayer(seed, Activation.TANH);
        INDArray w1 = gaussian(rnd, 3, 4);
        INDArray b1 = gaussian(rnd, 1, 4);
        INDArray w2 = gaussian(rnd, 4, 1);
        INDArray b2 = gaussian(rnd, 1, 1);
        w1.putColumn(3, Nd4j.zeros(DataType.DOUBLE, 3, 1));
        b1.putScalar(0, 3, 0.0);
        w2.putScalar(3, 0, 0.0);
        set(net, 0, "W", w1);
        set(net, 0, "b", b1);
        set(net, 1, "W", w2);
        set(net, 1, "b", b2);
        return new Cell("tanh-node-death", net, probe(rnd, 3), new Prediction(21, 16, 0,
                List.of(new Genuine("node-death", 2, 5, 0.5, 1)), 17, 2, 1));
    }

    /** Dense(3 -> 4, relu) -> Output(4 -> 1); every unit active on part of the probe: 4 curved rescaling orbits. */
    public static Cell reluRescaling(long seed) {
        Random rnd = new Random(seed);
        MultiLayerNetwork net = oneHiddenLayer(seed, Activation.RELU);
        set(net, 0, "W", gaussian(rnd, 3, 4));
        // Small biases keep every unit's hyperplane through the bulk of the probe.
        set(net, 0, "b", gaussian(rnd, 1, 4).muli(0.25));
        set(net, 1, "W", gaussian(rnd, 4, 1));
        set(net, 1, "b", gaussian(rnd, 1, 1));
        return new Cell("relu-rescaling", net, probe(rnd, 3), new Prediction(21, 17, 4, List.of(), 17, 2, 1));
    }

    /** Output(3 -> 4, softmax, MCXENT): the logit shift, n_in + 1 = 4 flat directions. */
    public static Cell softmaxLogitShift(long seed) {
        Random rnd = new Random(seed);
        MultiLayerNetwork net = build(seed, new OutputLayer.Builder(LossFunction.MCXENT).nIn(3).nOut(4)
                .activation(Activation.SOFTMAX).build());
        set(net, 0, "W", gaussian(rnd, 3, 4));
        set(net, 0, "b", gaussian(rnd, 1, 4));
        return new Cell("softmax-logit-shift", net, probe(rnd, 3), new Prediction(16, 12, 4, List.of(), 6, 1, 1));
    }

    /** Dense(1 -> 1) -> Dense(1 -> 1) -> Output(1 -> 1), identity, no bias, all weights 0: the width-one chain. */
    public static Cell deepLinearChain3(long seed) {
        Random rnd = new Random(seed);
        MultiLayerNetwork net = build(seed,
                new DenseLayer.Builder().nIn(1).nOut(1).activation(Activation.IDENTITY).hasBias(false).build(),
                new DenseLayer.Builder().nIn(1).nOut(1).activation(Activation.IDENTITY).hasBias(false).build(),
                new OutputLayer.Builder(LossFunction.MSE).nIn(1).nOut(1).activation(Activation.IDENTITY).hasBias(false).build());
        for (int i = 0; i < 3; i++) {
            set(net, i, "W", Nd4j.zeros(DataType.DOUBLE, 1, 1));
        }
        return new Cell("deep-linear-chain-3", net, probe(rnd, 1), new Prediction(3, 0, 0,
                List.of(new Genuine("deep-linear-chain", 3, 3, 0.5, 3)), 1, 2, 3));
    }

    /** Dense(3 -> 2) -> Output(2 -> 3), identity, no bias; W1 = [u, 0], W2 = [v'; 0] (rank 1). */
    public static Cell reducedRank3321(long seed) {
        Random rnd = new Random(seed);
        MultiLayerNetwork net = build(seed,
                new DenseLayer.Builder().nIn(3).nOut(2).activation(Activation.IDENTITY).hasBias(false).build(),
                new OutputLayer.Builder(LossFunction.MSE).nIn(2).nOut(3).activation(Activation.IDENTITY).hasBias(false).build());
        INDArray w1 = Nd4j.zeros(DataType.DOUBLE, 3, 2);
        w1.putColumn(0, gaussian(rnd, 3, 1));
        INDArray w2 = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        w2.putRow(0, gaussian(rnd, 1, 3));
        set(net, 0, "W", w1);
        set(net, 1, "W", w2);
        return new Cell("reduced-rank-3-3-2-1", net, probe(rnd, 3), new Prediction(12, 5, 3,
                List.of(new Genuine("reduced-rank", 2, 4, 1.0, 2)), 7, 2, 2));
    }

    /** Convolution(1 -> 3, 3x3, tanh) on 6x6 -> global average pooling -> Output(3 -> 1); channel 2 dead. */
    public static Cell convChannelDeath(long seed) {
        Random rnd = new Random(seed);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(3).stride(1, 1)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.TANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(6, 6, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray w = gaussian(rnd, 3 * 9, 1).reshape(3, 1, 3, 3);
        INDArray b = gaussian(rnd, 1, 3);
        w.get(org.nd4j.linalg.indexing.NDArrayIndex.point(2)).assign(0.0);
        b.putScalar(0, 2, 0.0);
        INDArray wOut = gaussian(rnd, 3, 1);
        wOut.putScalar(2, 0, 0.0);
        set(net, 0, "W", w);
        set(net, 0, "b", b);
        set(net, 2, "W", wOut);
        set(net, 2, "b", gaussian(rnd, 1, 1));
        INDArray probe = gaussian(rnd, PROBE_SAMPLES, 36).reshape(PROBE_SAMPLES, 1, 6, 6);
        return new Cell("conv-channel-death", net, probe, new Prediction(34, 23, 0,
                List.of(new Genuine("node-death", 2, 11, 0.5, 1)), 12, 1, 1));
    }

    /**
     * Dense(3 -> 4, tanh) -> Output(4 -> 1, identity, MSE); units 2 and 3 have the same incoming
     * weights and bias and non-zero outgoing weights (docs/CELLS-MORE.md): one duplicate-unit block,
     * order 2, dimension d_in + 2 = 5, lambda_B = (d_in + 1)/4 = 1.
     */
    public static Cell duplicateUnit(long seed) {
        Random rnd = new Random(seed);
        MultiLayerNetwork net = oneHiddenLayer(seed, Activation.TANH);
        INDArray w1 = gaussian(rnd, 3, 4);
        INDArray b1 = gaussian(rnd, 1, 4);
        w1.putColumn(3, w1.getColumn(2).dup());
        b1.putScalar(0, 3, b1.getDouble(0, 2));
        set(net, 0, "W", w1);
        set(net, 0, "b", b1);
        set(net, 1, "W", gaussian(rnd, 4, 1));
        set(net, 1, "b", gaussian(rnd, 1, 1));
        return new Cell("duplicate-unit", net, probe(rnd, 3), new Prediction(21, 16, 0,
                List.of(new Genuine("duplicate-unit", 2, 5, 1.0, 1)), 9, 1, 1));
    }

    /**
     * Dense(3 -> 3, identity, layer norm) -> Output(3 -> 2, identity, MSE), every parameter live
     * (docs/CELLS-MORE.md): 13 flat gauge dimensions (3 mean, 1 scale, 3 gain rescaling, 2 kernel,
     * 3 bias transfer, 1 rotation), rank 10, lambda = 5.
     */
    public static Cell layerNorm(long seed) {
        Random rnd = new Random(seed);
        MultiLayerNetwork net = build(seed,
                new DenseLayer.Builder().nIn(3).nOut(3).activation(Activation.IDENTITY).hasLayerNorm(true).build(),
                new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(2).activation(Activation.IDENTITY).build());
        set(net, 0, "W", gaussian(rnd, 3, 3));
        set(net, 0, "b", gaussian(rnd, 1, 3));
        set(net, 0, "g", gaussian(rnd, 1, 3));
        set(net, 1, "W", gaussian(rnd, 3, 2));
        set(net, 1, "b", gaussian(rnd, 1, 2));
        return new Cell("layernorm", net, probe(rnd, 3), new Prediction(23, 10, 13, List.of(), 5, 1, 1));
    }

    /**
     * Dense(3 -> 3, identity) -> BatchNormalization(3, log10 stdev) -> ActivationLayer(tanh) ->
     * Output(3 -> 1, identity, MSE), read in inference mode (docs/CELLS-MORE.md): 4 flat directions
     * per channel (bias redundancy, mean shift, scale, input scale), rank 16, lambda = 8.
     */
    public static Cell batchNorm(long seed) {
        Random rnd = new Random(seed);
        MultiLayerNetwork net = build(seed,
                new DenseLayer.Builder().nIn(3).nOut(3).activation(Activation.IDENTITY).build(),
                new BatchNormalization.Builder().nIn(3).nOut(3).build(),
                new ActivationLayer.Builder().activation(Activation.TANH).build(),
                new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(1).activation(Activation.IDENTITY).build());
        INDArray w = gaussian(rnd, 3, 3);
        set(net, 0, "W", w);
        set(net, 0, "b", gaussian(rnd, 1, 3));
        set(net, 1, "gamma", gaussian(rnd, 1, 3));
        set(net, 1, "beta", gaussian(rnd, 1, 3).muli(0.5));
        set(net, 1, "mean", gaussian(rnd, 1, 3).muli(0.5));
        // Running stdev near the spread of each channel's input, so tanh works in its curved range.
        set(net, 1, "log10stdev", Transforms.log(w.norm2(0), 10.0, true));
        set(net, 3, "W", gaussian(rnd, 3, 1));
        set(net, 3, "b", gaussian(rnd, 1, 1));
        return new Cell("batchnorm", net, probe(rnd, 3), new Prediction(28, 16, 12, List.of(), 8, 1, 1));
    }

    /** Tokens per probe sequence of the self-attention cell. */
    public static final int ATTENTION_TOKENS = 4;

    /**
     * SelfAttention(3 -> 4, 2 heads of size 2, projected input) -> global average pooling ->
     * Loss(MSE, identity) on sequences of 4 tokens (docs/CELLS-MORE.md). A loss layer without
     * parameters: a dense output layer after W_O would add a linear chain (a GL(4) redundancy of
     * W_O and its weights) that is not the attention's. Nothing planted beyond the architecture:
     * every head carries the two GL(2) gauges, 16 flat dimensions; rank 36, lambda = 18.
     */
    public static Cell selfAttention(long seed) {
        Random rnd = new Random(seed);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).list()
                .layer(new SelfAttentionLayer.Builder().nIn(3).nOut(4).nHeads(2).headSize(2).projectInput(true).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new LossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(3, ATTENTION_TOKENS))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // Small query and key weights keep the softmax away from saturation (scores of order 1).
        set(net, 0, "Wq", gaussian(rnd, 2 * 2, 3).muli(0.5));
        set(net, 0, "Wk", gaussian(rnd, 2 * 2, 3).muli(0.5));
        set(net, 0, "Wv", gaussian(rnd, 2 * 2, 3));
        set(net, 0, "Wo", gaussian(rnd, 2 * 2, 4));
        INDArray probe = gaussian(rnd, PROBE_SAMPLES, 3 * ATTENTION_TOKENS).reshape(PROBE_SAMPLES, 3, ATTENTION_TOKENS);
        return new Cell("self-attention", net, probe, new Prediction(52, 36, 16, List.of(), 18, 1, 1));
    }

    /**
     * Dense(3 -> 4, tanh) -> Output(4 -> 1, identity, MSE); unit 3's outgoing weight is 0, its incoming
     * weights and bias live (docs/CELLS-MORE.md): the network does not see z_3, so its d_in + 1 = 4
     * incoming directions are output-null (K-FAC G side) lifts, flat to all orders; rank 17, lambda = 17/2.
     */
    public static Cell outgoingDeadUnit(long seed) {
        Random rnd = new Random(seed);
        MultiLayerNetwork net = oneHiddenLayer(seed, Activation.TANH);
        INDArray w2 = gaussian(rnd, 4, 1);
        set(net, 0, "W", gaussian(rnd, 3, 4));
        set(net, 0, "b", gaussian(rnd, 1, 4));
        w2.putScalar(3, 0, 0.0);
        set(net, 1, "W", w2);
        set(net, 1, "b", gaussian(rnd, 1, 1));
        return new Cell("outgoing-dead-unit", net, probe(rnd, 3), new Prediction(21, 17, 4, List.of(), 17, 2, 1));
    }

    /**
     * Convolution(2 -> 3 channels, 3x3, tanh, Truncate, padding p) on 6x6 -> global average pooling ->
     * Output(3 -> 1, identity, MSE); input channel 1 is the constant 1 (docs/CELLS-MORE.md). Without
     * padding every patch sees 1 in its 9 constant-channel entries, the bias column's value: patch
     * nullity 9, so 9 x 3 = 27 activation-null directions, rank 34, lambda = 17. With padding 1 the
     * border patches read zeros: only (centre entry - bias) stays null, 3 directions, rank 58, lambda = 29.
     */
    public static Cell convConstantChannel(long seed, int padding) {
        Random rnd = new Random(seed);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(2).nOut(3).stride(1, 1).padding(padding, padding)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.TANH).build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(1).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(6, 6, 2))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // Kernels scaled by 1/3 keep tanh in its curved range (9 + 9 inputs per position).
        set(net, 0, "W", gaussian(rnd, 3 * 18, 1).muli(1.0 / 3).reshape(3, 2, 3, 3));
        set(net, 0, "b", gaussian(rnd, 1, 3));
        set(net, 2, "W", gaussian(rnd, 3, 1));
        set(net, 2, "b", gaussian(rnd, 1, 1));
        INDArray probe = Nd4j.ones(DataType.DOUBLE, PROBE_SAMPLES, 2, 6, 6);
        probe.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0))
                .assign(gaussian(rnd, PROBE_SAMPLES, 36).reshape(PROBE_SAMPLES, 6, 6));
        Prediction prediction = padding == 0 ? new Prediction(61, 34, 27, List.of(), 17, 1, 1)
                : new Prediction(61, 58, 3, List.of(), 29, 1, 1);
        return new Cell(padding == 0 ? "conv-constant-channel" : "conv-constant-channel-padded", net, probe, prediction);
    }

    /**
     * Dense(3 -> 4, identity) -> PReLU(alpha per unit) -> Output(4 -> 2, identity, MSE)
     * (docs/CELLS-MORE.md): PReLU is positively homogeneous for any alpha, so each unit carries the
     * curved rescaling orbit (w, b, A_j) -> (c w, c b, A_j / c): 4 flat directions; the alphas are live
     * (small biases keep every unit's sign changing on the probe). Two outputs, because with one the
     * linear parts {@code alpha_j z_j} of 4 units over 3 inputs are redundant (a fifth flat direction,
     * see CELLS-MORE). P = 30, rank 26, lambda = 13.
     */
    public static Cell preluRescaling(long seed) {
        Random rnd = new Random(seed);
        MultiLayerNetwork net = build(seed,
                new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.IDENTITY).build(),
                new org.deeplearning4j.nn.conf.layers.PReLULayer.Builder().inputShape(4).build(),
                new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(2).activation(Activation.IDENTITY).build());
        set(net, 0, "W", gaussian(rnd, 3, 4));
        set(net, 0, "b", gaussian(rnd, 1, 4).muli(0.25));
        // Slopes near 0.3: away from 1 (a linear unit would add GL gauges) and from 0 (a plain ReLU).
        set(net, 1, "W", gaussian(rnd, 1, 4).muli(0.05).addi(0.3));
        set(net, 2, "W", gaussian(rnd, 4, 2));
        set(net, 2, "b", gaussian(rnd, 1, 2));
        return new Cell("prelu-rescaling", net, probe(rnd, 3), new Prediction(30, 26, 4, List.of(), 13, 1, 1));
    }

    /** Dense(3 -> 4, activation) -> Output(4 -> 1, identity, MSE): the shape of several cells. */
    private static MultiLayerNetwork oneHiddenLayer(long seed, Activation activation) {
        return build(seed,
                new DenseLayer.Builder().nIn(3).nOut(4).activation(activation).build(),
                new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(1).activation(Activation.IDENTITY).build());
    }

    private static MultiLayerNetwork build(long seed, org.deeplearning4j.nn.conf.layers.Layer... layers) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).list();
        for (org.deeplearning4j.nn.conf.layers.Layer l : layers) {
            list.layer(l);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.build());
        net.init();
        return net;
    }

    private static void set(MultiLayerNetwork net, int layer, String key, INDArray value) {
        INDArray target = net.getLayer(layer).getParam(key);
        target.assign(value.reshape(target.shape()));
    }

    private static INDArray gaussian(Random rnd, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return Nd4j.createFromArray(v).reshape(rows, cols);
    }

    private static INDArray probe(Random rnd, int width) {
        return gaussian(rnd, PROBE_SAMPLES, width);
    }
}
