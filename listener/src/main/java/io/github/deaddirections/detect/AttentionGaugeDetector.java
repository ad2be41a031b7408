package io.github.deaddirections.detect;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The attention gauge (METHOD 4) of DL4J's {@code SelfAttentionLayer} with projected input.
 *
 * <p>DL4J 1.0.0-M2.1 ({@code MultiHeadDotProductAttention}) holds {@code Wq, Wk, Wv} as
 * [nHeads, headSize, nIn] and {@code Wo} as [nHeads headSize, nOut], without biases. Head h reads
 * {@code q = Wq_h x, k = Wk_h x, v = Wv_h x} ({@code Wq_h} the [d, nIn] slice, d = headSize),
 * scores {@code q_a . k_b / sqrt(d)}, a softmax over the keys b, and the heads are concatenated
 * head-major, so rows {@code h d .. h d + d - 1} of {@code Wo} are head h's {@code Wo_h}
 * (checked against a hand-written forward in the acceptance tests).
 *
 * <p>Gauge count. Head h's scores depend on {@code Wq_h, Wk_h} only through {@code Wq_hᵀ Wk_h},
 * and its contribution to the output only through {@code Wo_hᵀ Wv_h}. For M in GL(d),
 * {@code (M Wq_h)ᵀ (M⁻ᵀ Wk_h) = Wq_hᵀ Wk_h} and {@code (M⁻ᵀ Wo_h)ᵀ (M Wv_h) = Wo_hᵀ Wv_h}: the two
 * actions (METHOD's {@code W_Q -> W_Q M, W_K -> W_K M⁻ᵀ} with the weights written [nIn, d]) leave
 * the network unchanged at every parameter point. Each is free when {@code Wq_h}, resp.
 * {@code Wv_h}, has rank d (possible when d <= nIn), so each orbit has dimension d²:
 * 2 d² flat directions per head, 2 nHeads d² per layer. When a head is rank-deficient its
 * tangents are dependent and the null-space ledger counts only the independent ones.
 *
 * <p>Orbits. The generators are the elementary matrices E_ab, and the group element is applied
 * exactly: {@code exp(s E_ab) = I + s E_ab} for a != b (a shear: row a of the first matrix gains
 * s times its row b, row b of the second loses s times its row a; a straight line, since
 * E_ab² = 0) and {@code I + (e^s - 1) E_aa} for a = b (row a scaled by e^s, its partner by e^-s).
 * The diagonal orbits are curved: straight along their tangent the bilinear form moves as
 * (1 - s²), a spurious order 2 (METHOD 3, the curved-gauge trap).
 *
 * <p>Not covered: {@code LearnedSelfAttentionLayer} (its learned queries Q add a redundancy with
 * {@code Wq} this detector does not enumerate; DL4J 1.0.0-M2.1 also fails to run it, in its
 * scatter_update op) and {@code RecurrentAttentionLayer}. They stay uncovered layers: the exact
 * path reads them generically, the structural path refuses them by name.
 */
public final class AttentionGaugeDetector implements Detector {

    public static final String MECHANISM = "attention-gauge";

    private static final Set<String> PROJECTIONS = Set.of("Wq", "Wk", "Wv", "Wo");

    @Override
    public String mechanism() {
        return MECHANISM;
    }

    @Override
    public boolean understands(LayerInfo layer) {
        return layer.conf().getClass() == SelfAttentionLayer.class;
    }

    @Override
    public List<Candidate> detect(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        List<Candidate> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            Map<String, ParameterBlock> blocks = snapshot.layout().blocksOf(layer.name());
            if (!understands(layer) || blocks.isEmpty()) {
                continue; // not self-attention, or without projections (no parameters to move)
            }
            ParameterBlock wq = checked(layer, blocks);
            ParameterBlock wk = blocks.get("Wk");
            ParameterBlock wv = blocks.get("Wv");
            ParameterBlock wo = blocks.get("Wo");
            int heads = (int) wq.dim(0);
            int d = (int) wq.dim(1);
            for (int h = 0; h < heads; h++) {
                add(out, snapshot, layer, "head" + h + ":query-key", headRows(wq, h), headRows(wk, h));
                add(out, snapshot, layer, "head" + h + ":value-output", headRows(wv, h), outputRows(wo, h, d));
            }
        }
        return out;
    }

    /** The parameters DL4J 1.0.0-M2.1 gives the layer, or a specific error: another layout would be read wrong. */
    private static ParameterBlock checked(LayerInfo layer, Map<String, ParameterBlock> blocks) {
        ParameterBlock wq = blocks.get("Wq");
        ParameterBlock wk = blocks.get("Wk");
        ParameterBlock wv = blocks.get("Wv");
        ParameterBlock wo = blocks.get("Wo");
        boolean ok = blocks.keySet().equals(PROJECTIONS) && wq.shape().length == 3
                && Arrays.equals(wq.shape(), wk.shape()) && wv.shape().length == 3
                && wv.dim(0) == wq.dim(0) && wv.dim(1) == wq.dim(1) && wo.shape().length == 2
                && wo.dim(0) == wq.dim(0) * wq.dim(1);
        if (!ok) {
            StringBuilder found = new StringBuilder();
            blocks.forEach((k, b) -> found.append(' ').append(k).append(Arrays.toString(b.shape())));
            throw new ReadInputException("attention layer " + layer.name() + " (" + layer.typeName() + ") has parameters"
                    + found + "; the attention gauge knows Wq, Wk, Wv [nHeads, headSize, nIn] and Wo [nHeads*headSize, nOut]"
                    + " (DL4J 1.0.0-M2.1) and would read another layout wrong");
        }
        return wq;
    }

    /** Rows of head h of a [nHeads, d, nIn] projection: rows[a] = the coordinates of row a of its [d, nIn] slice. */
    private static int[][] headRows(ParameterBlock w, int h) {
        int d = (int) w.dim(1);
        int n = (int) w.dim(2);
        int[][] rows = new int[d][n];
        for (int a = 0; a < d; a++) {
            for (int i = 0; i < n; i++) {
                rows[a][i] = w.index(h, a, i);
            }
        }
        return rows;
    }

    /** Rows h d .. h d + d - 1 of Wo [nHeads d, nOut]: head h's output projection. */
    private static int[][] outputRows(ParameterBlock wo, int h, int d) {
        int n = (int) wo.dim(1);
        int[][] rows = new int[d][n];
        for (int a = 0; a < d; a++) {
            for (int o = 0; o < n; o++) {
                rows[a][o] = wo.index(h * d + a, o);
            }
        }
        return rows;
    }

    /** One structure: GL(d) acting as (first, second) -> (M first, M⁻ᵀ second), one orbit per E_ab. */
    private static void add(List<Candidate> out, Snapshot snapshot, LayerInfo layer, String role, int[][] first,
                            int[][] second) {
        double[] theta = snapshot.parametersView();
        int d = first.length;
        List<Orbit> orbits = new ArrayList<>();
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                Orbit orbit = orbit(theta, first, second, a, b);
                if (orbit != null) {
                    orbits.add(orbit);
                }
            }
        }
        if (!orbits.isEmpty()) {
            out.add(GaugeCandidate.symmetry(MECHANISM + ":" + layer.name() + ":" + role, MECHANISM, List.of(layer.name()), orbits));
        }
    }

    /**
     * The orbit of exp(s E_ab), s = t / |g| so that it has speed 1 at t = 0. Its tangent g moves
     * row a of the first matrix by its row b and row b of the second by minus its row a; null
     * when both rows are zero (nothing moves).
     */
    static Orbit orbit(double[] theta, int[][] first, int[][] second, int a, int b) {
        int[] fa = first[a];
        int[] fb = first[b];
        int[] sa = second[a];
        int[] sb = second[b];
        int[] coords = Directions.concat(fa, sb);
        double[] values = new double[coords.length];
        for (int i = 0; i < fa.length; i++) {
            values[i] = theta[fb[i]];
        }
        for (int i = 0; i < sb.length; i++) {
            values[fa.length + i] = -theta[sa[i]];
        }
        Direction g = Direction.sparse(theta.length, coords, values);
        double norm = g.norm();
        if (!(norm > 0)) {
            return null;
        }
        Path path = a == b
                ? t -> {
                    double s = t / norm;
                    double[] x = theta.clone();
                    for (int i : fa) {
                        x[i] = theta[i] * Math.exp(s);
                    }
                    for (int i : sa) {
                        x[i] = theta[i] * Math.exp(-s);
                    }
                    return x;
                }
                : t -> {
                    double s = t / norm;
                    double[] x = theta.clone();
                    for (int i = 0; i < fa.length; i++) {
                        x[fa[i]] = theta[fa[i]] + s * theta[fb[i]];
                    }
                    for (int i = 0; i < sb.length; i++) {
                        x[sb[i]] = theta[sb[i]] - s * theta[sa[i]];
                    }
                    return x;
                };
        return new Orbit("orbit:E" + a + b, g.normalised(), path);
    }
}
