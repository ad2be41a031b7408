package io.github.deaddirections.classify;

import io.github.deaddirections.detect.Directions;

import java.util.ArrayList;
import java.util.List;

/**
 * The ledger of the Fisher null space (METHOD 3, ownership): every null dimension belongs to
 * exactly one structure. Structures claim subspaces in precedence order; a claim counts only the
 * dimensions inside the null space that no earlier structure owns. Without an exact Fisher the
 * whole of R^P stands in for the null space.
 */
final class NullSpaceAccount {

    /** A vector counts as lying in the null space when at least this share of its norm does. */
    private static final double INSIDE = 0.5;
    /** Below this a remainder is already spanned. */
    private static final double SPANNED = 1e-6;

    private final double[][] nullBasis;
    private final List<double[]> claimed = new ArrayList<>();

    NullSpaceAccount(double[][] nullBasis) {
        this.nullBasis = nullBasis;
    }

    boolean exact() {
        return nullBasis != null;
    }

    int claimedDimension() {
        return claimed.size();
    }

    /** Claims the span of the vectors; returns how many new dimensions it owns. */
    int claim(List<double[]> vectors) {
        int added = 0;
        for (double[] v : vectors) {
            double norm = Directions.norm(v);
            if (!(norm > 0)) {
                continue;
            }
            double[] w = project(v);
            if (Directions.norm(w) < INSIDE * norm) {
                continue;
            }
            double[] rest = remainder(w);
            double r = Directions.norm(rest);
            if (r > SPANNED * norm) {
                claimed.add(Directions.normalise(remainder(Directions.normalise(rest))));
                added++;
            }
        }
        return added;
    }

    /** Orthonormal basis of the null space that nothing has claimed yet. */
    List<double[]> residual() {
        List<double[]> basis = new ArrayList<>();
        if (nullBasis == null) {
            return basis;
        }
        List<double[]> all = new ArrayList<>(claimed);
        for (double[] n : nullBasis) {
            double[] rest = remainderAgainst(n, all);
            if (Directions.norm(rest) > 1e-3) {
                double[] unit = Directions.normalise(remainderAgainst(Directions.normalise(rest), all));
                all.add(unit);
                basis.add(unit);
            }
        }
        return basis;
    }

    private double[] project(double[] v) {
        if (nullBasis == null) {
            return v.clone();
        }
        double[] w = new double[v.length];
        for (double[] n : nullBasis) {
            double c = Directions.dot(v, n);
            for (int i = 0; i < w.length; i++) {
                w[i] += c * n[i];
            }
        }
        return w;
    }

    private double[] remainder(double[] v) {
        return remainderAgainst(remainderAgainst(v, claimed), claimed);
    }

    private static double[] remainderAgainst(double[] v, List<double[]> basis) {
        double[] w = v.clone();
        for (double[] q : basis) {
            double c = Directions.dot(w, q);
            for (int i = 0; i < w.length; i++) {
                w[i] -= c * q[i];
            }
        }
        return w;
    }
}
