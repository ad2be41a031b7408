package io.github.deaddirections.monitor;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies what a read needs from the user's network on the training thread, touching nothing:
 * the configuration once, as JSON, and the flat parameter vector at every scheduled point. The
 * snapshot is then built from the copies on the read thread.
 */
final class ModelCopier {

    private final String configurationJson;
    private final boolean graph;
    private Snapshot last;
    private INDArray lastProbe;

    private ModelCopier(String configurationJson, boolean graph) {
        this.configurationJson = configurationJson;
        this.graph = graph;
    }

    /** Captures the configuration of the network being trained (training thread). */
    static ModelCopier of(Model model) {
        if (model instanceof MultiLayerNetwork net) {
            return new ModelCopier(net.getLayerWiseConfigurations().toJson(), false);
        }
        if (model instanceof ComputationGraph graph) {
            return new ModelCopier(graph.getConfiguration().toJson(), true);
        }
        throw new ReadInputException("the dead-directions listener reads MultiLayerNetwork and ComputationGraph, not "
                + (model == null ? "null" : model.getClass().getName()));
    }

    /**
     * A private copy of the current parameters (training thread). It is made outside any workspace
     * so that it stays valid after the training step's workspaces close.
     */
    static INDArray copyParameters(Model model) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return model.params().dup();
        }
    }

    /**
     * The snapshot of copied parameters (read thread). Reads run one after another, so the float64
     * copy built for the first read is moved to the parameters of each later one.
     */
    synchronized Snapshot snapshot(INDArray parameters, INDArray probe) {
        if (last != null && lastProbe == probe) {
            last = last.movedTo(parameters);
            return last;
        }
        last = build(parameters, probe);
        lastProbe = probe;
        return last;
    }

    private Snapshot build(INDArray parameters, INDArray probe) {
        if (graph) {
            return Snapshot.of(ComputationGraphConfiguration.fromJson(configurationJson), parameters, probe);
        }
        return Snapshot.of(MultiLayerConfiguration.fromJson(configurationJson), parameters, probe);
    }
}
