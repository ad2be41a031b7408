package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.BranchPoints;
import io.github.deaddirections.snapshot.ForwardModel;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The units of one dense layer that are affine on the whole probe, when some of them are constant:
 * every sample's pre-activation on one affine piece of the activation, {@code phi(z) = s z + c}
 * with s != 0 (ReLU-family ramps, ELU/SELU above 0, hard tanh and hard sigmoid inside, ReLU6's
 * ramp), and at least one unit with zero incoming weights (a dead unit inside a piece, or an
 * incoming-dead unit with live outgoing weights). Near theta-hat the group adds {@code A~ W x} to
 * its consumers beyond constants the consumer biases take up: a linear bottleneck M -> H -> N at
 * (A~0, W0), with A~ = [a_j s_j].
 *
 * <p>Its local structure (docs/METHOD.md, "Linear groups"): with r_A = rank A~0, r_W = rank W0 and
 * r = rank A~0 W0, the bilinear map splits, in bases adapted to ker A~0 and range W0, into regular
 * coordinates, flat gauges (the rest of the kernel of its differential) and one excess block: a
 * rank-0 reduced-rank problem (M - r_W) -> h -> (N - r_A), h = H - r_A - r_W + r, on the outgoing
 * directions from range(A~0)-perp along H4* = R-perp minus its part in (K-perp) and the incoming
 * directions along H4 = K minus its part in R (K = ker A~0, R = range W0) into rowspace(W0)-perp.
 * {@code lambda_B = AW(M - r_W, h, N - r_A, 0)}. At W0 = 0 it is the incoming-dead case
 * AW(M, H - rho, N - rho, 0); at a generic point of a rank-r fibre the usual excess
 * AW(M - r, H - r, N - r, 0). Groups of dead units alone (r_A = r_W = 0) are left to the per-unit
 * node deaths.
 *
 * <p>Into a softmax output the uniform consumer direction is the logit shift, a gauge of its own:
 * the consumer space is the complement of the all-ones vector (N counts one less). Inputs constant
 * on the probe ({@link ConstantInputs}) are the bias again and no input of the bottleneck.
 *
 * @param consumers     positions k of the units' outgoing weights kept (consumers that pass something on)
 * @param consumerBasis orthonormal basis (kept consumers x N) of the consumer directions that count
 * @param inputIndices  the input indices of the bottleneck (the non-constant ones)
 * @param outgoing      A~0 in the consumer basis (N x H)
 * @param incoming      W0 on the kept inputs (H x M)
 */
record LinearGroup(LayerInfo layer, List<Unit> units, double[] slopes, double[] values, int[] consumers,
                   int[][] absorbing, DMatrixRMaj consumerBasis, int[] inputIndices, DMatrixRMaj outgoing,
                   DMatrixRMaj incoming) {

    /** Residual of phi from its tangent line, relative, below which a piece is affine (exact pieces reach ~1e-16). */
    static final double AFFINE_TOLERANCE = 1e-12;
    /** Relative singular value below which a rank is cut. */
    private static final double RANK_TOLERANCE = 1e-9;
    /** Coordinates of the bilinear map above which the group is not decomposed (its SVD would be the cost). */
    static final int MAX_COORDINATES = 3000;

    /** Every group, per plain dense hidden layer. */
    static List<LinearGroup> all(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        double[] theta = snapshot.parametersView();
        List<LinearGroup> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            Optional<IActivation> phi = layer.activation();
            Optional<ParameterBlock> wBlock = Layers.weights(snapshot, layer);
            INDArray input = context.layerInputs().get(layer.name());
            if (phi.isEmpty() || layer.isOutput() || Layers.isIdentity(layer) || !Layers.isPlainDense(layer)
                    || wBlock.isEmpty() || input == null || input.rank() != 2) {
                continue;
            }
            double[][] x = ForwardModel.rows(input);
            List<Unit> members = new ArrayList<>();
            List<Double> slopes = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            List<int[]> absorbing = new ArrayList<>();
            boolean constantMember = false;
            for (Unit unit : Unit.of(snapshot, layer)) {
                double scale = Math.max(snapshot.layerRms(List.of(layer.name())), snapshot.layerRms(List.of(unit.consumer().name())));
                boolean constant = context.allZero(unit.weights(), scale);
                double b = unit.bias() < 0 ? 0.0 : theta[unit.bias()];
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (double[] row : x) {
                    double z = b;
                    for (int i = 0; i < row.length; i++) {
                        z += row[i] * theta[unit.weights()[i]];
                    }
                    lo = Math.min(lo, z);
                    hi = Math.max(hi, z);
                }
                OptionalDouble s = affineOn(phi.get(), constant ? b : lo, constant ? b : hi);
                Optional<int[]> absorbs = DeadUnit.absorbingBiases(snapshot, layer, unit);
                if (s.isEmpty() || absorbs.isEmpty()) {
                    continue;
                }
                constantMember |= constant;
                members.add(unit);
                slopes.add(s.getAsDouble());
                // The constant the unit adds beyond s w x: phi's affine extension s b + c, c read off the piece.
                double mid = 0.5 * (lo + hi);
                double c = evaluate(phi.get(), new double[]{constant ? b : mid})[0] - s.getAsDouble() * (constant ? b : mid);
                values.add(s.getAsDouble() * b + c);
                absorbing.add(absorbs.get());
            }
            if (members.size() < 2 || !constantMember) {
                continue;
            }
            LayerInfo consumer = members.get(0).consumer();
            java.util.Set<Integer> silent = DeadUnit.silentUnits(context, consumer);
            int[] feeds = members.get(0).feeds();
            List<Integer> kept = new ArrayList<>();
            for (int k = 0; k < feeds.length; k++) {
                if (!silent.contains(feeds[k])) {
                    kept.add(k);
                }
            }
            // Constant inputs are no inputs of the bottleneck: read ones are the bias again, unread
            // ones come from a dead unit whose crossing owns those weights.
            boolean[] constantInput = ConstantInputs.of(context, layer);
            List<Integer> in = new ArrayList<>();
            for (int i = 0; i < members.get(0).weights().length; i++) {
                if (i >= constantInput.length || !constantInput[i]) {
                    in.add(i);
                }
            }
            int h = members.size();
            DMatrixRMaj full = new DMatrixRMaj(kept.size(), h);
            DMatrixRMaj w = new DMatrixRMaj(h, in.size());
            for (int j = 0; j < h; j++) {
                for (int r = 0; r < kept.size(); r++) {
                    full.set(r, j, theta[members.get(j).outgoing()[kept.get(r)]] * slopes.get(j));
                }
                for (int i = 0; i < in.size(); i++) {
                    w.set(j, i, theta[members.get(j).weights()[in.get(i)]]);
                }
            }
            boolean softmax = consumer.isOutput() && consumer.activation().orElse(null)
                    instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax;
            DMatrixRMaj q = softmax ? complementOfOnes(kept.size()) : CommonOps_DDRM.identity(kept.size());
            DMatrixRMaj a = new DMatrixRMaj(q.numCols, h);
            CommonOps_DDRM.multTransA(q, full, a);
            LinearGroup g = new LinearGroup(layer, members, slopes.stream().mapToDouble(Double::doubleValue).toArray(),
                    values.stream().mapToDouble(Double::doubleValue).toArray(), kept.stream().mapToInt(Integer::intValue).toArray(),
                    absorbing.toArray(new int[0][]), q, in.stream().mapToInt(Integer::intValue).toArray(), a, w);
            if (g.outputs() == 0 || g.coordinates() > MAX_COORDINATES || (g.rankA() == 0 && g.rankW() == 0)) {
                continue; // nothing to decompose, too large, or dead units only (node deaths)
            }
            out.add(g);
        }
        return out;
    }

    int hidden() {
        return units.size();
    }

    /** M, the inputs of the bottleneck. */
    int inputs() {
        return incoming.numCols;
    }

    /** N, the consumer directions that count. */
    int outputs() {
        return outgoing.numRows;
    }

    /** Coordinates of the bilinear map: N H outgoing, H M incoming. */
    int coordinates() {
        return outputs() * hidden() + hidden() * inputs();
    }

    int rankA() {
        return rank(outgoing);
    }

    int rankW() {
        return rank(incoming);
    }

    int rankProduct() {
        DMatrixRMaj p = new DMatrixRMaj(outputs(), inputs());
        CommonOps_DDRM.mult(outgoing, incoming, p);
        return rank(p);
    }

    /** h = H - r_A - r_W + r, the hidden width of the excess block. */
    int excessHidden() {
        return hidden() - rankA() - rankW() + rankProduct();
    }

    /**
     * The excess block in the map's coordinates (dA~ in the consumer basis, row-major N x H, then dW
     * row-major H x M): outgoing u v' with u in range(A~0)-perp, v in H4*; incoming v e' with v in H4,
     * e in rowspace(W0)-perp.
     */
    List<double[]> excess() {
        int n = outputs();
        int h = hidden();
        int m = inputs();
        DMatrixRMaj[] a = svd(outgoing);
        DMatrixRMaj[] w = svd(incoming);
        int ra = rankA();
        int rw = rankW();
        if (n - ra == 0 || m - rw == 0 || excessHidden() == 0) {
            return List.of(); // an empty side: AW is 0 and the would-be block directions are flat gauges
        }
        DMatrixRMaj rangeAPerp = columns(a[0], ra, n);        // N x (N - r_A)
        DMatrixRMaj kerA = columns(a[1], ra, h);              // H x (H - r_A)
        DMatrixRMaj rowA = columns(a[1], 0, ra);              // H x r_A  (K-perp)
        DMatrixRMaj rangeW = columns(w[0], 0, rw);            // H x r_W  (R)
        DMatrixRMaj rangeWPerp = columns(w[0], rw, h);        // H x (H - r_W)
        DMatrixRMaj rowWPerp = columns(w[1], rw, m);          // M x (M - r_W)
        DMatrixRMaj h4 = outside(kerA, rangeW);
        DMatrixRMaj h4Star = outside(rangeWPerp, rowA);
        List<double[]> out = new ArrayList<>();
        for (int c = 0; c < rangeAPerp.numCols; c++) {
            for (int d = 0; d < h4Star.numCols; d++) {
                double[] v = new double[coordinates()];
                for (int r = 0; r < n; r++) {
                    for (int j = 0; j < h; j++) {
                        v[r * h + j] = rangeAPerp.get(r, c) * h4Star.get(j, d);
                    }
                }
                out.add(v);
            }
        }
        for (int d = 0; d < h4.numCols; d++) {
            for (int c = 0; c < rowWPerp.numCols; c++) {
                double[] v = new double[coordinates()];
                for (int j = 0; j < h; j++) {
                    for (int i = 0; i < m; i++) {
                        v[n * h + j * m + i] = h4.get(j, d) * rowWPerp.get(i, c);
                    }
                }
                out.add(v);
            }
        }
        return out;
    }

    /** An orthonormal basis of the kernel of the map's differential dA~ W0 + A~0 dW, in its coordinates. */
    List<double[]> kernel() {
        int n = outputs();
        int h = hidden();
        int m = inputs();
        DMatrixRMaj d = new DMatrixRMaj(n * m, coordinates());
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < m; i++) {
                int row = r * m + i;
                for (int j = 0; j < h; j++) {
                    d.add(row, r * h + j, incoming.get(j, i));            // dA~_rj W0_ji
                    d.add(row, n * h + j * m + i, outgoing.get(r, j));    // A~0_rj dW_ji
                }
            }
        }
        DMatrixRMaj[] s = svd(d);
        int rank = rank(d);
        List<double[]> out = new ArrayList<>();
        for (int c = rank; c < s[1].numCols; c++) {
            double[] v = new double[coordinates()];
            for (int k = 0; k < v.length; k++) {
                v[k] = s[1].get(k, c);
            }
            out.add(v);
        }
        return out;
    }

    /**
     * A vector of the map's coordinates as a parameter direction: dA = Q dA~ S^-1 on the outgoing
     * weights, the consumer biases taking up the constant it adds (dc_k = -sum_j dA_kj c_j), dW on
     * the incoming weights of the kept inputs.
     */
    Direction direction(int parameters, double[] v) {
        int n = outputs();
        int h = hidden();
        int m = inputs();
        java.util.TreeMap<Integer, Double> entries = new java.util.TreeMap<>();
        for (int row = 0; row < consumers.length; row++) {
            double constant = 0;
            for (int j = 0; j < h; j++) {
                double d = 0;
                for (int r = 0; r < n; r++) {
                    d += consumerBasis.get(row, r) * v[r * h + j];
                }
                d /= slopes[j];
                if (d != 0) {
                    entries.merge(units.get(j).outgoing()[consumers[row]], d, Double::sum);
                    constant += d * values[j];
                }
            }
            if (constant != 0) {
                entries.merge(absorbing[0][consumers[row]], -constant, Double::sum);
            }
        }
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < m; i++) {
                double d = v[n * h + j * m + i];
                if (d != 0) {
                    entries.merge(units.get(j).weights()[inputIndices[i]], d, Double::sum);
                }
            }
        }
        return sparse(parameters, entries);
    }

    /** Unit j's bias with the consumer biases taking up the change of its output: dc_k = -a_jk s_j db. */
    Direction bias(int parameters, int j, double[] theta) {
        java.util.TreeMap<Integer, Double> entries = new java.util.TreeMap<>();
        Unit unit = units.get(j);
        entries.put(unit.bias(), 1.0);
        for (int k = 0; k < unit.outgoing().length; k++) {
            double a = theta[unit.outgoing()[k]];
            if (a != 0) {
                entries.merge(absorbing[j][k], -a * slopes[j], Double::sum);
            }
        }
        return sparse(parameters, entries);
    }

    /** The part of span(basis) (orthonormal columns) outside span(other): principal vectors at angles above 0. */
    private static DMatrixRMaj outside(DMatrixRMaj basis, DMatrixRMaj other) {
        if (basis.numCols == 0 || other.numCols == 0) {
            return basis;
        }
        DMatrixRMaj cos = new DMatrixRMaj(basis.numCols, other.numCols);
        CommonOps_DDRM.multTransA(basis, other, cos);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(cos.numRows, cos.numCols, true, false, false);
        if (!svd.decompose(cos.copy())) {
            throw new IllegalStateException("principal angles of a linear group did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj s = svd.getW(null);
        SingularOps_DDRM.descendingOrder(u, false, s, null, false);
        int shared = 0;
        for (int i = 0; i < Math.min(s.numRows, s.numCols); i++) {
            if (s.get(i, i) > 1 - 1e-9) {
                shared++;
            }
        }
        DMatrixRMaj rotated = new DMatrixRMaj(basis.numRows, basis.numCols);
        CommonOps_DDRM.mult(basis, u, rotated);
        return columns(rotated, shared, basis.numCols);
    }

    private static DMatrixRMaj columns(DMatrixRMaj x, int from, int to) {
        DMatrixRMaj out = new DMatrixRMaj(x.numRows, Math.max(0, to - from));
        for (int c = from; c < to; c++) {
            for (int r = 0; r < x.numRows; r++) {
                out.set(r, c - from, x.get(r, c));
            }
        }
        return out;
    }

    /** U (rows x rows) and V (cols x cols), by descending singular value. */
    private static DMatrixRMaj[] svd(DMatrixRMaj x) {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(x.numRows, x.numCols, true, true, false);
        if (!svd.decompose(x.copy())) {
            throw new IllegalStateException("the SVD of a linear group's " + x.numRows + " x " + x.numCols + " matrix did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, false);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        return new DMatrixRMaj[]{u, v};
    }

    private static int rank(DMatrixRMaj x) {
        if (x.numRows == 0 || x.numCols == 0) {
            return 0;
        }
        double top = CommonOps_DDRM.elementMaxAbs(x);
        return top == 0 ? 0 : SingularOps_DDRM.rank(x.copy(), RANK_TOLERANCE * top);
    }

    /** An orthonormal basis of the vectors of R^k orthogonal to (1, ..., 1): k x (k - 1), Helmert's. */
    private static DMatrixRMaj complementOfOnes(int k) {
        DMatrixRMaj q = new DMatrixRMaj(k, Math.max(0, k - 1));
        for (int c = 0; c < k - 1; c++) {
            double norm = Math.sqrt((c + 1.0) * (c + 2.0));
            for (int r = 0; r <= c; r++) {
                q.set(r, c, 1.0 / norm);
            }
            q.set(c + 1, c, -(c + 1.0) / norm);
        }
        return q;
    }

    private static Direction sparse(int parameters, java.util.TreeMap<Integer, Double> entries) {
        int[] c = new int[entries.size()];
        double[] v = new double[entries.size()];
        int i = 0;
        for (var e : entries.entrySet()) {
            c[i] = e.getKey();
            v[i++] = e.getValue();
        }
        return Direction.sparse(parameters, c, v).normalised();
    }

    /**
     * The slope of phi when it is one affine function on [lo, hi] (no branch point inside, the
     * same slope at both ends, each end affine within half its distance to the nearest branch point).
     */
    static OptionalDouble affineOn(IActivation phi, double lo, double hi) {
        for (double k : BranchPoints.of(phi).orElse(new double[0])) {
            if (k >= lo && k <= hi) {
                return OptionalDouble.empty();
            }
        }
        OptionalDouble a = affineSlope(phi, lo);
        OptionalDouble b = lo == hi ? a : affineSlope(phi, hi);
        if (a.isEmpty() || b.isEmpty() || Math.abs(a.getAsDouble() - b.getAsDouble()) > 1e-9 * Math.abs(a.getAsDouble())) {
            return OptionalDouble.empty();
        }
        return a;
    }

    /**
     * The slope of phi at z when phi is affine there (within half the distance to its nearest branch
     * point, at most 0.05 either side): the residual of five points from their line is at rounding level.
     */
    static OptionalDouble affineSlope(IActivation phi, double z) {
        double h = Math.min(0.05, 0.4 * BranchPoints.distance(phi, z));
        if (!(h > 1e-9)) {
            return OptionalDouble.empty();
        }
        double[] x = {z - 2 * h, z - h, z, z + h, z + 2 * h};
        double[] f = evaluate(phi, x);
        double slope = (f[4] - f[0]) / (4 * h);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < 5; i++) {
            scale = Math.max(scale, Math.abs(f[i]));
            worst = Math.max(worst, Math.abs(f[i] - (f[2] + slope * (x[i] - z))));
        }
        if (worst > AFFINE_TOLERANCE * Math.max(1.0, scale) || Math.abs(slope) < 1e-9) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(slope);
    }

    private static double[] evaluate(IActivation phi, double[] z) {
        INDArray in = Nd4j.createFromArray(z.clone()).castTo(DataType.DOUBLE).reshape(1, z.length);
        return phi.getActivation(in.dup(), false).toDoubleVector();
    }
}
