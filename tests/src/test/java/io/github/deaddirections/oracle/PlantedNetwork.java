package io.github.deaddirections.oracle;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Locale;

/**
 * A random network with planted structure: the DL4J network (float64), its probe, the oracle's own
 * copy (architecture, theta, probe rows), the planted structures and theory's prediction.
 */
record PlantedNetwork(long seed, MultiLayerNetwork net, INDArray probe, Mlp mlp, double[] theta, double[][] x,
                      List<Planted> structures, int baselineGauge, String baselineNote, String whyNoGaugeClaim,
                      String whyNoLambdaClaim) {

    /**
     * What theory predicts: the gauge dimension (null when the structures touch each other and theory
     * does not add them up), and the excess sum(lambda_B) and m when the planted blocks are disjoint
     * (lambda = rank/2 + excess; null when there is no claim).
     */
    record Prediction(Integer gauge, Double lambdaExcess, Integer multiplicity) {
    }

    Prediction prediction() {
        Integer gauge = whyNoGaugeClaim == null
                ? baselineGauge + structures.stream().mapToInt(Planted::gauge).sum() : null;
        if (whyNoLambdaClaim != null) {
            return new Prediction(gauge, null, null);
        }
        double excess = structures.stream().mapToDouble(Planted::lambda).sum();
        int m = 1 + structures.stream().mapToInt(s -> s.m() - 1).sum();
        return new Prediction(gauge, excess, m);
    }

    /** A Java-ish recipe of the network, enough to turn a failure into a cell. */
    String description() {
        StringBuilder sb = new StringBuilder();
        sb.append("RandomNetworks.generate(").append(seed).append("L):\n");
        sb.append(String.format(Locale.ROOT, "  probe: %d x %d N(0,1) rows%n", x.length, x[0].length));
        for (int l = 0; l < mlp.layers.size(); l++) {
            Mlp.Layer layer = mlp.layers.get(l);
            boolean out = l == mlp.layers.size() - 1;
            sb.append(String.format(Locale.ROOT, "  .layer(new %s.Builder(%s).nIn(%d).nOut(%d).activation(%s).build())%n",
                    out ? "OutputLayer" : "DenseLayer", out ? lossOf(mlp.output) : "", layer.nIn(), layer.nOut(),
                    out ? activationOf(mlp.output) : layer.activation().dl4j()));
        }
        for (Planted p : structures) {
            sb.append("  ").append(p.recipe()).append('\n');
        }
        sb.append("  baseline gauges: ").append(baselineNote).append('\n');
        Prediction pr = prediction();
        sb.append(String.format(Locale.ROOT, "  theory: gauge %s, lambda excess %s, m %s%s%s%n", pr.gauge() == null ? "-" : pr.gauge(),
                pr.lambdaExcess() == null ? "-" : pr.lambdaExcess(), pr.multiplicity() == null ? "-" : pr.multiplicity(),
                whyNoGaugeClaim == null ? "" : "; no gauge claim: " + whyNoGaugeClaim,
                whyNoLambdaClaim == null ? "" : "; no lambda claim: " + whyNoLambdaClaim));
        sb.append("  theta (oracle order, per layer W row-major then b):\n");
        for (int l = 0; l < mlp.layers.size(); l++) {
            int from = mlp.offset(l);
            int to = from + mlp.layers.get(l).parameters();
            sb.append("    layer ").append(l).append(": ");
            for (int i = from; i < to; i++) {
                sb.append(String.format(Locale.ROOT, "%.4g", theta[i])).append(i + 1 < to ? ", " : "\n");
            }
        }
        return sb.toString();
    }

    private static String lossOf(Mlp.Output o) {
        return switch (o) {
            case GAUSSIAN -> "LossFunction.MSE";
            case CATEGORICAL -> "LossFunction.MCXENT";
            case BERNOULLI -> "LossFunction.XENT";
        };
    }

    private static String activationOf(Mlp.Output o) {
        return switch (o) {
            case GAUSSIAN -> "IDENTITY";
            case CATEGORICAL -> "SOFTMAX";
            case BERNOULLI -> "SIGMOID";
        };
    }
}
