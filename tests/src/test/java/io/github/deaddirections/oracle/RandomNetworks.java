package io.github.deaddirections.oracle;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

import static io.github.deaddirections.oracle.OracleActivation.*;

/**
 * Random small dense networks with planted structure, each from one seed.
 *
 * <p>Architecture: 2-5 inputs, 1-3 hidden layers of width 2-8, each with an activation the read
 * supports, an MSE, softmax + MCXENT or sigmoid + XENT output. Live weights are Gaussian, scaled so
 * every pre-activation has about unit spread on the probe (saturated units would make the Fisher
 * ill-conditioned), biases N(0, 0.5^2). A unit of a piecewise activation is then stretched and
 * shifted so that 15-35% of the probe lies below its lowest branch point and 15-35% above its
 * highest ({@link #branchWindow}): a unit on one piece over the whole probe (inactive, linear,
 * one-signed) has flat directions of its own. These are choices of construction that keep the
 * oracle's spectra clean and the planted structure the only structure, not filters.
 *
 * <p>Planted: dead units (incoming, bias b0 and outgoing), only-outgoing-dead and
 * only-incoming-dead units, duplicate units (smooth, non-homogeneous activations), zero input
 * columns; several at once. Planted units keep at least two untouched units in their layer.
 * Layers adjacent to an identity layer get no structure (its affine gauge would mix in).
 *
 * <p>Shapes avoided by construction, because the parametrisation then has exact null directions of
 * its own that theory here does not count: a cube last hidden layer wider than 2 (the outputs are
 * cubics of its inputs, a space the weights can over-fill), an identity layer wider than its
 * neighbours or last (a reduced-rank product).
 */
final class RandomNetworks {

    static final List<OracleActivation> HIDDEN = List.of(TANH, SIGMOID, SOFTPLUS, HARDSIGMOID, HARDTANH, ELU, SELU, SOFTSIGN,
            GELU, SWISH, MISH, CUBE, RELU, RELU6, LEAKYRELU);
    static final Set<OracleActivation> RELU_FAMILY = EnumSet.of(RELU, RELU6, LEAKYRELU);
    /** Smooth and not homogeneous: the duplicate-unit law (a quartic through phi'') applies. */
    static final Set<OracleActivation> DUPLICABLE = EnumSet.of(TANH, SIGMOID, SOFTPLUS, GELU, SWISH, MISH);

    private RandomNetworks() {
    }

    static PlantedNetwork generate(long seed) {
        Random rnd = new Random(seed * 1_000_003L + 17);
        int inputs = 2 + rnd.nextInt(4);
        int hidden = 1 + rnd.nextInt(3);
        Mlp.Output output = Mlp.Output.values()[rnd.nextInt(3)];
        int classes = output == Mlp.Output.CATEGORICAL ? 2 + rnd.nextInt(3) : 1 + rnd.nextInt(3);

        // Zero input columns: at least two live ones stay.
        Set<Integer> zeroColumns = new HashSet<>();
        if (inputs >= 3 && rnd.nextDouble() < 0.3) {
            zeroColumns.add(rnd.nextInt(inputs));
            if (inputs >= 5 && rnd.nextDouble() < 0.3) {
                zeroColumns.add(rnd.nextInt(inputs));
            }
        }
        int liveInputs = inputs - zeroColumns.size();

        int[] width = new int[hidden];
        OracleActivation[] phi = new OracleActivation[hidden];
        for (int l = 0; l < hidden; l++) {
            width[l] = 2 + rnd.nextInt(7);
            phi[l] = HIDDEN.get(rnd.nextInt(HIDDEN.size()));
        }
        if (phi[hidden - 1] == CUBE) {
            width[hidden - 1] = 2;
        }
        for (int l = 0; l + 1 < hidden; l++) {
            int before = l == 0 ? liveInputs : width[l - 1];
            boolean nextToIdentity = l > 0 && phi[l - 1] == IDENTITY;
            if (!nextToIdentity && rnd.nextDouble() < 0.08 && Math.min(before, width[l + 1]) >= 2) {
                phi[l] = IDENTITY;
                width[l] = Math.min(width[l], Math.min(before, width[l + 1]));
            }
        }

        List<Mlp.Layer> layers = new ArrayList<>();
        for (int l = 0; l < hidden; l++) {
            layers.add(new Mlp.Layer(l == 0 ? inputs : width[l - 1], width[l], true, phi[l]));
        }
        layers.add(new Mlp.Layer(width[hidden - 1], classes, true, IDENTITY));
        Mlp mlp = new Mlp(layers, output);

        // The plan of planted units, before any weight is drawn.
        List<Planted> plan = new ArrayList<>();
        for (int j : zeroColumns) {
            plan.add(new Planted(Planted.Kind.ZERO_INPUT, -1, j, -1, 0, width[0], 0, 1, false, "input-data null"));
        }
        int attempts = rnd.nextInt(4);
        Set<String> used = new HashSet<>();
        for (int t = 0; t < attempts; t++) {
            int l = rnd.nextInt(hidden);
            if (phi[l] == IDENTITY || (l > 0 && phi[l - 1] == IDENTITY) || (l + 1 < hidden && phi[l + 1] == IDENTITY)) {
                continue;
            }
            long taken = used.stream().filter(s -> s.startsWith(l + ":")).count();
            double u = rnd.nextDouble();
            Planted.Kind kind = u < 0.45 ? Planted.Kind.DEAD : u < 0.62 ? Planted.Kind.OUTGOING_DEAD
                    : u < 0.8 ? Planted.Kind.INCOMING_DEAD : Planted.Kind.DUPLICATE;
            int needed = kind == Planted.Kind.DUPLICATE ? 2 : 1;
            if (width[l] - taken - needed < 2 || (kind == Planted.Kind.DUPLICATE && !DUPLICABLE.contains(phi[l]))) {
                continue;
            }
            int unit = free(rnd, width[l], l, used);
            int other = needed == 2 ? free(rnd, width[l], l, used) : -1;
            double b0 = kind == Planted.Kind.DEAD ? deadBias(rnd, phi[l])
                    : kind == Planted.Kind.INCOMING_DEAD ? constantBias(rnd, phi[l]) : 0;
            int fanIn = l == 0 ? liveInputs : width[l - 1];
            int consumer = l + 1 < hidden ? width[l + 1] : classes;
            int outgoing = (l + 1 == hidden && output == Mlp.Output.CATEGORICAL) ? classes - 1 : consumer;
            plan.add(theory(kind, l, unit, other, b0, phi[l], fanIn, outgoing));
        }

        double[][] x = probe(seed, inputs, zeroColumns);
        double[] theta = new double[mlp.parameterCount()];
        for (int l = 0; l <= hidden; l++) {
            drawLayer(rnd, mlp, theta, x, l, plan);
        }
        return assemble(seed, mlp, theta, x, plan, width, phi, output, liveInputs, zeroColumns.size());
    }

    private static int free(Random rnd, int width, int layer, Set<String> used) {
        while (true) {
            int u = rnd.nextInt(width);
            if (used.add(layer + ":" + u)) {
                return u;
            }
        }
    }

    /** A dead unit's bias: 0 half the time, else a value inside one analytic piece of phi. */
    private static double deadBias(Random rnd, OracleActivation phi) {
        if (rnd.nextBoolean()) {
            return 0.0;
        }
        double sign = rnd.nextBoolean() ? 1 : -1;
        return switch (phi) {
            case HARDSIGMOID -> sign * 1.0;
            default -> sign * round(0.3 + 0.5 * rnd.nextDouble());
        };
    }

    /** A constant unit's bias: where phi' != 0, away from every kink (ReLU family: positive). */
    private static double constantBias(Random rnd, OracleActivation phi) {
        double v = round(0.3 + 0.5 * rnd.nextDouble());
        if (RELU_FAMILY.contains(phi)) {
            return v;
        }
        return (rnd.nextBoolean() ? 1 : -1) * (phi == HARDSIGMOID ? 2 * v : v);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    /**
     * What theory says about one planted structure, in terms of the unit's live fan-in d and its
     * outgoing dimension n' (after the logit shift). The gauges are the directions that stay exactly
     * null at generic points moved along the null space (see {@link Oracle}).
     */
    static Planted theory(Planted.Kind kind, int layer, int unit, int other, double b0, OracleActivation phi, int d, int n) {
        return switch (kind) {
            case OUTGOING_DEAD -> new Planted(kind, layer, unit, other, b0, d + 1, 0, 1, false,
                    "flat locus: incoming weights and bias");
            case INCOMING_DEAD -> new Planted(kind, layer, unit, other, b0, n + 1, 0, 1, false,
                    "flat locus: outgoing weights and bias, the consumer bias taking up the constant");
            case DUPLICATE -> n == 1
                    ? new Planted(kind, layer, unit, other, b0, 0, (d + 1) / 4.0, 1, true, "(d+1)/4, d = " + d)
                    : new Planted(kind, layer, unit, other, b0, n, 0, 1, false,
                    "outgoing vectors not parallel (n' = " + n + "): the incoming difference is live, the outgoing difference a flat locus");
            case DEAD -> dead(layer, unit, b0, phi, d, n);
            case ZERO_INPUT -> throw new IllegalArgumentException();
        };
    }

    private static Planted dead(int layer, int unit, double b0, OracleActivation phi, int d, int n) {
        Planted.Kind kind = Planted.Kind.DEAD;
        boolean inactive = (phi == RELU || phi == RELU6) && b0 < 0;
        if (inactive) {
            return new Planted(kind, layer, unit, -1, b0, d + 1 + n, Double.NaN, 1, false,
                    "inactive on an open set: all its parameters flat; no lambda claim for dead ReLU units");
        }
        int gauge = shiftIsSymmetry(phi, b0) ? 1 : 0;
        String why = gauge == 1 ? "b0 on a piece where shifting b is an exact symmetry: +1 gauge; " : "";
        if (phi == RELU || phi == RELU6) {
            return new Planted(kind, layer, unit, -1, b0, gauge, Double.NaN, 1, true, why + "no lambda claim for dead ReLU units");
        }
        int p = phi == CUBE && b0 == 0 ? 3 : 1;
        double lambda = NodeDeathLaw.lambda(p, n, d, true);
        int m = NodeDeathLaw.multiplicity(p, n, d, true);
        return new Planted(kind, layer, unit, -1, b0, gauge, lambda, m, true,
                why + (p == 1 ? "min(n', d)/2" : "min(n'/2, (d+1)/6)") + ", n' = " + n + ", d = " + d);
    }

    /**
     * Whether, around b0, a shift of the dead unit's bias is undone exactly by the other parameters
     * (with its weights small, every probe sample stays on b0's piece): phi affine there (the
     * piecewise-linear ones inside a piece, ELU/SELU above 0), exponential (ELU/SELU below 0:
     * a e^(b + wx)), Moebius (softsign of one sign: a/(1 + b + wx) rescales), homogeneous (cube,
     * b0 != 0: the rescaling orbit's tangent is the bias axis). Then the bias axis is a gauge.
     */
    static boolean shiftIsSymmetry(OracleActivation phi, double b0) {
        return switch (phi) {
            case HARDTANH, HARDSIGMOID -> true;
            case CUBE, LEAKYRELU, RELU, RELU6, ELU, SELU, SOFTSIGN -> b0 != 0;
            default -> false;
        };
    }

    /** Layer l's weights and biases, then the planted zeros and copies of that layer. */
    private static void drawLayer(Random rnd, Mlp mlp, double[] theta, double[][] x, int l, List<Planted> plan) {
        Mlp.Layer layer = mlp.layers.get(l);
        boolean last = l == mlp.layers.size() - 1;
        double[][] in = mlp.forward(theta, x).a()[l];
        double[] unitBias = new double[layer.nOut()];
        // One scale for the whole layer, from the total variance of its inputs (a per-column scale
        // would blow up the weights of a nearly constant input).
        double variance = 0;
        for (int i = 0; i < layer.nIn(); i++) {
            double mean = 0;
            for (double[] row : in) {
                mean += row[i];
            }
            mean /= in.length;
            for (double[] row : in) {
                variance += (row[i] - mean) * (row[i] - mean) / in.length;
            }
        }
        double scale = 1.0 / Math.sqrt(Math.max(variance, 1e-12));
        for (int i = 0; i < layer.nIn(); i++) {
            for (int j = 0; j < layer.nOut(); j++) {
                theta[mlp.weightIndex(l, i, j)] = rnd.nextGaussian() * scale;
            }
        }
        // The zero rows first: the units below that feed nothing into this layer.
        for (Planted p : plan) {
            if (p.layer() == l - 1 && (p.kind() == Planted.Kind.DEAD || p.kind() == Planted.Kind.OUTGOING_DEAD)) {
                for (int j = 0; j < layer.nOut(); j++) {
                    theta[mlp.weightIndex(l, p.unit(), j)] = 0;
                }
            }
        }
        double[] window = last ? null : branchWindow(layer.activation());
        if (window != null) {
            // Stretch each unit so the probe meets every piece of its activation.
            for (int j = 0; j < layer.nOut(); j++) {
                double[] z = new double[in.length];
                for (int s = 0; s < in.length; s++) {
                    for (int i = 0; i < layer.nIn(); i++) {
                        z[s] += in[s][i] * theta[mlp.weightIndex(l, i, j)];
                    }
                }
                Arrays.sort(z);
                double lowQ = z[(int) ((0.15 + 0.2 * rnd.nextDouble()) * (z.length - 1))];
                double highQ = z[(int) ((0.65 + 0.2 * rnd.nextDouble()) * (z.length - 1))];
                double margin = 0.3 + 0.7 * rnd.nextDouble();
                double alpha = (window[1] - window[0] + 2 * margin) / Math.max(highQ - lowQ, 1e-12);
                for (int i = 0; i < layer.nIn(); i++) {
                    theta[mlp.weightIndex(l, i, j)] *= alpha;
                }
                // Bias so that the low quantile sits at window[0] - margin (stored in unitBias).
                unitBias[j] = window[0] - margin - alpha * lowQ;
            }
        }
        for (Planted p : plan) {
            if (p.layer() == l && (p.kind() == Planted.Kind.DEAD || p.kind() == Planted.Kind.INCOMING_DEAD)) {
                for (int i = 0; i < layer.nIn(); i++) {
                    theta[mlp.weightIndex(l, i, p.unit())] = 0;
                }
            }
            if (p.layer() == l && p.kind() == Planted.Kind.DUPLICATE) {
                for (int i = 0; i < layer.nIn(); i++) {
                    theta[mlp.weightIndex(l, i, p.other())] = theta[mlp.weightIndex(l, i, p.unit())];
                }
            }
        }
        for (int j = 0; j < layer.nOut(); j++) {
            theta[mlp.biasIndex(l, j)] = window != null ? unitBias[j] : rnd.nextGaussian() * 0.5;
        }
        for (Planted p : plan) {
            if (p.layer() == l && (p.kind() == Planted.Kind.DEAD || p.kind() == Planted.Kind.INCOMING_DEAD)) {
                theta[mlp.biasIndex(l, p.unit())] = p.bias();
            }
            if (p.layer() == l && p.kind() == Planted.Kind.DUPLICATE) {
                theta[mlp.biasIndex(l, p.other())] = theta[mlp.biasIndex(l, p.unit())];
            }
        }
    }

    /**
     * The interval holding every branch point of a piecewise activation (a kink, or a change of
     * analytic form), or null for an analytic one. A unit that stays on one piece over the whole
     * probe has flat directions of its own there (a linear unit, a one-signed softsign unit, a
     * ReLU6 unit that never reaches 6 is a homogeneous ReLU), which is not what is planted.
     */
    static double[] branchWindow(OracleActivation phi) {
        return switch (phi) {
            case RELU, LEAKYRELU, ELU, SELU, SOFTSIGN -> new double[]{0, 0};
            case HARDTANH -> new double[]{-1, 1};
            case HARDSIGMOID -> new double[]{-2.5, 2.5};
            case RELU6 -> new double[]{0, 6};
            default -> null;
        };
    }

    private static double[][] probe(long seed, int inputs, Set<Integer> zeroColumns) {
        Random rnd = new Random(seed * 31 + 5);
        double[][] x = new double[256][inputs];
        for (double[] row : x) {
            for (int i = 0; i < inputs; i++) {
                row[i] = zeroColumns.contains(i) ? 0.0 : rnd.nextGaussian();
            }
        }
        return x;
    }

    private static PlantedNetwork assemble(long seed, Mlp mlp, double[] theta, double[][] x, List<Planted> plan, int[] width,
                                           OracleActivation[] phi, Mlp.Output output, int liveInputs, int zeroColumns) {
        int hidden = width.length;
        // Gauges that do not come from a planted structure.
        int gauge = 0;
        List<String> notes = new ArrayList<>();
        if (output == Mlp.Output.CATEGORICAL) {
            gauge += width[hidden - 1] + 1;
            notes.add("logit shift " + (width[hidden - 1] + 1));
        }
        for (int l = 0; l < hidden; l++) {
            int layer = l;
            if (RELU_FAMILY.contains(phi[l]) && phi[l] != RELU6 || phi[l] == CUBE) {
                long planted = plan.stream().filter(p -> p.layer() == layer && p.kind() != Planted.Kind.DUPLICATE).count();
                gauge += (int) (width[l] - planted);
                notes.add("rescaling of " + (width[l] - planted) + " live " + phi[l] + " units in layer " + l);
            }
            if (phi[l] == IDENTITY) {
                gauge += width[l] * width[l] + width[l];
                notes.add("affine gauge H^2 + H of identity layer " + l);
            }
        }
        String noGauge = null;
        String noLambda = null;
        List<Planted> units = plan.stream().filter(p -> p.kind() != Planted.Kind.ZERO_INPUT).toList();
        for (Planted a : units) {
            for (Planted b : units) {
                if (b.layer() == a.layer() + 1) {
                    noGauge = "structures in adjacent layers " + a.layer() + " and " + b.layer() + " share weights";
                }
                if (a != b && a.layer() == b.layer() && (a.genuine() || a.kind() == Planted.Kind.DEAD || a.kind() == Planted.Kind.DUPLICATE)) {
                    // A dead unit's first-order feature a phi'(b0) x can merge with another planted unit's
                    // (a constant unit's live incoming weights, a second dead unit): the pair is a product
                    // block, not two separate structures.
                    noGauge = "a " + a.kind() + " unit shares layer " + a.layer() + " with another planted unit";
                }
                if (a != b && a.layer() == b.layer() && a.genuine() && b.genuine() && noLambda == null) {
                    noLambda = "two genuine blocks in layer " + a.layer() + " (crossings in one layer do not add)";
                }
            }
            if (!a.hasLambdaClaim() && noLambda == null) {
                noLambda = "no law for " + a.kind() + " " + phi[a.layer()] + " units";
            }
        }
        if (noGauge != null && noLambda == null) {
            noLambda = noGauge;
        }
        MultiLayerNetwork net = dl4j(seed, mlp, theta, phi, output);
        INDArray probe = Nd4j.createFromArray(x).castTo(DataType.DOUBLE);
        return new PlantedNetwork(seed, net, probe, mlp, theta, x, plan, gauge, notes.isEmpty() ? "none" : String.join(", ", notes),
                noGauge, noLambda);
    }

    /** The DL4J network with exactly theta. */
    private static MultiLayerNetwork dl4j(long seed, Mlp mlp, double[] theta, OracleActivation[] phi, Mlp.Output output) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.DOUBLE).list();
        for (int l = 0; l < phi.length; l++) {
            Mlp.Layer layer = mlp.layers.get(l);
            b.layer(new DenseLayer.Builder().nIn(layer.nIn()).nOut(layer.nOut()).activation(phi[l].dl4j()).build());
        }
        Mlp.Layer last = mlp.layers.get(phi.length);
        b.layer(switch (output) {
            case GAUSSIAN -> new OutputLayer.Builder(LossFunction.MSE).nIn(last.nIn()).nOut(last.nOut()).activation(Activation.IDENTITY).build();
            case CATEGORICAL -> new OutputLayer.Builder(LossFunction.MCXENT).nIn(last.nIn()).nOut(last.nOut()).activation(Activation.SOFTMAX).build();
            case BERNOULLI -> new OutputLayer.Builder(LossFunction.XENT).nIn(last.nIn()).nOut(last.nOut()).activation(Activation.SIGMOID).build();
        });
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        for (int l = 0; l < mlp.layers.size(); l++) {
            Mlp.Layer layer = mlp.layers.get(l);
            INDArray w = net.getLayer(l).getParam("W");
            INDArray bias = net.getLayer(l).getParam("b");
            for (int i = 0; i < layer.nIn(); i++) {
                for (int j = 0; j < layer.nOut(); j++) {
                    w.putScalar(i, j, theta[mlp.weightIndex(l, i, j)]);
                }
            }
            for (int j = 0; j < layer.nOut(); j++) {
                bias.putScalar(j, theta[mlp.biasIndex(l, j)]);
            }
        }
        return net;
    }

    static String summary(PlantedNetwork p) {
        return String.format(Locale.ROOT, "seed %d: P=%d, %d structures", p.seed(), p.theta().length, p.structures().size());
    }
}
