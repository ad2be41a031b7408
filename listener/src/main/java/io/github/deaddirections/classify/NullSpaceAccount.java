package io.github.deaddirections.classify;

import io.github.deaddirections.detect.Direction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ledger of the Fisher null space (METHOD 3, ownership): every null dimension belongs to
 * exactly one structure. Structures claim subspaces in precedence order; a claim counts only the
 * dimensions inside the null space that no earlier structure owns.
 *
 * <p>On the exact path the null space is known and claims are projected into it (dense, P is
 * within the fisher-null limit). On the structural path the whole of R^P stands in for it and
 * claims stay sparse: a new direction is orthogonalised only against claimed directions that
 * share a coordinate with it, so memory and time stay proportional to the supports.
 */
final class NullSpaceAccount {

    /** A vector counts as lying in the null space when at least this share of its norm does. */
    private static final double INSIDE = 0.5;
    /** Below this a remainder is already spanned. */
    private static final double SPANNED = 1e-6;

    private final double[][] nullBasis;
    private final List<Direction> claimed = new ArrayList<>();
    private final Map<Integer, List<Integer>> touching = new HashMap<>();

    NullSpaceAccount(double[][] nullBasis) {
        this.nullBasis = nullBasis;
    }

    /** Claims the span of the directions; returns how many new dimensions it owns. */
    int claim(List<Direction> directions) {
        int added = 0;
        for (Direction v : directions) {
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
        return unclaimedPart(v) == null;
    }

    /** The part of v inside the null space that no claim spans yet; null when there is none to speak of. */
    private Direction unclaimedPart(Direction v) {
        double norm = v.norm();
        if (!(norm > 0)) {
            return null;
        }
        Direction w = nullBasis == null ? v : Direction.of(project(v));
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
        Set<Integer> near = new LinkedHashSet<>();
        for (int k = 0; k < v.nonZeros(); k++) {
            List<Integer> ids = touching.get(v.coordinate(k));
            if (ids != null) {
                near.addAll(ids);
            }
        }
        if (near.isEmpty()) {
            return v;
        }
        // Sparse arithmetic: cost proportional to the supports involved, not to P.
        java.util.TreeMap<Integer, Double> w = new java.util.TreeMap<>();
        for (int k = 0; k < v.nonZeros(); k++) {
            w.merge(v.coordinate(k), v.entry(k), Double::sum);
        }
        for (int id : near.stream().sorted().toList()) {
            Direction q = claimed.get(id);
            double c = 0;
            for (int k = 0; k < q.nonZeros(); k++) {
                Double x = w.get(q.coordinate(k));
                if (x != null) {
                    c += x * q.entry(k);
                }
            }
            for (int k = 0; k < q.nonZeros(); k++) {
                w.merge(q.coordinate(k), -c * q.entry(k), Double::sum);
            }
        }
        int[] idx = new int[w.size()];
        double[] val = new double[w.size()];
        int k = 0;
        for (java.util.Map.Entry<Integer, Double> e : w.entrySet()) {
            idx[k] = e.getKey();
            val[k++] = e.getValue();
        }
        return Direction.sparse(v.size(), idx, val);
    }

    private static Direction against(Direction v, List<Direction> basis) {
        double[] w = v.toDense();
        for (Direction q : basis) {
            q.addTo(w, -q.dot(w));
        }
        return Direction.of(w);
    }
}
