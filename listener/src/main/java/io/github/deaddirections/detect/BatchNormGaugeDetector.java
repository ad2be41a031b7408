package io.github.deaddirections.detect;

import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gauges of a DL4J {@code BatchNormalization} layer as the read sees it, in inference mode
 * (METHOD 4, bias-redundancy gauge). Per channel j DL4J computes
 * {@code y = gamma (x - mean) / s + beta}, {@code s = sqrt(var + eps)} (with {@code useLogStd},
 * the default, var = 10^(2 log10stdev)), and applies no activation (checked against M2.1's forward
 * pass). The running mean and variance are parameters of theta, so y depends on the channel's
 * parameters only through gamma/s and beta - gamma mean/s, and these directions are exactly flat:
 * <ul>
 * <li><b>bias redundancy</b> (straight): the feeding dense layer's bias and the mean,
 * {@code b_j += t, mean_j += t}, when that layer has the identity activation.</li>
 * <li><b>mean shift</b> (straight): {@code mean_j += t, beta_j += t gamma_j / s_j}.</li>
 * <li><b>scale</b> (curved): {@code gamma_j -> a gamma_j, s_j -> a s_j}; exact with eps, because
 * eps only offsets how s is stored ({@code var = a^2 s^2 - eps}).</li>
 * <li><b>input scale</b> (curved): the feeding dense column, bias, mean and s all times a, when
 * that layer's activation is the identity or positively homogeneous (ReLU).</li>
 * </ul>
 * That is 4 per channel after an identity dense layer with bias (3 without bias, 1 - 2 with
 * {@code lockGammaBeta}): the channel has d_in + 5 parameters and d_in + 1 effective ones. The
 * count is checked on the batchnorm cell by an independent Jacobian (docs/CELLS-MORE.md).
 * Variants with further redundancies this detector does not name (convolutional input, a
 * layer-normalised or parameterless feeder, an output read by a linear or homogeneous path
 * into the next layer) are reported as not enumerated.
 */
public final class BatchNormGaugeDetector implements Detector {

    public static final String MECHANISM = "bias-redundancy-gauge";
    public static final String MEAN_SHIFT = "batchnorm-mean-shift-gauge";
    public static final String SCALE = "batchnorm-scale-gauge";
    public static final String INPUT_SCALE = "batchnorm-input-scale-gauge";

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return Layers.isBatchNorm(layer);
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : context.snapshot().layers()) {
            if (Layers.isBatchNorm(layer)) {
                detect(context, layer, out);
            }
        }
        return out;
    }

    private static void detect(DetectionContext context, LayerInfo layer, List<Candidate> out) {
        Snapshot snapshot = context.snapshot();
        INDArray input = context.layerInputs().get(layer.name());
        if (input != null && input.rank() != 2) {
            LayerNormGaugeDetector.notEnumerated(context, layer, "batch norm over convolutional channels is not covered");
            return;
        }
        double[] theta = snapshot.parametersView();
        int p = theta.length;
        BatchNormalization conf = (BatchNormalization) layer.conf();
        Stdev stdev = new Stdev(snapshot, layer, conf.getEps());
        ParameterBlock mean = snapshot.layout().block(layer.name(), "mean").orElseThrow();
        Optional<ParameterBlock> gamma = snapshot.layout().block(layer.name(), "gamma");
        Optional<ParameterBlock> beta = snapshot.layout().block(layer.name(), "beta");
        int channels = mean.size();
        List<String> own = List.of(layer.name());

        if (gamma.isPresent() && beta.isPresent()) {
            List<Orbit> shift = new ArrayList<>();
            List<Orbit> scale = new ArrayList<>();
            for (int j = 0; j < channels; j++) {
                int g = gamma.get().flatIndex()[j];
                Direction u = Direction.sparse(p, new int[]{mean.flatIndex()[j], beta.get().flatIndex()[j]},
                        new double[]{1.0, theta[g] / stdev.s(theta, j)}).normalised();
                shift.add(new Orbit("mean-shift:channel" + j, u, Path.straight(theta, u)));
                scale.add(stdev.orbit("scale:channel" + j, theta, j, new int[]{g}));
            }
            out.add(GaugeCandidate.symmetry(MEAN_SHIFT + ":" + layer.name(), MEAN_SHIFT, own, shift));
            out.add(GaugeCandidate.symmetry(SCALE + ":" + layer.name(), SCALE, own, scale));
        }
        feeder(context, layer, mean, stdev, out);
        checkReader(context, layer);
    }

    /** The gauges shared with the dense layer that feeds this one. */
    private static void feeder(DetectionContext context, LayerInfo layer, ParameterBlock mean, Stdev stdev,
                               List<Candidate> out) {
        Snapshot snapshot = context.snapshot();
        if (layer.input() == null) {
            return; // reads the network input: the channel's own gauges are all
        }
        LayerInfo feeder = snapshot.layer(layer.input());
        if (!Layers.isPlainDense(feeder) || layer.preProcessor() != null || !layer.name().equals(feeder.consumer())) {
            LayerNormGaugeDetector.notEnumerated(context, layer, "it reads layer " + feeder.name() + " ("
                    + feeder.typeName() + "), whose redundancy with the batch norm is not covered");
            return;
        }
        IActivation phi = feeder.activation().orElse(null);
        boolean identity = phi instanceof ActivationIdentity;
        if (!identity && (phi == null || !Layers.isPositivelyHomogeneous(phi))) {
            return; // a curved activation between them: no shared symmetry
        }
        double[] theta = snapshot.parametersView();
        int p = theta.length;
        ParameterBlock w = Layers.weights(snapshot, feeder).orElseThrow();
        Optional<ParameterBlock> b = Layers.bias(snapshot, feeder);
        int nIn = (int) w.dim(0);
        List<String> both = List.of(feeder.name(), layer.name());
        List<Orbit> inputScale = new ArrayList<>();
        List<Orbit> redundancy = new ArrayList<>();
        for (int j = 0; j < mean.size(); j++) {
            int[] column = new int[nIn];
            for (int i = 0; i < nIn; i++) {
                column[i] = w.index(i, j);
            }
            int[] up = b.isPresent() ? Directions.concat(column, new int[]{b.get().flatIndex()[j], mean.flatIndex()[j]})
                    : Directions.concat(column, new int[]{mean.flatIndex()[j]});
            inputScale.add(stdev.orbit("input-scale:channel" + j, theta, j, up));
            if (identity && b.isPresent()) {
                Direction u = Direction.uniform(p, new int[]{b.get().flatIndex()[j], mean.flatIndex()[j]});
                redundancy.add(new Orbit("bias-mean:channel" + j, u, Path.straight(theta, u)));
            }
        }
        if (!redundancy.isEmpty()) {
            out.add(GaugeCandidate.symmetry(MECHANISM + ":" + layer.name(), MECHANISM, both, redundancy));
        }
        out.add(GaugeCandidate.symmetry(INPUT_SCALE + ":" + layer.name(), INPUT_SCALE, both, inputScale));
    }

    /**
     * DL4J's batch norm is affine per channel: a dense layer reading it (directly, or through an
     * identity or positively homogeneous activation layer) shares further symmetries with it,
     * which are not enumerated here.
     */
    private static void checkReader(DetectionContext context, LayerInfo layer) {
        if (layer.consumer() == null) {
            return;
        }
        LayerInfo next = context.snapshot().layer(layer.consumer());
        boolean curvedActivation = next.conf() instanceof ActivationLayer a && a.getActivationFn() != null
                && !(a.getActivationFn() instanceof ActivationIdentity) && !Layers.isPositivelyHomogeneous(a.getActivationFn());
        if (!curvedActivation) {
            LayerNormGaugeDetector.notEnumerated(context, layer, "its affine output is read by layer " + next.name() + " ("
                    + next.typeName() + ") without a curved activation layer between them, so its scale and shift may be "
                    + "redundant with that layer's weights");
        }
    }

    /**
     * The channel's s = sqrt(var + eps) and how the stored parameter (var, or log10 of the
     * stdev) follows when s is multiplied by a.
     */
    private static final class Stdev {
        private final ParameterBlock block;
        private final boolean logStd;
        private final double eps;

        Stdev(Snapshot snapshot, LayerInfo layer, double eps) {
            Optional<ParameterBlock> log = snapshot.layout().block(layer.name(), "log10stdev");
            this.logStd = log.isPresent();
            this.block = log.orElseGet(() -> snapshot.layout().block(layer.name(), "var").orElseThrow());
            this.eps = eps;
        }

        double variance(double stored) {
            return logStd ? Math.pow(10.0, 2 * stored) : stored;
        }

        double s(double[] theta, int j) {
            return Math.sqrt(variance(theta[block.flatIndex()[j]]) + eps);
        }

        /** The stored parameter for which s becomes a s (a > 1 on every read: radii are positive). */
        double stored(double s, double a) {
            double var = a * a * s * s - eps;
            return logStd ? 0.5 * Math.log10(var) : var;
        }

        /** d stored / d a at a = 1. */
        double rate(double s) {
            double var = s * s - eps;
            return logStd ? s * s / (var * Math.log(10.0)) : 2 * s * s;
        }

        /** Parameters {@code up} times a and s_j times a, a = exp(t / |tangent|). */
        Orbit orbit(String role, double[] theta, int j, int[] up) {
            int at = block.flatIndex()[j];
            double s = s(theta, j);
            int[] coords = Directions.concat(up, new int[]{at});
            double[] values = new double[coords.length];
            for (int k = 0; k < up.length; k++) {
                values[k] = theta[up[k]];
            }
            values[up.length] = rate(s);
            Direction tangent = Direction.sparse(theta.length, coords, values);
            double norm = tangent.norm();
            Path path = t -> {
                double a = Math.exp(t / norm);
                double[] x = theta.clone();
                for (int i : up) {
                    x[i] = theta[i] * a;
                }
                x[at] = stored(s, a);
                return x;
            };
            return new Orbit(role, tangent.normalised(), path);
        }
    }
}
