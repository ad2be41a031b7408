package io.github.deaddirections.classify;

import io.github.deaddirections.detect.Direction;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tangents of the gauges that are gauges by their mechanism (symmetries, nulls of the input
 * data), and what a block's component keeps once they have taken theirs (METHOD 3: composite
 * directions are projected off every gauge, so they never fall inside a symmetry).
 *
 * <p>What a gauge takes from a component's span S is the intersection {@code S ∩ span(T)}, not
 * the projection of S off every tangent it touches: a consumer unit's rescaling tangent touches a
 * dead unit's outgoing weight but does not lie in its span. The intersection is the set of
 * principal directions between S and the overlapping tangents with cosine 1. A tangent with a
 * coordinate outside S that no other overlapping tangent shares can take no part in it (that
 * entry could not cancel), so it is dropped before the dense step, which keeps the step as small
 * as the structure.
 */
final class GaugeSpan {

    /** Cosine above which a principal direction lies in both subspaces (directions are unit vectors in float64). */
    private static final double SAME = 1 - 1e-8;
    /** An entry below this share of a tangent's largest is rounding ({@link #negligible}). */
    private static final double NEGLIGIBLE = 1e-12;
    /** Below this a remainder is already spanned. */
    private static final double SPANNED = 1e-8;

    private final List<Direction> tangents = new ArrayList<>();
    private final Map<Integer, List<Integer>> byCoordinate = new HashMap<>();

    void add(Direction tangent) {
        int id = tangents.size();
        tangents.add(tangent);
        for (int k = 0; k < tangent.nonZeros(); k++) {
            byCoordinate.computeIfAbsent(tangent.coordinate(k), c -> new ArrayList<>()).add(id);
        }
    }

    /**
     * An orthonormal basis of the part of span(vectors) that no gauge owns: {@code S ⊖ (S ∩ span(T))}.
     * Its size is the component's dimension counted after the gauges.
     */
    List<Direction> remainder(List<Direction> vectors) {
        List<Direction> basis = orthonormal(vectors);
        if (basis.isEmpty()) {
            return basis;
        }
        Set<Integer> inside = new HashSet<>();
        for (Direction v : basis) {
            for (int k = 0; k < v.nonZeros(); k++) {
                inside.add(v.coordinate(k));
            }
        }
        List<Direction> touching = candidates(inside);
        if (touching.isEmpty()) {
            return basis;
        }
        List<Direction> shared = orthonormal(touching);
        // Principal directions: SVD of Qs' Qt; left singular vectors with cosine 1 span the intersection.
        int s = basis.size();
        int t = shared.size();
        DMatrixRMaj m = new DMatrixRMaj(s, t);
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < t; j++) {
                m.set(i, j, basis.get(i).dot(shared.get(j)));
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(s, t, true, false, false);
        if (!svd.decompose(m)) {
            throw new IllegalStateException("SVD of a " + s + " x " + t + " principal-angle matrix did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj w = svd.getW(null);
        SingularOps_DDRM.descendingOrder(u, false, w, null, false);
        List<Direction> owned = new ArrayList<>();
        for (int i = 0; i < Math.min(s, t); i++) {
            if (w.get(i, i) >= SAME) {
                owned.add(combine(basis, column(u, i)));
            }
        }
        if (owned.isEmpty()) {
            return basis;
        }
        // The rest of S: orthonormalise the basis against what the gauges own and keep s - |owned| directions.
        List<Direction> rest = new ArrayList<>(owned);
        List<Direction> out = new ArrayList<>();
        for (Direction v : basis) {
            Direction r = against(v, rest);
            if (r.norm() > SPANNED) {
                Direction unit = against(r.normalised(), rest).normalised();
                rest.add(unit);
                out.add(unit);
            }
        }
        return out;
    }

    /**
     * Whether entry k of a tangent is rounding, not a coordinate it moves: a lift of an SVD null
     * vector of the input (a zero input column found among others) stores every coordinate of its
     * unit, most at 0 or 1e-17; such an entry cannot keep the tangent out of a span.
     */
    private static boolean negligible(Direction d, int k) {
        double max = 0;
        for (int j = 0; j < d.nonZeros(); j++) {
            max = Math.max(max, Math.abs(d.entry(j)));
        }
        return Math.abs(d.entry(k)) <= NEGLIGIBLE * max;
    }

    /**
     * The tangents touching the coordinates that could lie in a combination inside them: repeatedly
     * drop a tangent with a coordinate outside that no other remaining tangent has.
     */
    private List<Direction> candidates(Set<Integer> inside) {
        Set<Integer> ids = new LinkedHashSet<>();
        for (int c : inside) {
            List<Integer> at = byCoordinate.get(c);
            if (at != null) {
                ids.addAll(at);
            }
        }
        boolean changed = true;
        while (changed && !ids.isEmpty()) {
            changed = false;
            Map<Integer, Integer> outsideCount = new HashMap<>();
            for (int id : ids) {
                Direction d = tangents.get(id);
                for (int k = 0; k < d.nonZeros(); k++) {
                    if (!inside.contains(d.coordinate(k)) && !negligible(d, k)) {
                        outsideCount.merge(d.coordinate(k), 1, Integer::sum);
                    }
                }
            }
            for (java.util.Iterator<Integer> it = ids.iterator(); it.hasNext(); ) {
                Direction d = tangents.get(it.next());
                for (int k = 0; k < d.nonZeros(); k++) {
                    if (!inside.contains(d.coordinate(k)) && !negligible(d, k) && outsideCount.get(d.coordinate(k)) == 1) {
                        it.remove();
                        changed = true;
                        break;
                    }
                }
            }
        }
        List<Direction> out = new ArrayList<>();
        for (int id : ids) {
            out.add(tangents.get(id));
        }
        return out;
    }

    private static double[] column(DMatrixRMaj u, int i) {
        double[] c = new double[u.numRows];
        for (int r = 0; r < u.numRows; r++) {
            c[r] = u.get(r, i);
        }
        return c;
    }

    private static Direction combine(List<Direction> basis, double[] coefficients) {
        return Direction.combination(basis, coefficients).normalised();
    }

    /** Gram-Schmidt (twice per vector), dropping vectors already spanned. */
    static List<Direction> orthonormal(List<Direction> vectors) {
        List<Direction> out = new ArrayList<>();
        for (Direction v : vectors) {
            double n = v.norm();
            if (!(n > 0)) {
                continue;
            }
            Direction r = against(v.scaled(1.0 / n), out);
            if (r.norm() > SPANNED) {
                out.add(against(r.normalised(), out).normalised());
            }
        }
        return out;
    }

    /** v minus its projection on the (orthonormal) basis. */
    static Direction against(Direction v, List<Direction> basis) {
        Direction r = v;
        for (Direction q : basis) {
            double c = r.dot(q);
            if (c != 0.0) {
                r = r.plus(q.scaled(-c));
            }
        }
        return r;
    }
}
