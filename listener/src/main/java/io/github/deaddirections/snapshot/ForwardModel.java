package io.github.deaddirections.snapshot;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The network as a function of its parameters: theta to the output on the fixed probe set,
 * computed by DL4J itself in float64 on a private copy of the network. Every call counts as
 * one batched forward pass (METHOD 7's unit of cost). Calls are serialised: one copy, one
 * caller at a time; {@link #copy()} gives an independent one for parallel reads.
 */
public abstract class ForwardModel {

    protected final INDArray probe;
    private final AtomicLong passes;
    /** Passes of this model taken from a layer's cached pre-activation ({@link ChannelMove}). */
    private final AtomicLong channelMovePasses = new AtomicLong();

    /**
     * The evaluators that compute a pass, or part of one. {@link #lastPass()} names those that
     * computed the last pass, so a test can tell a fast path from DL4J's (both give the same
     * function, so the answer alone cannot).
     */
    enum Evaluator {
        /** DL4J's forward pass of the whole network. */
        DL4J,
        /** DL4J's layers from a position on, from the layer's input cached at theta-hat. */
        DL4J_FROM_CACHE,
        /** {@link DenseChain#output}: the whole dense network in Java. */
        DENSE_CHAIN,
        /** {@link IncrementalPass} of the whole dense network. */
        INCREMENTAL,
        /** {@link DenseChain#output} of a CNN's dense head, from its input cached at theta-hat. */
        HEAD_CHAIN,
        /** {@link IncrementalPass} of a CNN's dense head, from its input cached at theta-hat. */
        HEAD_INCREMENTAL,
        /** {@link ChannelMove#output}: a few channels of one layer, from its cached pre-activation. */
        CHANNEL_MOVE,
        /** A channel change pooled channel by channel (only the changed channels). */
        CHANNEL_POOLING,
        /** {@link ChannelMove#outputOn}: the next convolution on a change of a few input channels. */
        NEXT_CONVOLUTION,
        /** {@link IncrementalPass#outputOnColumns}: the head on a change of a few input columns. */
        HEAD_COLUMNS
    }

    /** The evaluators of the last pass (guarded by this model's lock, like the pass itself). */
    private final java.util.EnumSet<Evaluator> lastPass = java.util.EnumSet.noneOf(Evaluator.class);
    /** Share of one core this model may use; after each pass it sleeps so that it stays within it. */
    private volatile double cpuShare = 1.0;
    private static final long MIN_SLEEP_NANOS = 2_000_000L;
    /** Pause owed by the passes so far and not yet slept (negative after oversleeping). */
    private long owedNanos;
    protected double[] anchor;
    protected List<INDArray> cachedInputs;

    ForwardModel(INDArray probe, AtomicLong passes) {
        this.probe = probe;
        this.passes = passes;
    }

    /** Output activations, one row per probe sample, at parameters theta. */
    public final double[][] output(double[] theta) {
        return output(theta, 0);
    }

    /**
     * Output at theta when theta differs from theta-hat only in layers at or after position
     * {@code fromLayer}: the layers below are not recomputed, their output at theta-hat is cached
     * (METHOD 7). Models that cannot resume mid-way (graphs) run the whole network.
     */
    public final synchronized double[][] output(double[] theta, int fromLayer) {
        passes.incrementAndGet();
        lastPass.clear();
        long start = System.nanoTime();
        double[][] out = evaluate(theta, fromLayer);
        pace(System.nanoTime() - start);
        return out;
    }

    /** One forward pass through DL4J (the copy's own layers). */
    protected double[][] evaluate(double[] theta, int fromLayer) {
        if (fromLayer > 0) {
            cacheInputsAtAnchor();
        }
        load(theta);
        boolean resume = fromLayer > 0 && cachedInputs != null;
        used(resume ? Evaluator.DL4J_FROM_CACHE : Evaluator.DL4J);
        INDArray out = resume ? forwardFrom(fromLayer) : forward();
        return rows(perStep(out));
    }

    /** Notes that this evaluator computed (part of) the current pass. */
    final void used(Evaluator evaluator) {
        lastPass.add(evaluator);
    }

    /** The evaluators that computed the last pass of this model (for tests). */
    final synchronized java.util.Set<Evaluator> lastPass() {
        return java.util.EnumSet.copyOf(lastPass);
    }

    /**
     * The output as [rows, outputs]: a sequence output [samples, outputs, steps] (an RNN output
     * layer, NCW) becomes one row per (sample, step), each step an observation of its own, so the
     * expected Fisher and the KL sum over steps (up to the 1/steps of the mean over rows).
     */
    static INDArray perStep(INDArray out) {
        if (out.rank() == 2) {
            return out;
        }
        if (out.rank() == 3) {
            return out.permute(0, 2, 1).dup('c').reshape(out.size(0) * out.size(2), out.size(1));
        }
        throw new IllegalStateException("the network output has shape " + java.util.Arrays.toString(out.shape())
                + "; supported are [samples, outputs] and sequences [samples, outputs, steps]");
    }

    /**
     * Lets this model compute its passes with a plain-Java dense chain instead of DL4J (the same
     * function; see {@link DenseChain} for why). Models that cannot use one ignore it.
     */
    void evaluateDirectly(DenseChain chain) {
    }

    /**
     * Lets this model compute passes that move only the network's dense head (see
     * {@link DenseChain#head}) in plain Java from the head's input at theta-hat. Models that
     * cannot use one ignore it.
     */
    void evaluateHeadDirectly(DenseChain.Head head) {
    }

    /**
     * Lets this model take passes that move only a few output channels of one layer from that
     * layer's cached pre-activation (see {@link ChannelMove}); the map gives each eligible layer
     * position its parameters' places. Models that cannot resume mid-way ignore it.
     */
    void evaluateChannelMoves(Map<Integer, ChannelMove.Places> placesByLayer) {
    }

    /**
     * A [rows, cols] array as Java rows, through one bulk copy of its buffer (INDArray's own
     * toDoubleMatrix reads element by element and costs more than the forward pass).
     */
    public static double[][] rows(INDArray matrix) {
        boolean direct = matrix.dataType() == DataType.DOUBLE && matrix.ordering() == 'c' && !matrix.isView()
                && matrix.data().length() == matrix.length();
        INDArray c = direct ? matrix : matrix.castTo(DataType.DOUBLE).dup('c');
        double[] flat = c.data().asDouble();
        int n = (int) c.size(0);
        int m = (int) c.size(1);
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * m, out[i], 0, m);
        }
        return out;
    }

    /**
     * The input each parameterised layer sees (after its pre-processor), keyed by layer name,
     * at parameters theta. Used by detectors that look at activations (K-FAC A side).
     */
    public final synchronized Map<String, INDArray> layerInputs(double[] theta, List<LayerInfo> layers) {
        passes.incrementAndGet();
        Map<String, INDArray> cached = cachedLayerInputs(theta, layers);
        if (cached != null) {
            return cached;
        }
        load(theta);
        Map<String, INDArray> activations = activationsByLayer();
        Map<String, INDArray> inputs = new LinkedHashMap<>();
        for (LayerInfo layer : layers) {
            INDArray in = layer.input() == null ? probe : activations.get(layer.input());
            if (in == null) {
                continue;
            }
            if (layer.preProcessor() != null) {
                in = layer.preProcessor().preProcess(in.dup(), (int) in.size(0), LayerWorkspaceMgr.noWorkspaces());
            }
            inputs.put(layer.name(), in.dup());
        }
        return inputs;
    }

    /**
     * Remembers theta-hat, so that {@link #output(double[], int)} can start at a layer from the
     * cached activations below it. Called once by the snapshot.
     */
    synchronized void anchor(double[] thetaHat) {
        this.anchor = thetaHat.clone();
        this.cachedInputs = null;
        anchored();
    }

    /**
     * An independent copy anchored at theta (sharing the pass counter): its passes near theta start
     * from the layers cached there, as this model's do near theta-hat. This model is unchanged.
     */
    public ForwardModel anchoredCopy(double[] theta) {
        ForwardModel copy = copy();
        copy.anchor(theta);
        return copy;
    }

    /** The layer inputs at theta when this model already holds them (no pass needed), else null. */
    protected Map<String, INDArray> cachedLayerInputs(double[] theta, List<LayerInfo> layers) {
        return null;
    }

    /** Called after theta-hat changed: models that cache anything at theta-hat rebuild it. */
    protected void anchored() {
    }

    /**
     * Limits this model (and copies made afterwards) to a share of one core: after a pass that
     * took t, it sleeps t (1/share - 1). A read beside training then allocates, and so triggers
     * the garbage collector's pauses of the training thread, proportionally less often.
     */
    public void pacing(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("cpu share " + share + " must lie in (0, 1]");
        }
        this.cpuShare = share;
    }

    double cpuShareValue() {
        return cpuShare;
    }

    private void pace(long nanos) {
        if (Thread.currentThread().isInterrupted()) {
            // close() of the listener interrupts a read that outlived its shutdown timeout.
            throw new java.util.concurrent.CancellationException("the read was interrupted");
        }
        if (cpuShare >= 1.0) {
            return;
        }
        // Passes of a small network take microseconds, below what a sleep can resolve: owe the
        // pauses and sleep them off in slices of at least a millisecond.
        owedNanos += (long) (nanos * (1.0 / cpuShare - 1.0));
        if (owedNanos < MIN_SLEEP_NANOS) {
            return;
        }
        long start = System.nanoTime();
        try {
            Thread.sleep(owedNanos / 1_000_000, (int) (owedNanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("the read was interrupted");
        }
        owedNanos -= System.nanoTime() - start; // oversleeping is credited to the next passes
    }

    /** theta-hat as anchored (read-only; null before the snapshot anchors it). */
    public double[] anchorView() {
        return anchor;
    }

    /** Forward passes made so far by this model and every copy of it. */
    public long forwardPasses() {
        return passes.get();
    }

    /** Passes of this model (not its copies) that started from a layer's cached pre-activation. */
    long channelMovePasses() {
        return channelMovePasses.get();
    }

    /** An independent model over the same network and probe, sharing the pass counter. */
    public abstract ForwardModel copy();

    protected abstract void load(double[] theta);

    protected abstract INDArray forward();

    /** Output computed from layer position {@code from} on, reusing what lies below at theta-hat. */
    protected INDArray forwardFrom(int from) {
        return forward();
    }

    /** Every layer's input at the loaded parameters, or null when the model cannot resume mid-way. */
    protected List<INDArray> inputsAtAnchor() {
        return null;
    }

    /** Caches every layer's input at theta-hat, once per anchor (O(N x width) memory). */
    protected final void cacheInputsAtAnchor() {
        if (anchor != null && cachedInputs == null) {
            load(anchor);
            cachedInputs = inputsAtAnchor();
            if (cachedInputs != null) {
                passes.incrementAndGet(); // a whole pass, layer by layer
            }
        }
    }

    /** Output of every layer keyed by layer name. */
    protected abstract Map<String, INDArray> activationsByLayer();

    static ForwardModel of(MultiLayerNetwork net, INDArray probe) {
        return new Mln(net, probe, new AtomicLong());
    }

    static ForwardModel of(ComputationGraph graph, INDArray probe) {
        return new Graph(graph, probe, new AtomicLong());
    }

    private static INDArray vector(double[] theta) {
        return Nd4j.createFromArray(theta).castTo(DataType.DOUBLE);
    }

    /**
     * Writes theta straight into the network's own flattened parameter buffer (every layer's
     * parameters are views of it): no new native buffer per forward pass, which keeps the read's
     * allocation, and so the garbage collector's pauses of a training beside it, low.
     */
    private static void write(INDArray flattened, double[] theta, java.util.function.Consumer<INDArray> fallback) {
        if (flattened != null && flattened.dataType() == DataType.DOUBLE && !flattened.isView()
                && flattened.data().length() == theta.length) {
            flattened.data().setData(theta);
        } else {
            fallback.accept(vector(theta));
        }
    }

    private static final class Mln extends ForwardModel {
        private final MultiLayerNetwork net;
        private DenseChain chain;
        /** Passes near theta-hat through the chain (shared by copies: it holds no mutable state). */
        private IncrementalPass incremental;
        /** Networks of the layers from a position on, sharing this copy's parameters (see {@link #suffix}). */
        private final Map<Integer, MultiLayerNetwork> suffixes = new java.util.HashMap<>();
        /** Per start position, the array a partial pass's input is copied into. */
        private final Map<Integer, INDArray> inputScratch = new java.util.HashMap<>();
        /** The dense head of a network that is not dense throughout, or null. */
        private DenseChain.Head head;
        /** Passes near theta-hat through the head, from its input at theta-hat; built on first use. */
        private IncrementalPass headPass;
        /** Parameter places of the layers whose channel moves start from their pre-activation. */
        private Map<Integer, ChannelMove.Places> channelPlaces = Map.of();
        /** Those moves at the current theta-hat, built on first use. */
        private final Map<Integer, ChannelMove> channelMoves = new java.util.HashMap<>();
        /** Networks of layers [from, to) other than suffixes (see {@link #above}), keyed by from and to. */
        private final Map<java.util.List<Integer>, MultiLayerNetwork> partials = new java.util.HashMap<>();

        Mln(MultiLayerNetwork net, INDArray probe, AtomicLong passes) {
            super(probe, passes);
            this.net = net;
        }

        @Override
        public ForwardModel copy() {
            synchronized (this) {
                Mln copy = new Mln(net.clone(), probe, super.passes);
                copy.anchor = anchor;
                copy.chain = chain;
                copy.incremental = incremental;
                copy.head = head;
                copy.headPass = headPass;
                copy.cachedInputs = cachedInputs;
                copy.channelPlaces = channelPlaces;
                copy.pacing(super.cpuShareValue());
                return copy;
            }
        }

        @Override
        void evaluateDirectly(DenseChain chain) {
            this.chain = chain;
            anchored();
        }

        @Override
        void evaluateHeadDirectly(DenseChain.Head head) {
            this.head = head;
            anchored();
        }

        @Override
        void evaluateChannelMoves(Map<Integer, ChannelMove.Places> placesByLayer) {
            this.channelPlaces = Map.copyOf(placesByLayer);
            anchored();
        }

        /** The channel move of the layer at this position, at the current theta-hat, or null. */
        private ChannelMove channelMove(int position) {
            ChannelMove.Places places = channelPlaces.get(position);
            if (places == null || anchor == null || position + 1 >= net.getnLayers()) {
                return null;
            }
            return channelMoves.computeIfAbsent(position, l -> {
                cacheInputsAtAnchor();
                load(anchor);
                INDArray x = cachedInputs.get(l).dup();
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(l);
                if (pre != null) {
                    x = pre.preProcess(x, (int) probe.size(0), LayerWorkspaceMgr.noWorkspaces()).dup();
                }
                INDArray z = partial(l, l + 1, true).output(cachedInputs.get(l).dup(), false);
                NeuralNetConfiguration conf = net.getLayerWiseConfigurations().getConf(l);
                IActivation act = ((BaseLayer) conf.getLayer()).getActivationFn();
                return new ChannelMove(places, (int) paramOffset(l), anchor.length, x, z, act, conf);
            });
        }

        /**
         * The output from the layers at and above {@code from} when their input differs from the
         * one cached at theta-hat only in a few channels (only layers below moved). Such a change
         * passes channelwise pooling as it is (only its channels are pooled) and a convolution as a
         * convolution of those channels alone; at the dense head it is a few input columns of the
         * head's incremental pass. Else DL4J from the first layer it cannot pass.
         */
        private double[][] above(int from, ChannelMove.Changed change, double[] theta) {
            boolean toHead = head != null && from <= head.start() && headPass() != null;
            int end = toHead ? head.start() : net.getnLayers();
            int l = from;
            INDArray whole = null; // the input of layer l once every channel changed
            while (change != null && l < end && net.getLayerWiseConfigurations().getInputPreProcess(l) == null) {
                org.deeplearning4j.nn.conf.layers.Layer conf = net.getLayerWiseConfigurations().getConf(l).getLayer();
                if (conf instanceof org.deeplearning4j.nn.conf.layers.SubsamplingLayer pool
                        && pool.getCnn2dDataFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NCHW) {
                    // Each channel is pooled on its own: pooling the changed ones alone gives their values.
                    change = new ChannelMove.Changed(change.channels(),
                            cachedPartial(l, l + 1).output(change.values(), false));
                    used(Evaluator.CHANNEL_POOLING);
                } else {
                    ChannelMove move = channelMove(l);
                    whole = move == null ? null : move.outputOn(change, theta);
                    if (whole == null) {
                        break;
                    }
                    used(Evaluator.NEXT_CONVOLUTION);
                    change = null;
                }
                l++;
            }
            if (change != null && toHead && l == end) {
                double[][] out = headOnChannels(change, theta);
                if (out != null) {
                    used(Evaluator.HEAD_COLUMNS);
                    return out;
                }
            }
            INDArray x = whole;
            if (change != null) {
                x = cachedInputs.get(l).dup();
                for (int j = 0; j < change.channels().length; j++) {
                    x.get(channelIndex(x.rank(), change.channels()[j])).assign(
                            change.values().get(channelIndex(x.rank(), j)));
                }
            }
            used(Evaluator.DL4J_FROM_CACHE);
            return rows(perStep(suffix(l).output(x, false)));
        }

        /**
         * The head's output when its input differs from the cached one only in a few channels of
         * the feature map it flattens (NCHW: channel c is columns [c HW, (c + 1) HW)), or null
         * when the head's input is laid out otherwise or the pass exceeds its budget.
         */
        private double[][] headOnChannels(ChannelMove.Changed change, double[] theta) {
            InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(head.start());
            INDArray v = change.values();
            boolean nchw = pre instanceof org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor flat
                    && flat.getFormat() == org.deeplearning4j.nn.conf.CNN2DFormat.NCHW && v.rank() == 4;
            if (!(nchw || (pre == null && v.rank() == 2))) {
                return null;
            }
            int samples = (int) v.size(0);
            int count = change.channels().length;
            int plane = (int) (v.length() / ((long) samples * count));
            double[] flat = v.dup('c').data().asDouble();
            int[] columns = new int[count * plane];
            double[][] values = new double[columns.length][samples];
            for (int j = 0; j < count; j++) {
                for (int p = 0; p < plane; p++) {
                    int k = j * plane + p;
                    columns[k] = change.channels()[j] * plane + p;
                    for (int n = 0; n < samples; n++) {
                        values[k][n] = flat[(n * count + j) * plane + p];
                    }
                }
            }
            DenseChain onInput = headPass.chain();
            long budget = onInput.cheap() ? Long.MAX_VALUE : onInput.multiplyAdds() / 5;
            return headPass.outputOnColumns(columns, values, theta, budget);
        }

        private static org.nd4j.linalg.indexing.INDArrayIndex[] channelIndex(int rank, int c) {
            org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[rank];
            java.util.Arrays.fill(idx, NDArrayIndex.all());
            idx[1] = NDArrayIndex.point(c);
            return idx;
        }

        private long paramOffset(int layer) {
            long offset = 0;
            for (int l = 0; l < layer; l++) {
                offset += net.getLayer(l).numParams();
            }
            return offset;
        }

        @Override
        protected Map<String, INDArray> cachedLayerInputs(double[] theta, List<LayerInfo> layers) {
            if (incremental == null || !java.util.Arrays.equals(theta, anchor)) {
                return null;
            }
            Map<String, INDArray> inputs = new LinkedHashMap<>();
            for (LayerInfo layer : layers) {
                inputs.put(layer.name(), Nd4j.createFromArray(incremental.input(layer.position())));
            }
            return inputs;
        }

        @Override
        protected void anchored() {
            this.incremental = chain == null || anchor == null ? null : new IncrementalPass(chain, anchor);
            this.headPass = null;
            this.channelMoves.clear();
        }

        /** The head's incremental pass at the current theta-hat (its input computed once by DL4J). */
        private IncrementalPass headPass() {
            if (headPass == null && anchor != null) {
                cacheInputsAtAnchor();
                int start = head.start();
                INDArray in = cachedInputs.get(start).dup();
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(start);
                if (pre != null) {
                    in = pre.preProcess(in, (int) probe.size(0), LayerWorkspaceMgr.noWorkspaces());
                }
                double[][] rows = rows(in.rank() == 2 ? in : in.reshape(in.size(0), in.length() / in.size(0)));
                if (rows[0].length != head.chain().steps().stream().filter(java.util.Objects::nonNull)
                        .findFirst().orElseThrow().in()) {
                    head = null; // a layout this evaluator does not know: stay with DL4J
                    return null;
                }
                headPass = new IncrementalPass(head.chain().on(rows), anchor);
            }
            return headPass;
        }

        @Override
        protected double[][] evaluate(double[] theta, int fromLayer) {
            if (incremental != null) {
                // A small chain is always cheaper in Java; a large one only while the change stays
                // on a few units (beyond a fifth of a full pass, BLAS wins).
                long budget = chain.cheap() ? Long.MAX_VALUE : chain.multiplyAdds() / 5;
                double[][] out = incremental.output(theta, fromLayer, budget);
                if (out != null) {
                    used(Evaluator.INCREMENTAL);
                    return out;
                }
            }
            if (chain != null && chain.cheap()) {
                used(Evaluator.DENSE_CHAIN);
                return chain.output(theta);
            }
            if (head != null && fromLayer >= head.start()) {
                // Only the dense head moves: the same as the whole chain, from the head's input.
                IncrementalPass pass = headPass();
                if (pass != null) {
                    DenseChain onInput = pass.chain();
                    long budget = onInput.cheap() ? Long.MAX_VALUE : onInput.multiplyAdds() / 5;
                    double[][] out = pass.output(theta, fromLayer - head.start(), budget);
                    if (out != null) {
                        used(Evaluator.HEAD_INCREMENTAL);
                        return out;
                    }
                    if (onInput.cheap()) {
                        used(Evaluator.HEAD_CHAIN);
                        return onInput.output(theta);
                    }
                }
            }
            ChannelMove move = channelMove(fromLayer);
            if (move != null) {
                ChannelMove.Changed moved = move.output(theta, anchor);
                if (moved != null) {
                    // Only a few channels of this layer moved: their output from the cached
                    // pre-activation, then the layers above.
                    load(theta);
                    super.channelMovePasses.incrementAndGet();
                    used(Evaluator.CHANNEL_MOVE);
                    return above(fromLayer + 1, moved, theta);
                }
            }
            return super.evaluate(theta, fromLayer);
        }

        @Override
        protected void load(double[] theta) {
            write(net.params(), theta, net::setParams);
        }

        @Override
        protected INDArray forward() {
            return net.output(probe, false);
        }

        @Override
        protected INDArray forwardFrom(int from) {
            if (from >= net.getnLayers()) {
                return forward();
            }
            // A copy of the cached input, reused: some layers (PReLU, an ActivationLayer) work in place.
            INDArray cached = cachedInputs.get(from);
            INDArray in = inputScratch.get(from);
            if (in == null || !java.util.Arrays.equals(in.shape(), cached.shape())) {
                in = cached.dup();
                inputScratch.put(from, in);
            } else {
                in.assign(cached);
            }
            return suffix(from).output(in, false);
        }

        /**
         * The layers from position {@code from} on as a network of their own whose parameters are
         * a view of this copy's: loading theta loads it too. DL4J's own {@code output} then runs
         * the partial pass inside its inference workspace, so a pass leaves no native buffers for
         * the garbage collector (a convolution's im2col alone is hundreds of MB at 1e6 parameters).
         */
        private MultiLayerNetwork suffix(int from) {
            return suffixes.computeIfAbsent(from, f -> partial(f, net.getnLayers(), false));
        }

        /** Layers [from, to) as a network sharing this copy's parameters, built once. */
        private MultiLayerNetwork cachedPartial(int from, int to) {
            return to == net.getnLayers() ? suffix(from)
                    : partials.computeIfAbsent(java.util.List.of(from, to), k -> partial(from, to, false));
        }

        /**
         * Layers [from, to) as a network sharing this copy's parameters; with {@code linearTop}
         * the last one's activation is the identity (its output is then the pre-activation).
         */
        private MultiLayerNetwork partial(int from, int to, boolean linearTop) {
            MultiLayerConfiguration whole = net.getLayerWiseConfigurations();
            List<NeuralNetConfiguration> confs = new java.util.ArrayList<>();
            Map<Integer, InputPreProcessor> pre = new java.util.HashMap<>();
            long length = 0;
            for (int l = from; l < to; l++) {
                NeuralNetConfiguration c = whole.getConf(l).clone();
                if (linearTop && l == to - 1) {
                    ((BaseLayer) c.getLayer()).setActivationFn(new ActivationIdentity());
                }
                confs.add(c);
                if (whole.getInputPreProcess(l) != null) {
                    pre.put(l - from, whole.getInputPreProcess(l).clone());
                }
                length += net.getLayer(l).numParams();
            }
            MultiLayerConfiguration conf = new MultiLayerConfiguration.Builder().confs(confs).inputPreProcessors(pre)
                    .dataType(whole.getDataType()).inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                    .validateOutputLayerConfig(false).build();
            MultiLayerNetwork sub = new MultiLayerNetwork(conf);
            INDArray all = net.params(); // rank 1, the network's own buffer
            long offset = paramOffset(from);
            // A [1, length] row over the same buffer at the layers' offset (ND4J's reshape of a
            // sliced view can come back with strides DL4J's parameter views do not expect).
            INDArray view = length == 0 ? null
                    : Nd4j.create(all.data(), new long[]{1, length}, new long[]{length, 1}, all.offset() + offset, 'c');
            sub.init(view, false);
            if (view != null && !aliases(all, offset, sub.params())) {
                throw new IllegalStateException("the partial network does not share the copy's parameters");
            }
            return sub;
        }

        /** Whether writing {@code whole[offset]} shows in {@code part[0]} (same memory, not a copy). */
        private static boolean aliases(INDArray whole, long offset, INDArray part) {
            double before = whole.getDouble(offset);
            whole.putScalar(offset, before + 1.0);
            boolean shared = part.getDouble(0) == before + 1.0;
            whole.putScalar(offset, before);
            return shared;
        }

        @Override
        protected List<INDArray> inputsAtAnchor() {
            // Layer by layer, keeping a copy of each input: some DL4J layers (an ActivationLayer after
            // batch norm) work in place on their input, which would rewrite feedForward's entries.
            LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
            List<INDArray> inputs = new java.util.ArrayList<>();
            INDArray x = probe;
            for (int l = 0; l < net.getnLayers(); l++) {
                inputs.add(x.dup());
                INDArray in = x.dup();
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(l);
                if (pre != null) {
                    in = pre.preProcess(in, (int) probe.size(0), mgr);
                }
                x = net.getLayer(l).activate(in, false, mgr);
            }
            return inputs;
        }

        @Override
        protected Map<String, INDArray> activationsByLayer() {
            List<INDArray> acts = net.feedForward(probe, false);
            Map<String, INDArray> byName = new LinkedHashMap<>();
            for (int i = 1; i < acts.size(); i++) {
                byName.put(String.valueOf(i - 1), acts.get(i));
            }
            return byName;
        }
    }

    private static final class Graph extends ForwardModel {
        private final ComputationGraph graph;

        Graph(ComputationGraph graph, INDArray probe, AtomicLong passes) {
            super(probe, passes);
            this.graph = graph;
        }

        @Override
        public ForwardModel copy() {
            synchronized (this) {
                Graph copy = new Graph(graph.clone(), probe, super.passes);
                copy.pacing(super.cpuShareValue());
                return copy;
            }
        }

        @Override
        protected void load(double[] theta) {
            write(graph.params(), theta, graph::setParams);
        }

        @Override
        protected INDArray forward() {
            return graph.outputSingle(false, probe);
        }

        @Override
        protected Map<String, INDArray> activationsByLayer() {
            return graph.feedForward(probe, false);
        }
    }
}
