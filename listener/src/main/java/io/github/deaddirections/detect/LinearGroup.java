package io.github.deaddirections.detect;

import io.github.deaddirections.snapshot.BranchPoints;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.Snapshot;
import org.ejml.data.DMatrixRMaj;
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
 * Constant units of one dense layer that sit inside an affine piece of their activation: incoming
 * weights all zero, so z = b on every sample, and phi(b + u) = phi(b) + s u for small u with s != 0
 * (ReLU/LeakyReLU/ELU/SELU above 0, LeakyReLU below, hard tanh and hard sigmoid inside, ReLU6 on its
 * ramp). Near theta-hat such a unit adds {@code a_j s_j (w_j x)} to its consumer beyond the constant
 * that the consumer's bias takes up, so together the group is a linear bottleneck
 * {@code x -> A S W x} (M = d_in inputs, H units, N consumer units), sitting at W = 0 with outgoing
 * matrix A~ = A S of rank rho: the units with live outgoing weights (incoming-dead units) make rho > 0.
 *
 * <p>Its local structure (derived in docs/METHOD.md, "Linear groups"): in a basis V1 + V2 of the
 * hidden space (V1 the row space of A~, V2 its kernel) and U1 + U2 of the consumer's (U1 the range of
 * A~), with A = [A1 A2] and C = A1^+ A2, D = (I - P_U1) A2, the product is
 * {@code A1 (W1 + C W2) + D W2}. The first term is regular in W1 + C W2 (rho M live directions, A1 free);
 * the second is a rank-0 reduced-rank problem M -> (H - rho) -> (N - rho) in (D, W2). So the outgoing
 * directions with hidden part in V1, or with consumer part in U1, are flat gauges (rho (N + H - rho)
 * of them), and the block is D (U2 x V2) with W2 (V2 x inputs), lambda = AW(M, H - rho, N - rho, 0).
 * With N = rho the block has no outgoing part and W2 is a flat gauge too. A lone dead unit (H = 1,
 * rho = 0) is the node death of METHOD 5; groups with rho = 0 are left to the node deaths as well.
 *
 * <p>Into a softmax output the uniform consumer direction is the logit shift, a gauge of its own:
 * the consumer space is then the complement of the all-ones vector (N counts one less), as for
 * node death.
 *
 * @param consumerBasis orthonormal basis (kept consumers x N) of the consumer directions that count
 * @param outgoing      A~ in that basis (N x H)
 */
record LinearGroup(LayerInfo layer, List<Unit> units, double[] slopes, double[] values, int[] consumers,
                   int[][] absorbing, DMatrixRMaj consumerBasis, DMatrixRMaj outgoing, int rank) {

    /** Residual of phi from its tangent line, relative, below which a piece is affine (exact pieces reach ~1e-16). */
    static final double AFFINE_TOLERANCE = 1e-12;

    /** Every group of at least two affine constant units with rho >= 1, per plain dense hidden layer. */
    static List<LinearGroup> all(DetectionContext context) {
        Snapshot snapshot = context.snapshot();
        double[] theta = snapshot.parametersView();
        List<LinearGroup> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            Optional<IActivation> phi = layer.activation();
            if (phi.isEmpty() || layer.isOutput() || Layers.isIdentity(layer) || !Layers.isPlainDense(layer)) {
                continue;
            }
            List<Unit> members = new ArrayList<>();
            List<Double> slopes = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            List<int[]> absorbing = new ArrayList<>();
            for (Unit unit : Unit.of(snapshot, layer)) {
                double scale = Math.max(snapshot.layerRms(List.of(layer.name())), snapshot.layerRms(List.of(unit.consumer().name())));
                if (!context.allZero(unit.weights(), scale)) {
                    continue;
                }
                double b = unit.bias() < 0 ? 0.0 : theta[unit.bias()];
                OptionalDouble s = affineSlope(phi.get(), b);
                Optional<int[]> absorbs = DeadUnit.absorbingBiases(snapshot, layer, unit);
                if (s.isEmpty() || absorbs.isEmpty()) {
                    continue;
                }
                members.add(unit);
                slopes.add(s.getAsDouble());
                values.add(evaluate(phi.get(), new double[]{b})[0]);
                absorbing.add(absorbs.get());
            }
            if (members.size() < 2) {
                continue;
            }
            // The consumer units that pass something on: a weight into a silent one is that unit's own coordinate.
            LayerInfo consumer = members.get(0).consumer();
            java.util.Set<Integer> silent = DeadUnit.silentUnits(context, consumer);
            int[] feeds = members.get(0).feeds();
            List<Integer> kept = new ArrayList<>();
            for (int k = 0; k < feeds.length; k++) {
                if (!silent.contains(feeds[k])) {
                    kept.add(k);
                }
            }
            int h = members.size();
            DMatrixRMaj full = new DMatrixRMaj(kept.size(), h);
            for (int j = 0; j < h; j++) {
                for (int r = 0; r < kept.size(); r++) {
                    full.set(r, j, theta[members.get(j).outgoing()[kept.get(r)]] * slopes.get(j));
                }
            }
            boolean softmax = consumer.isOutput() && consumer.activation().orElse(null)
                    instanceof org.nd4j.linalg.activations.impl.ActivationSoftmax;
            DMatrixRMaj q = softmax ? complementOfOnes(kept.size()) : org.ejml.dense.row.CommonOps_DDRM.identity(kept.size());
            int n = q.numCols;
            DMatrixRMaj a = new DMatrixRMaj(n, h);
            org.ejml.dense.row.CommonOps_DDRM.multTransA(q, full, a);
            double top = org.ejml.dense.row.CommonOps_DDRM.elementMaxAbs(a);
            int rho = top == 0 ? 0 : SingularOps_DDRM.rank(a, 1e-9 * top);
            if (rho == 0 || n == 0) {
                continue;
            }
            out.add(new LinearGroup(layer, members, slopes.stream().mapToDouble(Double::doubleValue).toArray(),
                    values.stream().mapToDouble(Double::doubleValue).toArray(), kept.stream().mapToInt(Integer::intValue).toArray(),
                    absorbing.toArray(new int[0][]), q, a, rho));
        }
        return out;
    }

    /** H, the number of units. */
    int hidden() {
        return units.size();
    }

    /** M, the incoming weights of each unit. */
    int inputs() {
        return units.get(0).weights().length;
    }

    /** N, the consumer directions that count (the consumer units that pass something on, less the logit shift). */
    int outputs() {
        return consumerBasis.numCols;
    }

    /** An orthonormal basis of the vectors of R^k orthogonal to (1, ..., 1): k x (k - 1). */
    private static DMatrixRMaj complementOfOnes(int k) {
        DMatrixRMaj q = new DMatrixRMaj(k, k - 1);
        // Helmert's basis: column c is (1, ..., 1, -(c+1), 0, ...) / norm, with c+1 ones.
        for (int c = 0; c < k - 1; c++) {
            double norm = Math.sqrt((c + 1.0) * (c + 2.0));
            for (int r = 0; r <= c; r++) {
                q.set(r, c, 1.0 / norm);
            }
            q.set(c + 1, c, -(c + 1.0) / norm);
        }
        return q;
    }

    /** The SVD of A~: U (kept consumers x N, in the consumer basis), V (H x H), by descending singular value. */
    DMatrixRMaj[] svd() {
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(outgoing.numRows, outgoing.numCols,
                true, true, false);
        if (!svd.decompose(outgoing.copy())) {
            throw new IllegalStateException("the SVD of a linear group's " + outgoing.numRows + " x " + outgoing.numCols
                    + " outgoing matrix did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj w = svd.getW(null);
        DMatrixRMaj v = svd.getV(null, false);
        SingularOps_DDRM.descendingOrder(u, false, w, v, false);
        DMatrixRMaj full = new DMatrixRMaj(consumerBasis.numRows, u.numCols);
        org.ejml.dense.row.CommonOps_DDRM.mult(consumerBasis, u, full);
        return new DMatrixRMaj[]{full, v};
    }

    /**
     * An outgoing perturbation {@code dA = u v'} (u over the kept consumers, v over the units), with
     * the consumer biases taking up the constant it adds: {@code dc_k = -sum_j dA_kj phi(b_j)}.
     */
    Direction outgoing(int parameters, double[] u, double[] v) {
        java.util.TreeMap<Integer, Double> entries = new java.util.TreeMap<>();
        for (int r = 0; r < consumers.length; r++) {
            if (u[r] == 0) {
                continue;
            }
            double constant = 0;
            for (int j = 0; j < units.size(); j++) {
                double d = u[r] * v[j];
                if (d != 0) {
                    entries.merge(units.get(j).outgoing()[consumers[r]], d, Double::sum);
                    constant += d * values[j];
                }
            }
            if (constant != 0) {
                entries.merge(absorbing[0][consumers[r]], -constant, Double::sum);
            }
        }
        return sparse(parameters, entries);
    }

    /** An incoming perturbation: input i of every unit j moved by v_j. */
    Direction incoming(int parameters, double[] v, int input) {
        java.util.TreeMap<Integer, Double> entries = new java.util.TreeMap<>();
        for (int j = 0; j < units.size(); j++) {
            if (v[j] != 0) {
                entries.put(units.get(j).weights()[input], v[j]);
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
