package io.github.deaddirections.snapshot;

import io.github.deaddirections.ReadInputException;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LearnedSelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The frozen checkpoint a read works on (METHOD 1): a float64 copy of the network, its
 * parameters theta-hat flattened in DL4J's order, the probe inputs, and where every parameter
 * sits. Building a snapshot reads the user's network and never writes to it.
 */
public final class Snapshot {

    private final double[] parameters;
    private final INDArray probe;
    private final ParameterLayout layout;
    private final List<LayerInfo> layers;
    private final ForwardModel model;
    /** The layers by name: detectors ask per unit and per parameter. */
    private final Map<String, LayerInfo> layersByName;
    /** {@link #layerPositions()}, computed on first use (it depends on the layout only). */
    private volatile int[] positions;
    private final java.util.concurrent.ConcurrentMap<String, double[]> layerSquares = new java.util.concurrent.ConcurrentHashMap<>();

    private Snapshot(double[] parameters, INDArray probe, ParameterLayout layout, List<LayerInfo> layers,
                     ForwardModel model) {
        this.parameters = parameters;
        this.probe = probe;
        this.layout = layout;
        this.layers = List.copyOf(layers);
        this.model = model;
        this.layersByName = new HashMap<>();
        for (LayerInfo l : this.layers) {
            layersByName.put(l.name(), l);
        }
    }

    /** Snapshot of a MultiLayerNetwork or a ComputationGraph (single input, single output). */
    public static Snapshot of(Model network, INDArray probe) {
        if (network instanceof MultiLayerNetwork mln) {
            return of(mln, probe);
        }
        if (network instanceof ComputationGraph cg) {
            return of(cg, probe);
        }
        throw new ReadInputException("unsupported model type " + (network == null ? "null" : network.getClass().getName())
                + ": a read takes a MultiLayerNetwork or a ComputationGraph");
    }

    public static Snapshot of(MultiLayerNetwork network, INDArray probe) {
        INDArray params = network.params();
        if (params == null) {
            throw new ReadInputException("the network is not initialised: call init() before reading it");
        }
        return of(network.getLayerWiseConfigurations(), params, probe);
    }

    public static Snapshot of(ComputationGraph graph, INDArray probe) {
        INDArray params = graph.params();
        if (params == null) {
            throw new ReadInputException("the network is not initialised: call init() before reading it");
        }
        return of(graph.getConfiguration(), params, probe);
    }

    /**
     * Snapshot from a configuration and a parameter vector (for example parameters copied on the
     * training thread). Both are copied.
     */
    public static Snapshot of(MultiLayerConfiguration configuration, INDArray parameters, INDArray probe) {
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(configuration.toJson());
        conf.setDataType(DataType.DOUBLE);
        // Passes reuse one workspace instead of leaving native buffers to the garbage collector.
        conf.setInferenceWorkspaceMode(WorkspaceMode.ENABLED);
        INDArray probe64 = checkedProbe(probe);
        double[] theta = checkedParameters(parameters);
        MultiLayerNetwork copy = new MultiLayerNetwork(conf);
        copy.init(Nd4j.createFromArray(theta.clone()).reshape(1, theta.length), false);

        Layer[] dl4jLayers = copy.getLayers();
        List<LayerInfo> layers = new ArrayList<>();
        for (int i = 0; i < dl4jLayers.length; i++) {
            String consumer = i + 1 < dl4jLayers.length ? String.valueOf(i + 1) : null;
            layers.add(new LayerInfo(String.valueOf(i), i, conf.getConf(i).getLayer(), i == 0 ? null : String.valueOf(i - 1),
                    consumer, conf.getInputPreProcess(i)));
        }
        checkProbeWidth(layers.get(0), probe64);
        Map<String, Layer> byName = new HashMap<>();
        for (int i = 0; i < dl4jLayers.length; i++) {
            byName.put(String.valueOf(i), dl4jLayers[i]);
        }
        ForwardModel model = ForwardModel.of(copy, probe64);
        return build(theta, probe64, layers, byName, model, copy::setParams);
    }

    public static Snapshot of(ComputationGraphConfiguration configuration, INDArray parameters, INDArray probe) {
        if (configuration.getNetworkInputs().size() != 1 || configuration.getNetworkOutputs().size() != 1) {
            throw new ReadInputException("the graph has " + configuration.getNetworkInputs().size() + " inputs and "
                    + configuration.getNetworkOutputs().size() + " outputs; a read supports one input and one output");
        }
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(configuration.toJson());
        conf.setDataType(DataType.DOUBLE);
        conf.setInferenceWorkspaceMode(WorkspaceMode.ENABLED);
        INDArray probe64 = checkedProbe(probe);
        double[] theta = checkedParameters(parameters);
        ComputationGraph copy = new ComputationGraph(conf);
        copy.init(Nd4j.createFromArray(theta.clone()).reshape(1, theta.length), false);

        Map<String, List<String>> vertexInputs = conf.getVertexInputs();
        GraphVertex[] vertices = copy.getVertices();
        String networkInput = conf.getNetworkInputs().get(0);
        List<String> layerNames = new ArrayList<>();
        Map<String, Layer> byName = new HashMap<>();
        for (int idx : copy.topologicalSortOrder()) {
            GraphVertex v = vertices[idx];
            if (v.hasLayer()) {
                layerNames.add(v.getVertexName());
                byName.put(v.getVertexName(), v.getLayer());
            }
        }
        List<LayerInfo> layers = new ArrayList<>();
        for (int i = 0; i < layerNames.size(); i++) {
            String name = layerNames.get(i);
            List<String> in = vertexInputs.getOrDefault(name, List.of());
            String input = in.size() == 1 && !in.get(0).equals(networkInput) ? in.get(0) : null;
            String consumer = null;
            int consumers = 0;
            for (Map.Entry<String, List<String>> e : vertexInputs.entrySet()) {
                if (e.getValue().contains(name)) {
                    consumers++;
                    consumer = e.getKey();
                }
            }
            if (consumers != 1) {
                consumer = null;
            }
            GraphVertex vertex = copy.getVertex(name);
            InputPreProcessor pre = vertex instanceof LayerVertex lv ? lv.getLayerPreProcessor() : null;
            layers.add(new LayerInfo(name, i, byName.get(name).conf().getLayer(), input, consumer, pre));
        }
        checkProbeWidth(layers.get(0), probe64);
        ForwardModel model = ForwardModel.of(copy, probe64);
        return build(theta, probe64, layers, byName, model, copy::setParams);
    }

    private static Snapshot build(double[] theta, INDArray probe, List<LayerInfo> layers, Map<String, Layer> dl4jLayers,
                                  ForwardModel model, java.util.function.Consumer<INDArray> setParams) {
        // Write 0..P-1 into the copy and read each parameter array back: the values are the indices.
        int p = theta.length;
        setParams.accept(Nd4j.arange(p).castTo(DataType.DOUBLE).reshape(1, p));
        List<ParameterBlock> blocks = new ArrayList<>();
        for (LayerInfo layer : layers) {
            Layer l = dl4jLayers.get(layer.name());
            for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
                INDArray arr = e.getValue();
                double[] values = arr.dup('c').reshape(arr.length()).toDoubleVector();
                int[] idx = new int[values.length];
                for (int k = 0; k < values.length; k++) {
                    idx[k] = (int) Math.round(values[k]);
                }
                blocks.add(new ParameterBlock(layer.name(), e.getKey(), arr.shape(), idx));
            }
        }
        setParams.accept(Nd4j.createFromArray(theta.clone()).reshape(1, p));
        ParameterLayout layout = new ParameterLayout(p, blocks);
        for (int i = 0; i < p; i++) {
            if (!Double.isFinite(theta[i])) {
                throw new ReadInputException("parameter " + layout.describe(i) + " is " + theta[i]
                        + ": a read needs finite parameters (the checkpoint has diverged)");
            }
        }
        model.anchor(theta);
        Optional<DenseChain> chain = DenseChain.of(layers, layout, probe);
        if (chain.isPresent()) {
            model.evaluateDirectly(chain.get());
        } else {
            DenseChain.head(layers, layout).ifPresent(model::evaluateHeadDirectly);
            Map<Integer, ChannelMove.Places> placesByLayer = new HashMap<>();
            for (LayerInfo layer : layers) {
                ChannelMove.Places.of(layer, layout).ifPresent(places -> placesByLayer.put(layer.position(), places));
            }
            model.evaluateChannelMoves(placesByLayer);
        }
        Snapshot snapshot = new Snapshot(theta, probe, layout, layers, model);
        snapshot.checkRuns();
        return snapshot;
    }

    /**
     * The same network at other parameters (the next checkpoint of one training run): reuses this
     * snapshot's float64 copy, parameter layout and probe instead of building them again, so a
     * series of reads beside training creates almost no DL4J objects. This snapshot's forward
     * model moves to the new parameters: do not read this snapshot any more.
     *
     * @throws ReadInputException for a parameter vector of another length, or NaN/Inf parameters
     */
    public Snapshot movedTo(INDArray parameters) {
        double[] theta = checkedParameters(parameters);
        if (theta.length != this.parameters.length) {
            throw new ReadInputException("the new parameter vector has " + theta.length + " entries, the network "
                    + this.parameters.length);
        }
        for (int i = 0; i < theta.length; i++) {
            if (!Double.isFinite(theta[i])) {
                throw new ReadInputException("parameter " + layout.describe(i) + " is " + theta[i]
                        + ": a read needs finite parameters (the checkpoint has diverged)");
            }
        }
        model.anchor(theta);
        Snapshot moved = new Snapshot(theta, probe, layout, layers, model);
        moved.checkRuns();
        return moved;
    }

    /**
     * An independent snapshot of the same network at other parameters (a snapped point theta* of
     * the resolution, METHOD 8): a copy of this snapshot's forward model, anchored at theta and
     * sharing its pass counter. This snapshot and the user's network are unchanged.
     */
    public Snapshot at(double[] theta) {
        if (theta.length != this.parameters.length) {
            throw new IllegalArgumentException("the parameter vector has " + theta.length + " entries, the network "
                    + this.parameters.length);
        }
        return new Snapshot(theta.clone(), probe, layout, layers, model.anchoredCopy(theta));
    }

    private static double[] checkedParameters(INDArray parameters) {
        if (parameters == null || parameters.isEmpty()) {
            throw new ReadInputException("the network has no parameters");
        }
        return parameters.castTo(DataType.DOUBLE).dup().reshape(parameters.length()).toDoubleVector();
    }

    private static INDArray checkedProbe(INDArray probe) {
        if (probe == null || probe.isEmpty() || probe.rank() == 0 || probe.size(0) == 0) {
            throw new ReadInputException("the probe set is empty: give at least one input sample");
        }
        INDArray p = probe.castTo(DataType.DOUBLE).dup('c');
        if (p.isNaN().any() || p.isInfinite().any()) {
            throw new ReadInputException("the probe set contains NaN or infinite values");
        }
        return p;
    }

    private static void checkProbeWidth(LayerInfo first, INDArray probe) {
        long expected = -1;
        if (first.preProcessor() instanceof FeedForwardToCnnPreProcessor pre) {
            expected = pre.getInputHeight() * pre.getInputWidth() * pre.getNumChannels();
        } else if (first.conf() instanceof ConvolutionLayer conv) {
            if (probe.rank() != 4) {
                throw new ReadInputException("layer " + first.name() + " (" + first.typeName() + ") takes images [samples, "
                        + conv.getNIn() + " channels, height, width] but the probe is flat "
                        + java.util.Arrays.toString(probe.shape()) + ": give the probe in the network's input shape");
            }
            if (probe.size(1) != conv.getNIn()) {
                throw new ReadInputException("the probe has " + probe.size(1) + " channels per sample but layer "
                        + first.name() + " (" + first.typeName() + ") expects " + conv.getNIn());
            }
            return;
        } else if (first.conf() instanceof SelfAttentionLayer || first.conf() instanceof LearnedSelfAttentionLayer) {
            // Attention reads sequences [samples, nIn, tokens] (DL4J's NCW); nIn is set from the input type.
            long nIn = first.conf() instanceof SelfAttentionLayer sa ? sa.getNIn() : ((LearnedSelfAttentionLayer) first.conf()).getNIn();
            if (probe.rank() != 3) {
                throw new ReadInputException("layer " + first.name() + " (" + first.typeName() + ") takes sequences [samples, "
                        + nIn + " features, tokens] but the probe has shape " + java.util.Arrays.toString(probe.shape())
                        + ": give the probe in the network's input shape");
            }
            if (probe.size(1) != nIn) {
                throw new ReadInputException("the probe has " + probe.size(1) + " features per token but layer "
                        + first.name() + " (" + first.typeName() + ") expects " + nIn);
            }
            return;
        } else if (first.conf() instanceof FeedForwardLayer ff && probe.rank() == 2) {
            expected = ff.getNIn();
        }
        if (expected > 0 && probe.rank() == 2 && probe.size(1) != expected) {
            throw new ReadInputException("the probe has " + probe.size(1) + " features per sample but layer "
                    + first.name() + " (" + first.typeName() + ") expects " + expected);
        }
    }

    private void checkRuns() {
        try {
            model.output(parameters);
        } catch (RuntimeException e) {
            for (LayerInfo layer : layers) {
                if (layer.conf() instanceof LearnedSelfAttentionLayer) {
                    // DL4J 1.0.0-M2.1's own output() fails on this layer (scatter_update), in float32
                    // and float64 alike: no read can run it, so say which layer and why.
                    throw new ReadInputException("layer " + layer.name() + " (" + layer.typeName()
                            + ") cannot be run by DL4J 1.0.0-M2.1 itself (its forward pass fails in the"
                            + " scatter_update op, whatever the data type): replace it by a SelfAttentionLayer to read"
                            + " this network (" + e.getMessage() + ")", e);
                }
            }
            throw new ReadInputException("the network cannot run on the probe set (shape "
                    + java.util.Arrays.toString(probe.shape()) + "): " + e.getMessage(), e);
        }
    }

    /** theta-hat as a fresh array (callers may change it). */
    public double[] parameters() {
        return parameters.clone();
    }

    /** Read-only access to theta-hat for hot loops; do not modify. */
    public double[] parametersView() {
        return parameters;
    }

    public int parameterCount() {
        return parameters.length;
    }

    public int probeSamples() {
        return (int) probe.size(0);
    }

    public INDArray probe() {
        return probe;
    }

    public ParameterLayout layout() {
        return layout;
    }

    public List<LayerInfo> layers() {
        return layers;
    }

    public LayerInfo layer(String name) {
        LayerInfo layer = layersByName.get(name);
        if (layer == null) {
            throw new IllegalArgumentException("no layer named " + name);
        }
        return layer;
    }

    public LayerInfo outputLayer() {
        return layers.get(layers.size() - 1);
    }

    public ForwardModel model() {
        return model;
    }

    /** For each parameter, the position of its layer in the network (what a forward pass may start from). */
    public int[] layerPositions() {
        int[] pos = positions;
        if (pos == null) {
            pos = new int[parameters.length];
            for (int i = 0; i < pos.length; i++) {
                pos[i] = layer(layout.layerOf(i)).position();
            }
            positions = pos;
        }
        return pos.clone();
    }

    /** Root mean square of the given parameters at theta-hat. */
    public double rms(int[] indices) {
        if (indices.length == 0) {
            return 0;
        }
        double s = 0;
        for (int i : indices) {
            s += parameters[i] * parameters[i];
        }
        return Math.sqrt(s / indices.length);
    }

    /** RMS of the parameters of the given layers together (cached per layer: detectors ask per unit). */
    public double layerRms(java.util.Collection<String> layerNames) {
        double sum = 0;
        long count = 0;
        for (String name : layerNames) {
            double[] sq = layerSquares.computeIfAbsent(name, l -> {
                int[] idx = layout.indicesOf(l);
                double s = 0;
                for (int i : idx) {
                    s += parameters[i] * parameters[i];
                }
                return new double[]{s, idx.length};
            });
            sum += sq[0];
            count += (long) sq[1];
        }
        return count == 0 ? 0 : Math.sqrt(sum / count);
    }

    /** RMS of all parameters. */
    public double rms() {
        double s = 0;
        for (double v : parameters) {
            s += v * v;
        }
        return Math.sqrt(s / parameters.length);
    }
}
