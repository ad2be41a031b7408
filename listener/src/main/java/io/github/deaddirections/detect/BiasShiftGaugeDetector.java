package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * The bias-shift gauge of a dead unit (METHOD 3, symmetry orbit). Where phi's translates are affine
 * images of each other around the unit's bias b0 ({@link ShiftSymmetry}: hard tanh or hard sigmoid
 * inside a linear piece, ELU/SELU, ReLU6 inside its ramp, softsign of one sign), the shift
 * {@code b -> b + t} is undone by rescaling the unit's outgoing and incoming weights and moving the
 * consumer's bias, for every t: a symmetry of the parameterisation near the dead point. Its orbit
 * through a dead unit (w = 0, a = 0) is the bias axis itself, read as that straight line.
 *
 * <p>Homogeneous activations (the ReLU family, the cube) are left to the rescaling gauge, whose
 * orbit through a dead unit with b0 != 0 is the same bias axis.
 */
public final class BiasShiftGaugeDetector implements Detector {

    public static final String MECHANISM = "bias-shift-gauge";

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(io.github.deaddirections.snapshot.LayerInfo layer) {
        return Layers.isPlainDense(layer) || Layers.isConvolution(layer);
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        double[] theta = snapshot.parametersView();
        List<Candidate> out = new ArrayList<>();
        for (DeadUnit dead : DeadUnit.all(context)) {
            if (!dead.biasShiftIsSymmetry() || Layers.homogeneityDegree(dead.activation()).isPresent()) {
                continue;
            }
            Unit unit = dead.unit();
            Direction axis = Direction.axis(theta.length, unit.bias());
            String kind = Layers.isConvolution(unit.layer()) ? "channel" : "unit";
            out.add(GaugeCandidate.symmetry(MECHANISM + ":" + unit.layer().name() + ":" + kind + unit.index(), MECHANISM,
                    List.of(unit.layer().name(), unit.consumer().name()),
                    List.of(new Orbit("bias-shift:" + kind + unit.index(), axis, Path.straight(theta, axis)))));
        }
        return out;
    }
}
