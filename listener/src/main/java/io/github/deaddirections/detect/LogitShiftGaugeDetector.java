package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The logit-shift gauge of a softmax output (METHOD 4): adding the same constant to every logit
 * leaves the probabilities unchanged. For each input i, raising row i of W evenly over all
 * classes shifts every logit by x_i; raising every bias shifts them by a constant: n_in + 1
 * straight flat directions.
 */
public final class LogitShiftGaugeDetector implements Detector {

    public static final String MECHANISM = "logit-shift-gauge";

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return layer.conf() instanceof BaseOutputLayer;
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        LayerInfo output = snapshot.outputLayer();
        if (!(Layers.isDense(output) && output.activation().orElse(null) instanceof ActivationSoftmax)) {
            return List.of();
        }
        Optional<ParameterBlock> w = Layers.weights(snapshot, output);
        if (w.isEmpty()) {
            return List.of();
        }
        int p = snapshot.parameterCount();
        double[] theta = snapshot.parametersView();
        int nIn = (int) w.get().dim(0);
        int classes = (int) w.get().dim(1);
        List<Orbit> orbits = new ArrayList<>();
        for (int i = 0; i < nIn; i++) {
            int[] row = new int[classes];
            for (int c = 0; c < classes; c++) {
                row[c] = w.get().index(i, c);
            }
            Direction u = Direction.uniform(p, row);
            orbits.add(new Orbit("shift:input" + i, u, Path.straight(theta, u)));
        }
        Layers.bias(snapshot, output).ifPresent(b -> {
            Direction u = Direction.uniform(p, b.flatIndex());
            orbits.add(new Orbit("shift:bias", u, Path.straight(theta, u)));
        });
        return List.of(GaugeCandidate.symmetry(MECHANISM + ":" + output.name(), MECHANISM, List.of(output.name()), orbits));
    }
}
