package io.github.deaddirections.classify;

import io.github.deaddirections.detect.Direction;

import java.util.ArrayList;
import java.util.List;

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
    /** Orthonormal basis of the claims on the exact path (dense: P is within the fisher-null limit). */
    private final List<Direction> claimed = new ArrayList<>();

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
                claimed.add(against(rest.normalised(), claimed).normalised());
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
        Direction rest = against(against(w, claimed), claimed); // twice: Gram-Schmidt loses orthogonality once
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

    private static Direction against(Direction v, List<Direction> basis) {
        double[] w = v.toDense();
        for (Direction q : basis) {
            q.addTo(w, -q.dot(w));
        }
        return Direction.of(w);
    }
}
