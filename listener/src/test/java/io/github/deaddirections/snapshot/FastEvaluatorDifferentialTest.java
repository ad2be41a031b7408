package io.github.deaddirections.snapshot;

import io.github.deaddirections.snapshot.ForwardModel.Evaluator;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationCube;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Differential test of every fast evaluator against DL4J's own forward pass (issue 12, item 4).
 *
 * <p>The fast evaluators compute the network's output near theta-hat without DL4J: the dense
 * chain ({@link DenseChain}, and {@link DenseChain#head} for a CNN's dense head), the
 * incremental pass ({@link IncrementalPass}, also on a few changed input columns of a head), and
 * the channel moves ({@link ChannelMove}: a few output channels of one layer from its cached
 * pre-activation, pooled channel by channel, through the next convolution, into the head). A
 * bias-only move has no evaluator of its own: it is ChannelMove's delta with no kernel entry and
 * IncrementalPass's {@code db} term, both reached here by the bias moves.
 *
 * <p>For random networks of every shape these evaluators claim (dense MLPs with every activation
 * the chain takes and each output kind; LeNet-like CNNs with max/avg/p-norm and global pooling,
 * padding, stride, dilation, zero padding, batch norm, bias-free convolutions, a dense layer on
 * images; networks too large for the cheap paths) and random moves theta = theta-hat + t u of
 * every kind (one parameter, one bias, a few weights of a unit, a unit with its outgoing weights,
 * a quarter / most of a layer's units, all its biases, the whole layer, one parameter in every
 * layer, every bias, every parameter) in every layer, at t from 1e-7 to 0.3, the snapshot's
 * forward model must give the output of an independent float64 DL4J network whose parameters were
 * set by {@code setParams}. {@link ForwardModel#lastPass()} says which evaluators computed each
 * pass, so the test also checks that the fast paths were taken, not DL4J behind them. The dense
 * chain and the incremental pass are also checked directly, under a ladder of multiply-add
 * budgets (a pass over budget must say so with null, never answer wrongly). After the moves,
 * theta-hat and the largest moves are evaluated again: bit for bit what they gave the first
 * time, although every array the model returned was overwritten by the test (a returned array
 * that aliases a cache would show). Copies of the model and a snapshot moved to a new
 * theta-hat must agree too (their caches are shared or rebuilt).
 *
 * <p>The model never answers with a chain's full Java pass ({@link Evaluator#DENSE_CHAIN},
 * {@link Evaluator#HEAD_CHAIN}): a chain cheap enough for it gives its incremental pass an
 * unlimited budget, which never gives up first. Those passes are checked by the direct calls.
 */
class FastEvaluatorDifferentialTest {

    /**
     * Agreement: |fast - DL4J| <= REL_TOL * (the largest |DL4J| of that output over the probe).
     * Both sides evaluate the same float64 expressions in another order (BLAS against Java loops,
     * z + x dW + dx W' against x W'): a reordered sum of K products differs by at most about
     * K eps sum|terms| (eps = 1.1e-16), with K at most a few hundred here, and the layers above
     * amplify it by their Lipschitz factors (a few, cube's 3 z^2 more). The honest disagreement is
     * therefore at most of order 1e-13 (the largest seen is printed once per run: 7e-14), three
     * decades below 1e-10; a dropped or wrong term of a move of size t >= 1e-7 shows at about t
     * times the moved term, three decades above it.
     */
    static final double REL_TOL = 1e-10;

    /** Move sizes t: far below a Fisher stencil's step, a typical step, and well past kinks and saturation. */
    static final double[] MAGNITUDES = {1e-7, 1e-3, 0.3};

    /** Size of the random perturbation that gives theta-hat non-zero biases (DL4J initialises them to 0). */
    static final double CHECKPOINT_NOISE = 0.1;

    /** Size of the move of theta-hat itself for {@link Snapshot#movedTo}. */
    static final double ANCHOR_MOVE = 0.05;

    /** The largest disagreement of the run in units of REL_TOL, and the number of comparisons. */
    private static double largestSeen;
    private static long comparisons;
    /** Rows where DL4J's batched output was wrong and the sample alone right (its softmax defect). */
    private static long batchRowsWrong;

    @ParameterizedTest(name = "{0}")
    @MethodSource("denseNetworks")
    void denseNetworksAgreeWithDl4j(Shape shape) {
        new Run(shape).all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherNetworks")
    void convolutionalAndMixedNetworksAgreeWithDl4j(Shape shape) {
        new Run(shape).all();
    }

    @AfterAll
    static void reportHeadroom() {
        System.out.printf("fast evaluators vs DL4J: %d comparisons, largest disagreement %.3g x the tolerance %.0e;"
                + " %d rows DL4J's batched softmax got wrong%n", comparisons, largestSeen, REL_TOL, batchRowsWrong);
    }

    /**
     * Pins an upstream defect the reference works around ({@link Reference}): DL4J 1.0.0-M2.1's
     * softmax of a batch of two or more rows shifts each row by max(0, its max) instead of its
     * max, so a row whose logits all lie below about -745 underflows to 0/0 = NaN (and below about
     * -708 loses digits in subnormals), while the same row alone, and the dense chain's softmax,
     * are right. When an upgrade fixes it this test fails: then the reference may drop the
     * per-sample settling.
     */
    @Test
    void dl4jsBatchedSoftmaxShiftsEachRowByAtLeastZero() {
        double[][] logits = {{-750, -751}, {0, 1}};
        double[][] batch = new ActivationSoftmax().getActivation(Nd4j.createFromArray(logits), false).toDoubleMatrix();
        double[] alone = new ActivationSoftmax().getActivation(Nd4j.createFromArray(new double[][]{logits[0]}), false)
                .toDoubleMatrix()[0];
        double[] chain = logits[0].clone();
        new DenseChain.Activation(DenseChain.Activation.Kind.SOFTMAX, 0).applyInPlace(chain);
        double right = 1 / (1 + Math.exp(-1)); // softmax(0, -1)[0]
        assertTrue(Double.isNaN(batch[0][0]), "DL4J's batched softmax of a row far below zero: " + batch[0][0]);
        assertEquals(1 - right, batch[1][0], 1e-15, "the other row of the batch");
        assertEquals(right, alone[0], 1e-15, "the same row alone");
        assertEquals(right, chain[0], 1e-15, "the dense chain's softmax");
        double[][] subnormal = new ActivationSoftmax().getActivation(Nd4j.createFromArray(new double[][]{{-740, -741},
                {-740, -741}}), false).toDoubleMatrix();
        assertTrue(Math.abs(subnormal[0][0] - right) > 1e-3, "below -708 the batch loses digits: " + subnormal[0][0]);
    }

    // ---------------------------------------------------------------- networks

    /**
     * A network under test.
     *
     * @param channelLayers positions below the head whose moves of at most half their channels
     *                      ChannelMove must take
     * @param headStart     first layer of the dense head (0 for a dense chain)
     * @param cheap         whether the chain (or head) is cheap enough that its fast pass never
     *                      falls back (then every move within it must take the fast pass)
     * @param expected      the evaluators the moves must reach, all of them and no other
     */
    record Shape(String name, MultiLayerNetwork net, INDArray probe, Set<Integer> channelLayers, int headStart,
                 boolean cheap, Set<Evaluator> expected) {

        boolean denseChain() {
            return headStart == 0;
        }

        /** The move sizes: all of them, or one for a network that is there for its budget's fallbacks. */
        double[] magnitudes() {
            return cheap ? MAGNITUDES : new double[]{MAGNITUDES[1]};
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What an output layer computes and is trained with (the read's three output distributions). */
    private enum Output {
        GAUSSIAN(Activation.IDENTITY, LossFunction.MSE),
        CATEGORICAL(Activation.SOFTMAX, LossFunction.MCXENT),
        BERNOULLI(Activation.SIGMOID, LossFunction.XENT);

        final Activation activation;
        final LossFunction loss;

        Output(Activation activation, LossFunction loss) {
            this.activation = activation;
            this.loss = loss;
        }
    }

    /** Every activation {@link DenseChain.Activation} takes, with non-default alphas where it has one. */
    private static List<IActivation> chainActivations() {
        return List.of(new ActivationIdentity(), new ActivationReLU(), new ActivationLReLU(0.2), new ActivationELU(0.7),
                new ActivationTanH(), new ActivationSigmoid(), new ActivationSoftSign(), new ActivationCube(),
                new ActivationSwish(), new ActivationSoftmax());
    }

    /**
     * The chain's other activations (libnd4j kernels whose constants DenseChain copies, some in
     * float32), each with one output kind in turn, including ones sitting in their flat pieces.
     */
    private static List<IActivation> moreChainActivations() {
        return List.of(new org.nd4j.linalg.activations.impl.ActivationSoftPlus(),
                new org.nd4j.linalg.activations.impl.ActivationHardSigmoid(),
                new org.nd4j.linalg.activations.impl.ActivationHardTanH(),
                new org.nd4j.linalg.activations.impl.ActivationReLU6(), new org.nd4j.linalg.activations.impl.ActivationSELU(),
                new org.nd4j.linalg.activations.impl.ActivationGELU(), new org.nd4j.linalg.activations.impl.ActivationMish(),
                new org.nd4j.linalg.activations.impl.ActivationRationalTanh(),
                new org.nd4j.linalg.activations.impl.ActivationRectifiedTanh(),
                new org.nd4j.linalg.activations.impl.ActivationThresholdedReLU(0.3),
                new org.nd4j.linalg.activations.impl.ActivationRReLU());
    }

    /**
     * Dense MLPs: every chain activation with every output kind, 1-3 hidden layers of random
     * widths 5-10 (wide enough that a unit with few moved weights is updated from its cached z);
     * three with mixed activations, a dropout layer and a bias-free layer; and one too large for
     * the cheap path, whose passes must fall back to DL4J beyond the multiply-add budget.
     */
    static Stream<Shape> denseNetworks() {
        List<Shape> shapes = new ArrayList<>();
        List<IActivation> activations = chainActivations();
        long seed = 100;
        for (IActivation activation : activations) {
            for (Output output : Output.values()) {
                Random rnd = new Random(++seed);
                int depth = 1 + output.ordinal();
                IActivation[] hidden = new IActivation[depth];
                Arrays.fill(hidden, activation);
                shapes.add(mlp(seed, 3 + rnd.nextInt(5), widths(rnd, depth), hidden, output, false, -1, 16));
            }
        }
        List<IActivation> more = moreChainActivations();
        for (int k = 0; k < more.size(); k++) {
            Random rnd = new Random(++seed);
            Output output = Output.values()[k % Output.values().length];
            int depth = 1 + rnd.nextInt(2);
            IActivation[] hidden = new IActivation[depth];
            Arrays.fill(hidden, more.get(k));
            shapes.add(mlp(seed, 3 + rnd.nextInt(5), widths(rnd, depth), hidden, output, false, -1, 16));
        }
        for (int k = 0; k < 3; k++) {
            Random rnd = new Random(++seed);
            int depth = 2 + rnd.nextInt(2);
            IActivation[] hidden = new IActivation[depth];
            for (int l = 0; l < depth; l++) {
                hidden[l] = activations.get(rnd.nextInt(activations.size()));
            }
            shapes.add(mlp(seed, 3 + rnd.nextInt(5), widths(rnd, depth), hidden, Output.values()[k], true,
                    rnd.nextInt(depth), 16));
        }
        // Beyond DenseChain.MAX_MULTIPLY_ADDS (512 x 12,672): the budget is a fifth of a full pass.
        Shape large = mlp(++seed, 32, new int[]{96, 96}, new IActivation[]{new ActivationTanH(), new ActivationTanH()},
                Output.CATEGORICAL, false, -1, 512);
        shapes.add(new Shape("large " + large.name(), large.net(), large.probe(), Set.of(), 0, false,
                EnumSet.of(Evaluator.INCREMENTAL, Evaluator.DL4J, Evaluator.DL4J_FROM_CACHE)));
        return shapes.stream();
    }

    private static int[] widths(Random rnd, int depth) {
        return IntStream.range(0, depth).map(l -> 5 + rnd.nextInt(6)).toArray();
    }

    private static Shape mlp(long seed, int inputs, int[] widths, IActivation[] hidden, Output output, boolean dropout,
                             int biasFree, int samples) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).list();
        int in = inputs;
        StringBuilder name = new StringBuilder("mlp ").append(inputs);
        for (int l = 0; l < widths.length; l++) {
            b.layer(new DenseLayer.Builder().nIn(in).nOut(widths[l]).activation(hidden[l]).hasBias(l != biasFree).build());
            name.append(" -").append(hidden[l]).append(l == biasFree ? "(no bias)" : "").append("-> ").append(widths[l]);
            if (dropout && l == 0) {
                b.layer(new DropoutLayer.Builder(0.5).build());
                name.append(" dropout");
            }
            in = widths[l];
        }
        b.layer(new OutputLayer.Builder(output.loss).nIn(in).nOut(3).activation(output.activation).build());
        name.append(" -> 3 ").append(output.activation).append('/').append(output.loss);
        MultiLayerNetwork net = checkpoint(b.build(), seed);
        return new Shape(name.toString(), net, gaussian(seed, samples, inputs), Set.of(), 0, true,
                EnumSet.of(Evaluator.INCREMENTAL));
    }

    /** CNNs and networks with layers the dense chain does not take. */
    static Stream<Shape> otherNetworks() {
        List<Shape> shapes = new ArrayList<>();
        EnumSet<Evaluator> lenet = EnumSet.of(Evaluator.CHANNEL_MOVE, Evaluator.CHANNEL_POOLING,
                Evaluator.NEXT_CONVOLUTION, Evaluator.HEAD_COLUMNS, Evaluator.HEAD_INCREMENTAL, Evaluator.DL4J_FROM_CACHE,
                Evaluator.DL4J);
        shapes.add(cnn("lenet: conv same -> max pool -> conv padded strided truncate -> avg pool -> dense -> softmax",
                new NeuralNetConfiguration.Builder().seed(201).dataType(DataType.DOUBLE).list()
                        .layer(new ConvolutionLayer.Builder(3, 3).nIn(2).nOut(4).convolutionMode(ConvolutionMode.Same)
                                .activation(Activation.RELU).build())
                        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                        .layer(new ConvolutionLayer.Builder(3, 2).stride(1, 2).padding(1, 0).nOut(6)
                                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.TANH).build())
                        .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 1).stride(2, 1).build())
                        .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build())
                        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.convolutional(8, 8, 2)).build(),
                12, new long[]{2, 8, 8}, Set.of(0, 2), 4, true, lenet));
        shapes.add(cnn("conv padded -> p-norm pool -> conv same stride 2 -> global max pool -> dense -> sigmoid",
                new NeuralNetConfiguration.Builder().seed(202).dataType(DataType.DOUBLE).list()
                        .layer(new ConvolutionLayer.Builder(5, 5).nIn(1).nOut(3).padding(2, 2)
                                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.SIGMOID).build())
                        .layer(new SubsamplingLayer.Builder(PoolingType.PNORM).pnorm(2).kernelSize(2, 2).stride(2, 2).build())
                        .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(5).convolutionMode(ConvolutionMode.Same)
                                .activation(Activation.SWISH).build())
                        .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).build())
                        .layer(new DenseLayer.Builder().nOut(6).activation(Activation.ELU).build())
                        .layer(new OutputLayer.Builder(LossFunction.XENT).nOut(2).activation(Activation.SIGMOID).build())
                        .setInputType(InputType.convolutional(10, 10, 1)).build(),
                12, new long[]{1, 10, 10}, Set.of(0, 2), 4, true,
                EnumSet.of(Evaluator.CHANNEL_MOVE, Evaluator.CHANNEL_POOLING, Evaluator.NEXT_CONVOLUTION,
                        Evaluator.HEAD_INCREMENTAL, Evaluator.DL4J_FROM_CACHE, Evaluator.DL4J)));
        shapes.add(cnn("conv same strided dilated -> conv -> max pool -> dense -> identity",
                new NeuralNetConfiguration.Builder().seed(203).dataType(DataType.DOUBLE).list()
                        .layer(new ConvolutionLayer.Builder(3, 2).stride(2, 1).dilation(2, 2).nIn(3).nOut(5)
                                .convolutionMode(ConvolutionMode.Same).activation(Activation.ELU).build())
                        .layer(new ConvolutionLayer.Builder(2, 2).nOut(4).convolutionMode(ConvolutionMode.Truncate)
                                .activation(Activation.LEAKYRELU).build())
                        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2).build())
                        .layer(new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build())
                        .layer(new OutputLayer.Builder(LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
                        .setInputType(InputType.convolutional(9, 7, 3)).build(),
                10, new long[]{3, 9, 7}, Set.of(0, 1), 3, true, lenet));
        shapes.add(cnn("conv -> avg pool same (padded) -> batch norm -> dense -> softmax",
                new NeuralNetConfiguration.Builder().seed(204).dataType(DataType.DOUBLE).list()
                        .layer(new ConvolutionLayer.Builder(3, 3).nIn(2).nOut(4).convolutionMode(ConvolutionMode.Same)
                                .activation(Activation.RELU).build())
                        .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(3, 3).stride(2, 2)
                                .convolutionMode(ConvolutionMode.Same).build())
                        .layer(new BatchNormalization.Builder().build())
                        .layer(new DenseLayer.Builder().nOut(6).activation(Activation.SOFTSIGN).build())
                        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.convolutional(7, 7, 2)).build(),
                12, new long[]{2, 7, 7}, Set.of(0), 3, true,
                EnumSet.of(Evaluator.CHANNEL_MOVE, Evaluator.CHANNEL_POOLING, Evaluator.HEAD_INCREMENTAL,
                        Evaluator.DL4J_FROM_CACHE, Evaluator.DL4J)));
        shapes.add(cnn("zero padding -> bias-free conv -> conv stride 2 -> dense -> identity",
                new NeuralNetConfiguration.Builder().seed(205).dataType(DataType.DOUBLE).list()
                        .layer(new ZeroPaddingLayer.Builder(1, 1).build())
                        .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(3).hasBias(false)
                                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.TANH).build())
                        .layer(new ConvolutionLayer.Builder(2, 2).stride(2, 2).nOut(4)
                                .convolutionMode(ConvolutionMode.Truncate).activation(Activation.RELU).build())
                        .layer(new DenseLayer.Builder().nOut(5).activation(Activation.SIGMOID).build())
                        .layer(new OutputLayer.Builder(LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
                        .setInputType(InputType.convolutional(8, 8, 1)).build(),
                10, new long[]{1, 8, 8}, Set.of(2), 3, true,
                EnumSet.of(Evaluator.CHANNEL_MOVE, Evaluator.HEAD_COLUMNS, Evaluator.HEAD_INCREMENTAL,
                        Evaluator.DL4J_FROM_CACHE, Evaluator.DL4J)));
        shapes.add(cnn("dense on images -> dense -> softmax",
                new NeuralNetConfiguration.Builder().seed(206).dataType(DataType.DOUBLE).list()
                        .layer(new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build())
                        .layer(new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build())
                        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.convolutional(4, 4, 2)).build(),
                12, new long[]{2, 4, 4}, Set.of(0), 1, true,
                EnumSet.of(Evaluator.CHANNEL_MOVE, Evaluator.HEAD_COLUMNS, Evaluator.HEAD_INCREMENTAL, Evaluator.DL4J)));
        shapes.add(cnn("dense -> dense -> batch norm -> dense -> identity (dense units below a batch norm)",
                new NeuralNetConfiguration.Builder().seed(207).dataType(DataType.DOUBLE).list()
                        .layer(new DenseLayer.Builder().nIn(5).nOut(8).activation(Activation.SIGMOID).build())
                        .layer(new DenseLayer.Builder().nOut(7).activation(Activation.RELU).build())
                        .layer(new BatchNormalization.Builder().build())
                        .layer(new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build())
                        .layer(new OutputLayer.Builder(LossFunction.MSE).nOut(2).activation(Activation.IDENTITY).build())
                        .setInputType(InputType.feedForward(5)).build(),
                16, new long[]{5}, Set.of(0, 1), 3, true,
                EnumSet.of(Evaluator.CHANNEL_MOVE, Evaluator.HEAD_INCREMENTAL, Evaluator.DL4J_FROM_CACHE,
                        Evaluator.DL4J)));
        // A head beyond DenseChain.MAX_MULTIPLY_ADDS (256 x 34,920): one conv channel reaches it as
        // 36 columns within the budget, two channels and most of the dense layer fall back.
        shapes.add(cnn("large head: conv -> max pool -> dense 120 -> softmax",
                new NeuralNetConfiguration.Builder().seed(208).dataType(DataType.DOUBLE).list()
                        .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(8).convolutionMode(ConvolutionMode.Same)
                                .activation(Activation.RELU).build())
                        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                        .layer(new DenseLayer.Builder().nOut(120).activation(Activation.TANH).build())
                        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.convolutional(12, 12, 1)).build(),
                256, new long[]{1, 12, 12}, Set.of(0), 2, false,
                EnumSet.of(Evaluator.CHANNEL_MOVE, Evaluator.CHANNEL_POOLING, Evaluator.HEAD_COLUMNS,
                        Evaluator.HEAD_INCREMENTAL, Evaluator.DL4J_FROM_CACHE, Evaluator.DL4J)));
        return shapes.stream();
    }

    private static Shape cnn(String name, MultiLayerConfiguration conf, int samples, long[] sample,
                             Set<Integer> channelLayers, int headStart, boolean cheap, Set<Evaluator> expected) {
        long seed = name.hashCode();
        long[] shape = new long[sample.length + 1];
        shape[0] = samples;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        int width = (int) Arrays.stream(sample).reduce(1, (a, b) -> a * b);
        INDArray probe = gaussian(seed, samples, width).reshape('c', shape);
        return new Shape(name, checkpoint(conf, seed), probe, channelLayers, headStart, cheap, expected);
    }

    /** The network at DL4J's initialisation plus a little noise (so that biases are not all zero). */
    private static MultiLayerNetwork checkpoint(MultiLayerConfiguration conf, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        double[] theta = net.params().dup().data().asDouble();
        Random rnd = new Random(seed);
        for (int i = 0; i < theta.length; i++) {
            theta[i] += CHECKPOINT_NOISE * rnd.nextGaussian();
        }
        net.setParams(Nd4j.createFromArray(theta).reshape(1, theta.length));
        return net;
    }

    private static INDArray gaussian(long seed, int rows, int cols) {
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return Nd4j.createFromArray(v).reshape('c', rows, cols);
    }

    // ---------------------------------------------------------------- moves

    /**
     * One parameterised layer as the moves see it: per unit (a dense layer's output unit, a
     * convolution's or batch norm's channel) its incoming parameters and its bias (-1 without).
     *
     * @param outgoing per unit, the weights of the next parameterised layer that read it (null when
     *                 that layer has no weights, or the network ends)
     */
    private record Layer(int position, String name, int[][] incoming, int[] bias, int[][] outgoing) {

        int units() {
            return incoming.length;
        }

        boolean hasBias() {
            return bias[0] >= 0;
        }

        int[] unit(int c) {
            return bias[c] < 0 ? incoming[c] : concat(incoming[c], new int[]{bias[c]});
        }

        int[] all() {
            return concat(IntStream.range(0, units()).mapToObj(this::unit).toArray(int[][]::new));
        }
    }

    /** The kinds of move: within one layer (the first seven), across layers (the rest). */
    private enum Kind {
        ONE_PARAMETER, ONE_BIAS, LAYER_BIASES, FEW_OF_ONE_UNIT, QUARTER_OF_UNITS, MOST_UNITS, WHOLE_LAYER,
        UNIT_AND_OUTGOING, ONE_PER_LAYER, EVERY_BIAS, EVERY_PARAMETER
    }

    /**
     * A move theta = theta-hat + t u: its support, u on it (standard normal), the only layer it
     * moves (-1 for several) and whether it moves at most half of that layer's units (what
     * ChannelMove takes).
     */
    private record Move(Kind kind, String what, int[] support, double[] u, int layer, boolean fewUnits) {

        double[] at(double[] thetaHat, double t) {
            double[] theta = thetaHat.clone();
            for (int k = 0; k < support.length; k++) {
                theta[support[k]] += t * u[k];
            }
            return theta;
        }
    }

    private static List<Layer> layers(Snapshot s) {
        List<Layer> out = new ArrayList<>();
        for (LayerInfo info : s.layers()) {
            Map<String, ParameterBlock> blocks = s.layout().blocksOf(info.name());
            if (blocks.isEmpty()) {
                continue;
            }
            ParameterBlock w = blocks.get("W");
            int units = w == null ? blocks.get("gamma").size() : (int) w.dim(w.shape().length == 4 ? 0 : 1);
            int[][] incoming = new int[units][];
            int[] bias = new int[units];
            Arrays.fill(bias, -1);
            for (int c = 0; c < units; c++) {
                List<Integer> in = new ArrayList<>();
                for (ParameterBlock b : blocks.values()) {
                    switch (b.key()) {
                        case "W" -> {
                            int per = b.size() / units;
                            for (int k = 0; k < per; k++) {
                                // conv [out, in, kh, kw]: channel c is a contiguous block; dense [in, out]: column c
                                in.add(b.flatIndex()[b.shape().length == 4 ? c * per + k : k * units + c]);
                            }
                        }
                        case "b", "beta" -> bias[c] = b.flatIndex()[c];
                        case "gamma", "mean", "log10stdev" -> in.add(b.flatIndex()[c]);
                        case "var" -> { } // batch norm's running variance must stay positive: not moved
                        default -> throw new IllegalStateException("no moves for parameter " + b.key() + " of " + info.name());
                    }
                }
                incoming[c] = in.stream().mapToInt(Integer::intValue).toArray();
            }
            out.add(new Layer(info.position(), info.name(), incoming, bias, null));
        }
        for (int l = 0; l + 1 < out.size(); l++) {
            Layer layer = out.get(l);
            ParameterBlock next = s.layout().blocksOf(out.get(l + 1).name()).get("W");
            out.set(l, new Layer(layer.position(), layer.name(), layer.incoming(), layer.bias(),
                    next == null ? null : outgoing(next, layer.units())));
        }
        return out;
    }

    /** Per unit of a layer with this many units, the weights of the next layer that read it (NCHW flattening). */
    private static int[][] outgoing(ParameterBlock next, int units) {
        int[][] out = new int[units][];
        if (next.shape().length == 4) {
            if (next.dim(1) != units) {
                return null;
            }
            int window = (int) (next.dim(2) * next.dim(3));
            for (int c = 0; c < units; c++) {
                List<Integer> w = new ArrayList<>();
                for (int o = 0; o < next.dim(0); o++) {
                    for (int e = 0; e < window; e++) {
                        w.add(next.flatIndex()[(o * units + c) * window + e]);
                    }
                }
                out[c] = w.stream().mapToInt(Integer::intValue).toArray();
            }
            return out;
        }
        if (next.dim(0) % units != 0) {
            return null;
        }
        int plane = (int) next.dim(0) / units;
        int cols = (int) next.dim(1);
        for (int c = 0; c < units; c++) {
            out[c] = Arrays.copyOfRange(next.flatIndex(), c * plane * cols, (c + 1) * plane * cols);
        }
        return out;
    }

    /** Every kind of move in every layer, and the moves across all layers. */
    private static List<Move> moves(List<Layer> layers, Random rnd) {
        List<Move> moves = new ArrayList<>();
        for (Layer l : layers) {
            String in = " of layer " + l.name();
            int n = l.units();
            int[] all = l.all();
            int[] unitIds = IntStream.range(0, n).toArray();
            moves.add(move(rnd, Kind.ONE_PARAMETER, "one parameter" + in, l, new int[]{all[rnd.nextInt(all.length)]}, 1));
            if (l.hasBias()) {
                int c = rnd.nextInt(n);
                moves.add(move(rnd, Kind.ONE_BIAS, "the bias of unit " + c + in, l, new int[]{l.bias()[c]}, 1));
                moves.add(move(rnd, Kind.LAYER_BIASES, "every bias" + in + " (bias-only)", l, l.bias(), n));
            }
            int c = rnd.nextInt(n);
            int[] few = pick(rnd, l.incoming()[c], 3);
            if (l.hasBias() && rnd.nextBoolean()) {
                few = concat(few, new int[]{l.bias()[c]});
            }
            moves.add(move(rnd, Kind.FEW_OF_ONE_UNIT, few.length + " parameters of unit " + c + in, l, few, 1));
            if (l.outgoing() != null) {
                moves.add(move(rnd, Kind.UNIT_AND_OUTGOING, "unit " + c + in + " with its outgoing weights", null,
                        concat(l.unit(c), l.outgoing()[c]), 0));
            }
            int quarter = Math.min(n, Math.max(2, n / 4));
            moves.add(move(rnd, Kind.QUARTER_OF_UNITS, quarter + " units" + in, l, unitsOf(l, pick(rnd, unitIds, quarter)),
                    quarter));
            int most = n / 2 + 1;
            moves.add(move(rnd, Kind.MOST_UNITS, most + " of " + n + " units" + in, l, unitsOf(l, pick(rnd, unitIds, most)),
                    most));
            moves.add(move(rnd, Kind.WHOLE_LAYER, "all of layer " + l.name(), l, all, n));
        }
        moves.add(move(rnd, Kind.ONE_PER_LAYER, "one parameter in every layer", null,
                layers.stream().mapToInt(l -> l.all()[rnd.nextInt(l.all().length)]).toArray(), 0));
        moves.add(move(rnd, Kind.EVERY_BIAS, "every bias of every layer (bias-only)", null,
                concat(layers.stream().filter(Layer::hasBias).map(Layer::bias).toArray(int[][]::new)), 0));
        moves.add(move(rnd, Kind.EVERY_PARAMETER, "every parameter", null,
                concat(layers.stream().map(Layer::all).toArray(int[][]::new)), 0));
        return moves;
    }

    private static Move move(Random rnd, Kind kind, String what, Layer only, int[] support, int unitsMoved) {
        int[] sorted = Arrays.stream(support).distinct().sorted().toArray();
        double[] u = new double[sorted.length];
        for (int k = 0; k < u.length; k++) {
            u[k] = rnd.nextGaussian();
        }
        boolean few = only != null && unitsMoved <= Math.max(1, 0.5 * only.units());
        return new Move(kind, what, sorted, u, only == null ? -1 : only.position(), few);
    }

    private static int[] unitsOf(Layer l, int[] units) {
        return concat(Arrays.stream(units).mapToObj(l::unit).toArray(int[][]::new));
    }

    private static int[] pick(Random rnd, int[] from, int count) {
        int[] copy = from.clone();
        int k = Math.min(count, copy.length);
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(copy.length - i);
            int swap = copy[i];
            copy[i] = copy[j];
            copy[j] = swap;
        }
        return Arrays.copyOf(copy, k);
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    // ---------------------------------------------------------------- the run

    /**
     * DL4J's own output on an independent float64 copy of the network, parameters set by
     * setParams: on the whole probe at once, and on one sample alone (see {@link Reference}).
     */
    private static final class Dl4j {
        private final MultiLayerNetwork net;
        private final INDArray probe;
        /** Rows recomputed on their sample alone, and those that then agreed (DL4J's batch was wrong). */
        private int settled;
        private int batchWrong;

        Dl4j(Shape shape) {
            MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(shape.net().getLayerWiseConfigurations().toJson());
            conf.setDataType(DataType.DOUBLE);
            this.net = new MultiLayerNetwork(conf);
            net.init();
            this.probe = shape.probe().dup();
        }

        double[][] output(double[] theta) {
            net.setParams(Nd4j.createFromArray(theta.clone()).reshape(1, theta.length));
            return net.output(probe, false).toDoubleMatrix();
        }

        double[] sample(double[] theta, int n) {
            net.setParams(Nd4j.createFromArray(theta.clone()).reshape(1, theta.length));
            INDArrayIndex[] row = new INDArrayIndex[probe.rank()];
            Arrays.fill(row, NDArrayIndex.all());
            row[0] = NDArrayIndex.interval(n, n + 1);
            return net.output(probe.get(row).dup(), false).toDoubleMatrix()[0];
        }

        /** The head's input at theta: the output of the layer below it, flattened (NCHW) as its pre-processor does. */
        double[][] headInput(double[] theta, int headStart) {
            net.setParams(Nd4j.createFromArray(theta.clone()).reshape(1, theta.length));
            List<INDArray> acts = net.feedForwardToLayer(headStart - 1, probe, false);
            INDArray a = acts.get(acts.size() - 1).dup('c');
            return a.reshape('c', a.size(0), a.length() / a.size(0)).toDoubleMatrix();
        }
    }

    /**
     * DL4J's output at one theta. DL4J 1.0.0-M2.1's softmax of a batch shifts each row by
     * max(0, its max) instead of its max ({@link #dl4jsBatchedSoftmaxShiftsEachRowByAtLeastZero}):
     * a row whose logits all lie below about -708 comes out imprecise, below about -745 NaN, while
     * the same sample alone is right. So a row that is not finite, or that an evaluator disputes,
     * is settled by DL4J on that sample alone before it counts as a disagreement.
     */
    private static final class Reference {
        private final Dl4j dl4j;
        private final double[] theta;
        private final double[][] rows;
        private final boolean[] alone;

        Reference(Dl4j dl4j, double[] theta) {
            this.dl4j = dl4j;
            this.theta = theta;
            this.rows = dl4j.output(theta);
            this.alone = new boolean[rows.length];
            for (int n = 0; n < rows.length; n++) {
                if (!Arrays.stream(rows[n]).allMatch(Double::isFinite)) {
                    settle(n);
                }
            }
        }

        double[][] rows() {
            return rows;
        }

        /** Whether row n was recomputed now (false when it already was). */
        boolean settle(int n) {
            if (alone[n]) {
                return false;
            }
            double[] before = rows[n];
            rows[n] = dl4j.sample(theta, n);
            alone[n] = true;
            dl4j.settled++;
            if (!Arrays.equals(before, rows[n])) {
                dl4j.batchWrong++;
            }
            return true;
        }
    }

    /** One shape's checks; disagreements are collected, so that a failure lists every move that disagrees. */
    private static final class Run {
        private final Shape shape;
        private final Snapshot s;
        private final double[] thetaHat;
        private final Dl4j dl4j;
        private final List<Layer> layers;
        private final List<Move> moves;
        /** Per parameter, the position of its layer. */
        private final int[] positions;
        /** The dense chain (the whole network, or the head on its input at theta-hat) and its incremental pass. */
        private final DenseChain chain;
        private final IncrementalPass incremental;
        private final List<String> failures = new ArrayList<>();
        /** The evaluators that computed the moves' passes. */
        private final EnumSet<Evaluator> used = EnumSet.noneOf(Evaluator.class);
        /** Direct incremental passes within and over the model's own budget (a fifth of a full pass). */
        private int withinBudget;
        private int overBudget;
        private double worst;

        Run(Shape shape) {
            this.shape = shape;
            this.s = Snapshot.of(shape.net(), shape.probe());
            this.thetaHat = s.parameters();
            this.dl4j = new Dl4j(shape);
            this.layers = layers(s);
            this.positions = s.layerPositions();
            this.moves = moves(layers, new Random(shape.name().hashCode()));
            if (shape.denseChain()) {
                this.chain = DenseChain.of(s.layers(), s.layout(), s.probe())
                        .orElseThrow(() -> new AssertionError(shape + ": not a dense chain"));
            } else {
                assertTrue(DenseChain.of(s.layers(), s.layout(), s.probe()).isEmpty(), shape + ": a dense chain");
                DenseChain.Head head = DenseChain.head(s.layers(), s.layout())
                        .orElseThrow(() -> new AssertionError(shape + ": no dense head"));
                assertEquals(shape.headStart(), head.start(), shape + ": where the head starts");
                this.chain = head.chain().on(dl4j.headInput(thetaHat, head.start()));
            }
            assertEquals(shape.cheap(), chain.cheap(), shape + ": whether the chain is cheap");
            this.incremental = new IncrementalPass(chain, thetaHat);
        }

        void all() {
            Reference base = new Reference(dl4j, thetaHat);
            int layerCount = s.layers().size();
            double[][][] baseline = new double[layerCount][][];
            for (int from = 0; from < layerCount; from++) {
                baseline[from] = copy(s.model().output(thetaHat, from));
                compare("theta-hat from layer " + from + " via " + s.model().lastPass(), base, baseline[from]);
            }
            double[] magnitudes = shape.magnitudes();
            double largest = magnitudes[magnitudes.length - 1];
            List<double[]> replayTheta = new ArrayList<>();
            List<Integer> replayFrom = new ArrayList<>();
            List<double[][]> replayOut = new ArrayList<>();
            for (Move m : moves) {
                int from = from(m);
                for (double t : magnitudes) {
                    double[] theta = m.at(thetaHat, t);
                    String what = m.what() + ", t = " + t + ", from layer " + from;
                    Reference expected = new Reference(dl4j, theta);
                    double[][] fast = s.model().output(theta, from);
                    Set<Evaluator> path = s.model().lastPass();
                    used.addAll(path);
                    compare(what + " via " + path, expected, fast);
                    checkPath(m, from, path, what);
                    if (t == largest) {
                        replayTheta.add(theta);
                        replayFrom.add(from);
                        replayOut.add(copy(fast));
                        if ((m.kind() == Kind.WHOLE_LAYER || m.kind() == Kind.EVERY_PARAMETER)
                                && !(excess(base.rows(), expected.rows()) > 1)) {
                            failures.add(what + ": DL4J's output did not move (the test's moves miss the network)");
                        }
                    }
                    scribble(fast);
                    direct(from, theta, expected, what);
                }
                if (m.kind() == Kind.ONE_PARAMETER && from > 0) {
                    // A pass may start below the move: the model must find the same answer.
                    double[] theta = m.at(thetaHat, MAGNITUDES[1]);
                    double[][] fast = s.model().output(theta, 0);
                    used.addAll(s.model().lastPass());
                    compare(m.what() + ", t = " + MAGNITUDES[1] + ", from layer 0 via " + s.model().lastPass(),
                            new Reference(dl4j, theta), fast);
                }
            }
            // The caches at theta-hat are intact: theta-hat and the largest moves again, bit for bit.
            for (int from = 0; from < layerCount; from++) {
                assertBitwise(baseline[from], s.model().output(thetaHat, from), "theta-hat from layer " + from
                        + " after the moves");
            }
            for (int k = 0; k < replayTheta.size(); k++) {
                assertBitwise(replayOut.get(k), s.model().output(replayTheta.get(k), replayFrom.get(k)),
                        moves.get(k).what() + ", t = " + largest + " again");
            }
            copies();
            movedAnchor();
            assertTrue(failures.isEmpty(), shape + ": " + failures.size() + " failures (worst disagreement "
                    + String.format("%.3g", worst) + " x the tolerance):\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(20, failures.size()))));
            assertEquals(new TreeSet<>(shape.expected()), new TreeSet<>(used), shape + ": the evaluators the moves reached");
            assertTrue(withinBudget > 0 && overBudget > 0, shape + ": at a fifth of a full pass the incremental pass"
                    + " both answered and gave up (" + withinBudget + " within, " + overBudget + " over)");
            synchronized (FastEvaluatorDifferentialTest.class) {
                largestSeen = Math.max(largestSeen, worst);
                batchRowsWrong += dl4j.batchWrong;
            }
        }

        /** The lowest layer the move touches: where a read starts the pass. */
        private int from(Move m) {
            return Arrays.stream(m.support()).map(i -> positions[i]).min().orElseThrow();
        }

        /** The fast path a move must take: the model may not hand a move it can take to DL4J. */
        private void checkPath(Move m, int from, Set<Evaluator> path, String what) {
            if (shape.denseChain() && shape.cheap()) {
                expectPath(path.equals(EnumSet.of(Evaluator.INCREMENTAL)), what, path, "the incremental pass alone");
            } else if (!shape.denseChain() && shape.cheap() && from >= shape.headStart()) {
                expectPath(path.equals(EnumSet.of(Evaluator.HEAD_INCREMENTAL)), what, path,
                        "the head's incremental pass alone");
            } else if (m.fewUnits() && shape.channelLayers().contains(m.layer())) {
                expectPath(path.contains(Evaluator.CHANNEL_MOVE), what, path, "a channel move");
            }
        }

        private void expectPath(boolean ok, String what, Set<Evaluator> path, String expected) {
            if (!ok) {
                failures.add(what + ": took " + path + ", expected " + expected);
            }
        }

        /**
         * The dense chain and its incremental pass called directly (for a head, on the moves within
         * it): the chain's full pass, and the incremental pass under a ladder of budgets, where
         * every answer must be right, an over-budget pass null, and a larger budget never refuse
         * what a smaller one answered.
         */
        private void direct(int from, double[] theta, Reference expected, String what) {
            int offset = Math.max(shape.headStart(), 0);
            if (from < offset) {
                return;
            }
            compare(what + " via DenseChain.output", expected, chain.output(theta));
            long full = chain.multiplyAdds();
            boolean answered = false;
            for (long budget : new long[]{0, full / 100, full / 5, full, Long.MAX_VALUE}) {
                double[][] out = incremental.output(theta, from - offset, budget);
                if (budget == full / 5) {
                    if (out == null) {
                        overBudget++;
                    } else {
                        withinBudget++;
                    }
                }
                if (out == null) {
                    if (answered || budget == Long.MAX_VALUE) {
                        failures.add(what + ": IncrementalPass gave up at budget " + budget
                                + (answered ? " after answering below it" : ""));
                    }
                    continue;
                }
                answered = true;
                compare(what + " via IncrementalPass, budget " + budget, expected, out);
                scribble(out);
            }
        }

        /** A copy of the model (a parallel read) shares or rebuilds its caches: the same answers by the same paths. */
        private void copies() {
            ForwardModel copy = s.model().copy();
            for (Move m : moves) {
                if (m.kind() != Kind.FEW_OF_ONE_UNIT && m.kind() != Kind.EVERY_PARAMETER) {
                    continue;
                }
                double[] theta = m.at(thetaHat, MAGNITUDES[1]);
                int from = from(m);
                String what = "copy of the model: " + m.what() + ", from layer " + from;
                double[][] out = copy.output(theta, from);
                compare(what + " via " + copy.lastPass(), new Reference(dl4j, theta), out);
                checkPath(m, from, copy.lastPass(), what);
            }
        }

        /** A snapshot moved to a new theta-hat rebuilds every cache: moves around the new point agree. */
        private void movedAnchor() {
            Random rnd = new Random(shape.name().hashCode() + 1L);
            double[] next = thetaHat.clone();
            for (Layer l : layers) {
                for (int i : l.all()) {
                    next[i] += ANCHOR_MOVE * rnd.nextGaussian();
                }
            }
            Snapshot moved = s.movedTo(Nd4j.createFromArray(next));
            for (Move m : moves) {
                if (m.kind() != Kind.FEW_OF_ONE_UNIT && m.kind() != Kind.ONE_BIAS) {
                    continue;
                }
                double[] theta = m.at(next, MAGNITUDES[1]);
                int from = from(m);
                String what = "moved theta-hat: " + m.what() + ", from layer " + from;
                double[][] out = moved.model().output(theta, from);
                Set<Evaluator> path = moved.model().lastPass();
                compare(what + " via " + path, new Reference(dl4j, theta), out);
                checkPath(m, from, path, what);
            }
            compare("the moved theta-hat itself", new Reference(dl4j, next), moved.model().output(next, 0));
        }

        /** Collects a disagreement; a disputed row is first settled by DL4J on its sample alone. */
        private void compare(String what, Reference expected, double[][] actual) {
            double e = excess(expected.rows(), actual);
            if (e > 1 && expected.rows().length == actual.length) {
                boolean settled = false;
                for (int n = 0; n < actual.length; n++) {
                    if (excess(expected.rows(), actual, n) > 1) {
                        settled |= expected.settle(n);
                    }
                }
                e = settled ? excess(expected.rows(), actual) : e;
            }
            synchronized (FastEvaluatorDifferentialTest.class) {
                comparisons++;
            }
            if (e > 1) {
                failures.add(what + ": " + describe(expected.rows(), actual));
            }
            if (Double.isFinite(e)) {
                worst = Math.max(worst, e);
            }
        }

        private void assertBitwise(double[][] expected, double[][] actual, String what) {
            for (int n = 0; n < expected.length; n++) {
                for (int o = 0; o < expected[n].length; o++) {
                    if (Double.doubleToRawLongBits(expected[n][o]) != Double.doubleToRawLongBits(actual[n][o])) {
                        failures.add(what + ": not bit for bit at [" + n + "," + o + "]: " + expected[n][o] + " then "
                                + actual[n][o]);
                        return;
                    }
                }
            }
        }
    }

    /**
     * The largest disagreement in units of the tolerance: |actual - expected| over REL_TOL times
     * the largest |expected| of that output column (an output near zero is a cancellation of terms
     * of that size, so its rounding is too). Infinite for a NaN or a shape mismatch.
     */
    static double excess(double[][] expected, double[][] actual) {
        return excess(expected, actual, -1);
    }

    /** The same over one row (all rows for -1), with the columns' scales over every row. */
    private static double excess(double[][] expected, double[][] actual, int only) {
        if (expected.length != actual.length) {
            return Double.POSITIVE_INFINITY;
        }
        int outputs = expected[0].length;
        double[] scale = new double[outputs];
        for (double[] row : expected) {
            if (row.length != outputs) {
                return Double.POSITIVE_INFINITY;
            }
            for (int o = 0; o < outputs; o++) {
                scale[o] = Math.max(scale[o], Math.abs(row[o]));
            }
        }
        double worst = 0;
        for (int n = only < 0 ? 0 : only; n < (only < 0 ? expected.length : only + 1); n++) {
            if (actual[n].length != outputs) {
                return Double.POSITIVE_INFINITY;
            }
            for (int o = 0; o < outputs; o++) {
                double d = Math.abs(actual[n][o] - expected[n][o]) / (REL_TOL * Math.max(scale[o], Double.MIN_NORMAL));
                if (!(d <= worst)) {
                    worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                }
            }
        }
        return worst;
    }

    private static String describe(double[][] expected, double[][] actual) {
        if (expected.length != actual.length || expected[0].length != actual[0].length) {
            return "shape " + expected.length + "x" + expected[0].length + " expected, got " + actual.length + "x"
                    + actual[0].length;
        }
        int wn = 0;
        int wo = 0;
        double wd = -1;
        for (int n = 0; n < expected.length; n++) {
            for (int o = 0; o < expected[n].length; o++) {
                double d = Math.abs(actual[n][o] - expected[n][o]);
                if (!(d <= wd)) {
                    wd = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
                    wn = n;
                    wo = o;
                }
            }
        }
        return String.format("%.3g x the tolerance; worst at [%d,%d]: DL4J %.17g, fast %.17g",
                excess(expected, actual), wn, wo, expected[wn][wo], actual[wn][wo]);
    }

    private static double[][] copy(double[][] a) {
        return Arrays.stream(a).map(double[]::clone).toArray(double[][]::new);
    }

    /** Overwrites an array the model returned: the caller owns it, so no cache may alias it. */
    private static void scribble(double[][] a) {
        for (double[] row : a) {
            Arrays.fill(row, Double.NaN);
        }
    }
}
