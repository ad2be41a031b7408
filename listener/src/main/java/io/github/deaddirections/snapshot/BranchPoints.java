package io.github.deaddirections.snapshot;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationRReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationRationalTanh;
import org.nd4j.linalg.activations.impl.ActivationRectifiedTanh;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a layer's output stops being analytic in its input: a kink or a change of analytic form
 * of its activation (ReLU and its relatives, hard tanh, ELU and SELU at 0, softsign and the
 * rational tanh at 0), or a max pooling's switch of the maximal element. Across such a point a
 * finite difference measures neither side's derivative, and a move meant to stay in one region
 * lands in another.
 */
public final class BranchPoints {

    private BranchPoints() {
    }

    /** The pre-activation values where the activation has a kink, a jump or a change of form, when it has any. */
    public static Optional<double[]> of(IActivation a) {
        if (a instanceof ActivationELU || a instanceof ActivationSELU || a instanceof ActivationSoftSign
                || a instanceof ActivationRationalTanh || a instanceof ActivationLReLU || a instanceof ActivationRectifiedTanh) {
            return Optional.of(new double[]{0.0});
        }
        if (a instanceof ActivationReLU r) {
            List<Double> k = new ArrayList<>();
            k.add(r.getThreshold() == null ? 0.0 : r.getThreshold());
            if (r.getMax() != null) {
                k.add(r.getMax());
            }
            return Optional.of(k.stream().mapToDouble(Double::doubleValue).toArray());
        }
        if (a instanceof ActivationReLU6) {
            return Optional.of(new double[]{0.0, 6.0});
        }
        if (a instanceof ActivationHardTanH) {
            return Optional.of(new double[]{-1.0, 1.0});
        }
        if (a instanceof ActivationHardSigmoid) {
            double end = 0.5 / (double) 0.2f;
            return Optional.of(new double[]{-end, end});
        }
        if (a instanceof ActivationThresholdedReLU t) {
            return Optional.of(new double[]{t.getTheta()});
        }
        if (a instanceof ActivationRReLU r) {
            return Optional.of(new double[]{0.5 * (r.getL() + r.getU())});
        }
        return Optional.empty();
    }

    /** The distance from z to the activation's nearest branch point; infinite when it has none. */
    public static double distance(IActivation a, double z) {
        double d = Double.POSITIVE_INFINITY;
        for (double k : of(a).orElse(new double[0])) {
            d = Math.min(d, Math.abs(z - k));
        }
        return d;
    }

    /** True when the layer's output is only piecewise analytic in its input. */
    public static boolean in(LayerInfo layer) {
        if (layer.conf() instanceof SubsamplingLayer s) {
            return s.getPoolingType() == PoolingType.MAX;
        }
        if (layer.conf() instanceof GlobalPoolingLayer g) {
            return g.getPoolingType() == PoolingType.MAX;
        }
        IActivation a = layer.conf() instanceof ActivationLayer al ? al.getActivationFn() : layer.activation().orElse(null);
        return a != null && of(a).isPresent();
    }

    /**
     * For each parameter of the snapshot: whether some layer at or after its own has branch points,
     * so that the outputs are only piecewise analytic along its axis.
     */
    public static boolean[] alongParameters(Snapshot snapshot) {
        int last = -1;
        for (LayerInfo layer : snapshot.layers()) {
            if (in(layer)) {
                last = Math.max(last, layer.position());
            }
        }
        int[] position = snapshot.layerPositions();
        boolean[] piecewise = new boolean[position.length];
        for (int i = 0; i < position.length; i++) {
            piecewise[i] = position[i] <= last;
        }
        return piecewise;
    }
}
