package io.github.deaddirections.classify;

import io.github.deaddirections.detect.Direction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger of the Fisher null space (METHOD 3, ownership): every null dimension belongs to
 * exactly one structure. Structures claim subspaces in precedence order; a claim counts only the
 * dimensions inside the null space that no earlier structure owns.
 *
 * <p>On the exact path the null space is known and claims are projected into it (dense, P is
 * within the fisher-null limit) and kept as an orthonormal basis. On the structural path the
 * whole of R^P stands in for it and claims stay sparse ({@link SparseSpan}): memory and time
 * stay proportional to the supports and their overlaps.
 */
final class NullSpaceAccount {

    /** A vector counts as lying in the null space when at least this share of its norm does. */
    private static final double INSIDE = 0.5;
    /** Below this a remainder is already spanned. */
    private static final double SPANNED = 1e-6;

    private final double[][] nullBasis;
    /** The claimed span on the structural path (no null basis). */
    private final SparseSpan span = new SparseSpan();
    private final List<Direction> claimed = new ArrayList<>();
    private final Map<Integer, List<Integer>> touching = new HashMap<>();
    /** Scratch for {@link #remainder}: values, the call that last wrote each entry, and what it wrote. */
    private double[] work;
    private int[] stamp;
    private int call;
    private final List<Integer> touched = new ArrayList<>();

    NullSpaceAccount(double[][] nullBasis) {
        this.nullBasis = nullBasis;
    }

    /** Claims the span of the directions; returns how many new dimensions it owns. */
    int claim(List<Direction> directions) {
        int added = 0;
        for (Direction v : directions) {
            if (nullBasis == null) {
                if (v.norm() > 0 && span.distance(v.normalised()) > SPANNED) {
                    span.add(v.normalised());
                    added++;
                }
                continue;
            }
            Direction rest = unclaimedPart(v);
            if (rest != null) {
                add(remainder(rest.normalised()).normalised());
                added++;
            }
        }
        return added;
    }

    /**
     * Whether claiming this direction would add nothing: it lies (mostly) outside the null space
     * or in the span already claimed. Lets the classifier skip reading what is owned already.
     */
    boolean owns(Direction v) {
        if (nullBasis == null) {
            return !(v.norm() > 0) || span.distance(v.normalised()) <= SPANNED;
        }
        return unclaimedPart(v) == null;
    }

    /** The part of v inside the (exact) null space that no claim spans yet; null when there is none to speak of. */
    private Direction unclaimedPart(Direction v) {
        double norm = v.norm();
        if (!(norm > 0)) {
            return null;
        }
        Direction w = Direction.of(project(v));
        if (w.norm() < INSIDE * norm) {
            return null;
        }
        Direction rest = remainder(remainder(w));
        return rest.norm() > SPANNED * norm ? rest : null;
    }

    /** Orthonormal basis of the (exact) null space that nothing has claimed yet. */
    List<Direction> residual() {
        List<Direction> basis = new ArrayList<>();
        if (nullBasis == null) {
            return basis;
        }
        List<Direction> all = new ArrayList<>(claimed);
        for (double[] n : nullBasis) {
            Direction rest = against(Direction.of(n), all);
            if (rest.norm() > 1e-3) {
                Direction unit = against(rest.normalised(), all).normalised();
                all.add(unit);
                basis.add(unit);
            }
        }
        return basis;
    }

    private void add(Direction d) {
        int id = claimed.size();
        claimed.add(d);
        for (int k = 0; k < d.nonZeros(); k++) {
            touching.computeIfAbsent(d.coordinate(k), c -> new ArrayList<>()).add(id);
        }
    }

    private double[] project(Direction v) {
        double[] w = new double[v.size()];
        for (double[] n : nullBasis) {
            double c = v.dot(n);
            for (int i = 0; i < w.length; i++) {
                w[i] += c * n[i];
            }
        }
        return w;
    }

    /** v minus its components along the claimed directions that share a coordinate with it. */
    private Direction remainder(Direction v) {
        java.util.BitSet near = new java.util.BitSet(claimed.size());
        for (int k = 0; k < v.nonZeros(); k++) {
            List<Integer> ids = touching.get(v.coordinate(k));
            if (ids != null) {
                ids.forEach(near::set);
            }
        }
        if (near.isEmpty()) {
            return v;
        }
        // Sparse arithmetic in a dense scratch vector: cost proportional to the supports involved,
        // not to P (entries count only where stamped in this call).
        if (work == null || work.length != v.size()) {
            work = new double[v.size()];
            stamp = new int[v.size()];
        }
        call++;
        touched.clear();
        for (int k = 0; k < v.nonZeros(); k++) {
            work[touch(v.coordinate(k))] += v.entry(k);
        }
        for (int id = near.nextSetBit(0); id >= 0; id = near.nextSetBit(id + 1)) {
            Direction q = claimed.get(id);
            double c = 0;
            for (int k = 0; k < q.nonZeros(); k++) {
                int i = q.coordinate(k);
                if (stamp[i] == call) {
                    c += work[i] * q.entry(k);
                }
            }
            for (int k = 0; k < q.nonZeros(); k++) {
                work[touch(q.coordinate(k))] -= c * q.entry(k);
            }
        }
        int[] idx = touched.stream().mapToInt(Integer::intValue).sorted().toArray();
        double[] val = new double[idx.length];
        for (int k = 0; k < idx.length; k++) {
            val[k] = work[idx[k]];
        }
        return Direction.sparse(v.size(), idx, val);
    }

    /** Marks coordinate i as part of this call's vector (zero until written); returns i. */
    private int touch(int i) {
        if (stamp[i] != call) {
            stamp[i] = call;
            work[i] = 0;
            touched.add(i);
        }
        return i;
    }

    private static Direction against(Direction v, List<Direction> basis) {
        double[] w = v.toDense();
        for (Direction q : basis) {
            q.addTo(w, -q.dot(w));
        }
        return Direction.of(w);
    }
}
