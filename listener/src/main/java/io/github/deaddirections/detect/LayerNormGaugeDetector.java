package io.github.deaddirections.detect;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.nd4j.linalg.activations.IActivation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gauges of a DL4J dense layer with layer norm (METHOD 4, layernorm-kernel gauge).
 *
 * <p>DL4J computes {@code y = g . n + b}, {@code n = (z - mean(z)) / std(z)} over the layer's n
 * units, {@code z = x W}, population std and <b>no epsilon</b> (checked against M2.1's forward
 * pass: the hand formula matches to 0, and W -> 3W moves the output by 2e-16); then the
 * activation. Hence, exactly and at every parameter point:
 * <ul>
 * <li><b>mean</b> (d_in straight lines): {@code W[i,:] += c} adds c x_i to every z_j, which the mean
 * subtraction removes.</li>
 * <li><b>scale</b> (one straight ray): {@code W -> (1 + t/|W|) W} leaves n unchanged for every
 * t > -|W|; it would leak at order 1 if the norm had an epsilon, and this one has none.</li>
 * <li><b>gain rescaling</b> (one curved orbit per unit, positively homogeneous or identity
 * activation, read by a dense layer): {@code (g_j, b_j, W2[j,:]) -> (a g_j, a b_j, W2[j,:]/a)}.</li>
 * </ul>
 * With the identity activation, read directly by a dense layer with weights W2 and bias b2:
 * <ul>
 * <li><b>kernel</b> (n_out straight lines): sum_j n_j = 0, so {@code <v*, y> = <v*, b>} for
 * {@code v* = g^-1 / |g^-1|}; {@code W2[:,e] += t v*, b2[e] -= t <v*, b>} is flat.</li>
 * <li><b>bias transfer</b> (n straight lines): {@code b_j += t, b2 -= t W2[j,:]}.</li>
 * <li><b>rotation</b> ((n-1)(n-2)/2 curved orbits): |z P| is invariant under rotations R of the
 * plane orthogonal to 1 (R 1 = 1), so n(W R) = n(W) R, and {@code W -> W R, b -> b D^-1 R D,
 * W2 -> D^-1 R' D W2} (D = diag g) gives {@code y' W2' = (n + b D^-1) R D D^-1 R' D W2 = y W2}.</li>
 * </ul>
 * For d_in >= n - 1 and n_out >= n - 1 these are all of the layer's flat directions: the model is
 * then {@code sqrt(n) xV/|xV| M + c} with V = W Q (Q a basis of 1-perp), M = Q' D W2, c = b W2 + b2,
 * whose only continuous symmetries are the scale of V and O(n-1); the count
 * {@code d_in + 1 + 2n + n_out + (n-1)(n-2)/2} is checked on the layernorm cell by an independent
 * Jacobian (docs/CELLS-MORE.md). Other activations and consumers are reported as not enumerated.
 */
public final class LayerNormGaugeDetector implements Detector {

    public static final String MECHANISM = "layernorm-kernel-gauge";
    public static final String MEAN = "layernorm-mean-gauge";
    public static final String SCALE = "layernorm-scale-gauge";
    public static final String GAIN = "layernorm-gain-rescaling-gauge";
    public static final String BIAS = "layernorm-bias-transfer-gauge";
    public static final String ROTATION = "layernorm-rotation-gauge";

    private static final Logger LOG = LoggerFactory.getLogger(LayerNormGaugeDetector.class);

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return Layers.hasLayerNorm(layer);
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            if (Layers.hasLayerNorm(layer)) {
                detect(context, layer, out);
            }
        }
        return out;
    }

    private static void detect(DetectionContext context, LayerInfo layer, List<Candidate> out) {
        Snapshot snapshot = context.snapshot();
        double[] theta = snapshot.parametersView();
        int p = theta.length;
        ParameterBlock w = Layers.weights(snapshot, layer).orElseThrow();
        ParameterBlock g = snapshot.layout().block(layer.name(), "g").orElseThrow();
        Optional<ParameterBlock> b = Layers.bias(snapshot, layer);
        int nIn = (int) w.dim(0);
        int n = (int) w.dim(1);
        List<String> own = List.of(layer.name());

        List<Orbit> mean = new ArrayList<>();
        for (int i = 0; i < nIn; i++) {
            int[] row = new int[n];
            for (int j = 0; j < n; j++) {
                row[j] = w.index(i, j);
            }
            Direction u = Direction.uniform(p, row);
            mean.add(new Orbit("mean:input" + i, u, Path.straight(theta, u)));
        }
        out.add(GaugeCandidate.symmetry(MEAN + ":" + layer.name(), MEAN, own, mean));
        Direction ray = Direction.sparse(p, w.flatIndex(), values(theta, w.flatIndex()));
        if (ray.norm() > 0) {
            Direction u = ray.normalised();
            out.add(GaugeCandidate.symmetry(SCALE + ":" + layer.name(), SCALE, own,
                    List.of(new Orbit("scale", u, Path.straight(theta, u)))));
        }

        IActivation phi = layer.activation().orElse(null);
        boolean identity = Layers.isIdentity(layer);
        boolean homogeneous = identity || (phi != null && Layers.isPositivelyHomogeneous(phi));
        Optional<LayerInfo> reader = directDenseReader(snapshot, layer, n);
        if (!homogeneous) {
            return; // mean and scale are all: no activation symmetry passes the units on
        }
        if (reader.isEmpty()) {
            notEnumerated(context, layer, "its " + (identity ? "identity" : "positively homogeneous")
                    + " output is not read directly by a dense layer, so its gain and bias may be redundant with what follows");
            return;
        }
        LayerInfo next = reader.get();
        ParameterBlock w2 = Layers.weights(snapshot, next).orElseThrow();
        int nOut = (int) w2.dim(1);
        List<String> both = List.of(layer.name(), next.name());
        out.add(GaugeCandidate.symmetry(GAIN + ":" + layer.name(), GAIN, both, gainOrbits(theta, g, b, w2, n, nOut)));
        if (!identity) {
            return;
        }
        double[] gain = values(theta, g.flatIndex());
        for (double gj : gain) {
            if (gj == 0.0) {
                notEnumerated(context, layer, "a unit has gain exactly 0, which changes the kernel of the normalised output");
                return;
            }
        }
        Optional<ParameterBlock> b2 = Layers.bias(snapshot, next);
        if (Layers.isPlainDense(next) && b2.isPresent()) {
            out.add(GaugeCandidate.symmetry(MECHANISM + ":" + layer.name(), MECHANISM, both,
                    kernelOrbits(theta, gain, b, w2, b2.get(), n, nOut)));
            b.ifPresent(bias -> out.add(GaugeCandidate.symmetry(BIAS + ":" + layer.name(), BIAS, both,
                    biasOrbits(theta, bias, w2, b2.get(), n, nOut))));
        } else {
            notEnumerated(context, layer, "the dense layer reading it has no bias or is itself layer-normalised");
        }
        List<Orbit> rotations = LayerNormRotation.orbits(theta, w, g, b.orElse(null), w2);
        if (!rotations.isEmpty()) {
            out.add(GaugeCandidate.symmetry(ROTATION + ":" + layer.name(), ROTATION, both, rotations));
        }
    }

    /** The dense layer reading this one's n units directly (no pass-through, no pre-processor). */
    private static Optional<LayerInfo> directDenseReader(Snapshot snapshot, LayerInfo layer, int n) {
        if (layer.consumer() == null) {
            return Optional.empty();
        }
        LayerInfo c = snapshot.layer(layer.consumer());
        Optional<ParameterBlock> w2 = Layers.weights(snapshot, c);
        boolean direct = Layers.isDense(c) && c.preProcessor() == null && layer.name().equals(c.input())
                && w2.isPresent() && w2.get().dim(0) == n;
        return direct ? Optional.of(c) : Optional.empty();
    }

    /** (g_j, b_j, W2[j,:]) -> (a g_j, a b_j, W2[j,:] / a), a = exp(t / |generator|). */
    private static List<Orbit> gainOrbits(double[] theta, ParameterBlock g, Optional<ParameterBlock> b, ParameterBlock w2,
                                          int n, int nOut) {
        List<Orbit> orbits = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            int[] up = b.isPresent() ? new int[]{g.flatIndex()[j], b.get().flatIndex()[j]} : new int[]{g.flatIndex()[j]};
            int[] down = new int[nOut];
            for (int e = 0; e < nOut; e++) {
                down[e] = w2.index(j, e);
            }
            Rescaling.orbit("gain:unit" + j, theta, up, down).ifPresent(orbits::add);
        }
        return orbits;
    }

    /** W2[:, e] += t v*, b2[e] -= t <v*, b>, v* = g^-1 / |g^-1|. */
    private static List<Orbit> kernelOrbits(double[] theta, double[] gain, Optional<ParameterBlock> b, ParameterBlock w2,
                                            ParameterBlock b2, int n, int nOut) {
        double[] v = new double[n];
        for (int j = 0; j < n; j++) {
            v[j] = 1.0 / gain[j];
        }
        v = Directions.normalise(v);
        double shift = 0;
        if (b.isPresent()) {
            shift = Directions.dot(v, values(theta, b.get().flatIndex()));
        }
        List<Orbit> orbits = new ArrayList<>();
        for (int e = 0; e < nOut; e++) {
            int[] coords = new int[n + 1];
            double[] vals = new double[n + 1];
            for (int j = 0; j < n; j++) {
                coords[j] = w2.index(j, e);
                vals[j] = v[j];
            }
            coords[n] = b2.flatIndex()[e];
            vals[n] = -shift;
            Direction u = Direction.sparse(theta.length, coords, vals).normalised();
            orbits.add(new Orbit("kernel:out" + e, u, Path.straight(theta, u)));
        }
        return orbits;
    }

    /** b_j += t, b2 -= t W2[j,:]. */
    private static List<Orbit> biasOrbits(double[] theta, ParameterBlock b, ParameterBlock w2, ParameterBlock b2, int n,
                                          int nOut) {
        List<Orbit> orbits = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            int[] coords = new int[nOut + 1];
            double[] vals = new double[nOut + 1];
            coords[0] = b.flatIndex()[j];
            vals[0] = 1.0;
            for (int e = 0; e < nOut; e++) {
                coords[e + 1] = b2.flatIndex()[e];
                vals[e + 1] = -theta[w2.index(j, e)];
            }
            Direction u = Direction.sparse(theta.length, coords, vals).normalised();
            orbits.add(new Orbit("bias:unit" + j, u, Path.straight(theta, u)));
        }
        return orbits;
    }

    private static double[] values(double[] theta, int[] idx) {
        double[] v = new double[idx.length];
        for (int k = 0; k < idx.length; k++) {
            v[k] = theta[idx[k]];
        }
        return v;
    }

    /**
     * A variant whose flat directions this detector does not enumerate: on the exact path the
     * generic gauge test accounts for them (with a warning); on the structural path nothing would,
     * so the read refuses rather than count them as live.
     */
    static void notEnumerated(DetectionContext context, LayerInfo layer, String why) {
        String message = "layer " + layer.name() + " (" + layer.typeName() + "): " + why
                + "; those flat directions are not enumerated by a structural detector";
        if (context.spectrum().isEmpty()) {
            throw new ReadInputException(message + ", and the model is above the fisher-null limit: raise fisherNullLimit");
        }
        LOG.debug("{}: the exact Fisher null space accounts for them", message);
    }
}
