package io.github.deaddirections.fisher;

import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.snapshot.ForwardModel;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The exact expected Fisher {@code F = mean_x J' H J} (METHOD 1) of a small model, through its
 * whitened Jacobian {@code G} ({@code G' G = F}): one row per (sample, output), one column per
 * parameter. The null space comes from the SVD of {@code G} rather than from {@code F} itself so
 * that exact zeros stay near the float floor (about 1e-30 relative) instead of 1e-16.
 *
 * <p>Columns are 5-point stencils along each parameter axis. A stencil that straddles a branch
 * point (a kink of a piecewise-linear activation, ELU's change of form at 0, a max pooling's
 * switch) measures neither side's derivative; such a column is redone with a step 64 times
 * smaller, up to three times (branch points have measure zero, so this settles it). A crossing deep inside the
 * stencil makes it disagree with the 3-point difference at the same step. One that only the outer
 * points reach leaves an error below any tolerance that step's truncation allows, yet far above
 * the rounding an exact null direction sits at, so it lifts that direction into the rank: along
 * an axis with a branch point above it, the outputs at half the step (one more pass) must lie on
 * the quartic through the stencil's points, as they do to O(h^5) where the outputs are analytic.
 */
public final class ExpectedFisher {

    private static final int KINK_RETRIES = 3;
    private static final double KINK_TOLERANCE = 1e-5;
    /** Derivative error allowed where branch points lie above, relative to the outputs' size. */
    private static final double REFINED_TOLERANCE = 1e-11;
    /**
     * Rounding of the quartic's value at h/2 against the pass's own: each output carries a few ulps
     * from every layer it went through (measured: up to about 6 ulps of the outputs' size on the
     * random networks), and the weights add them up to 2.4 times.
     */
    private static final double STENCIL_ROUNDING = 64 * Math.ulp(1.0);
    /** The quartic through t = -2, -1, 0, 1, 2 evaluated at t = 1/2: its Lagrange weights. */
    private static final double[] HALF_WEIGHTS = {0.0234375, -0.15625, 0.703125, 0.46875, -0.0390625};

    private final ForwardModel model;
    private final OutputDistribution distribution;
    private final double relativeStep;
    private final int[] firstLayer;
    private final boolean[] piecewise;

    /**
     * An evaluator whose outputs are analytic along every axis.
     *
     * @param firstLayer for each parameter, the position of its layer: a column's stencil recomputes
     *                   only that layer and those after it
     */
    public ExpectedFisher(ForwardModel model, OutputDistribution distribution, int[] firstLayer, double relativeStep) {
        this(model, distribution, firstLayer, new boolean[firstLayer.length], relativeStep);
    }

    /**
     * @param piecewise for each parameter, whether a branch point lies at or above its layer
     *                  ({@code BranchPoints.alongParameters}): its column gets the half-step check
     */
    public ExpectedFisher(ForwardModel model, OutputDistribution distribution, int[] firstLayer, boolean[] piecewise,
                          double relativeStep) {
        if (piecewise.length != firstLayer.length) {
            throw new IllegalArgumentException(piecewise.length + " piecewise flags for " + firstLayer.length + " parameters");
        }
        this.model = model;
        this.distribution = distribution;
        this.firstLayer = firstLayer.clone();
        this.piecewise = piecewise.clone();
        this.relativeStep = relativeStep;
    }

    /**
     * Eigenvalues (descending) and eigenvectors of F at theta; P x P, so the caller checks the limit.
     *
     * @param scale the parameter scale of each coordinate (steps are relative to it)
     */
    public double[][] eigen(double[] theta, double[] scale, double[] eigenvaluesOut) {
        DMatrixRMaj full = whitenedJacobian(theta, scale);
        int p = theta.length;
        // A column the outputs do not see at all (a parameter of a silenced layer) is an exact null
        // axis: it is set aside, so the SVD sees only the columns that move something.
        int[] live = java.util.stream.IntStream.range(0, p).filter(j -> !zeroColumn(full, j)).toArray();
        DMatrixRMaj g = live.length == p ? full : columns(full, live);
        int q = live.length;
        double[][] vectors = new double[p][];
        int at = 0;
        if (q > 0) {
            SingularValueDecomposition_F64<DMatrixRMaj> svd = svd(g, true);
            DMatrixRMaj w = svd.getW(null);
            DMatrixRMaj v = svd.getV(null, true);
            SingularOps_DDRM.descendingOrder(null, false, w, v, true);
            for (int i = 0; i < q; i++, at++) {
                double s = i < Math.min(w.numRows, w.numCols) ? w.get(i, i) : 0.0;
                eigenvaluesOut[at] = s * s;
                vectors[at] = new double[p];
                for (int k = 0; k < q; k++) {
                    vectors[at][live[k]] = v.get(i, k);
                }
            }
        }
        boolean[] isLive = new boolean[p];
        for (int j : live) {
            isLive[j] = true;
        }
        for (int j = 0; j < p; j++) {
            if (!isLive[j]) {
                eigenvaluesOut[at] = 0.0;
                vectors[at] = new double[p];
                vectors[at++][j] = 1.0;
            }
        }
        return vectors;
    }

    private static boolean zeroColumn(DMatrixRMaj g, int j) {
        for (int r = 0; r < g.numRows; r++) {
            if (g.get(r, j) != 0.0) {
                return false;
            }
        }
        return true;
    }

    private static DMatrixRMaj columns(DMatrixRMaj g, int[] keep) {
        DMatrixRMaj out = new DMatrixRMaj(g.numRows, keep.length);
        for (int r = 0; r < g.numRows; r++) {
            for (int k = 0; k < keep.length; k++) {
                out.set(r, k, g.get(r, keep[k]));
            }
        }
        return out;
    }

    /** The SVD of the whitened Jacobian ({@link JacobianSvd}), after checking it is finite. */
    private static SingularValueDecomposition_F64<DMatrixRMaj> svd(DMatrixRMaj g, boolean vectors) {
        for (int i = 0; i < g.data.length; i++) {
            if (!Double.isFinite(g.data[i])) {
                throw new IllegalStateException("the Fisher's Jacobian is not finite in the column of parameter "
                        + (i % g.numCols) + ": the network's output is not finite near theta");
            }
        }
        SingularValueDecomposition_F64<DMatrixRMaj> svd = JacobianSvd.of(g, vectors);
        if (svd == null) {
            throw new IllegalStateException("the SVD of the Fisher's Jacobian (" + g.numRows + " x " + g.numCols
                    + ") did not converge, through its QR factor or directly");
        }
        return svd;
    }

    /** Largest eigenvalue of F at theta (the Fisher scale). */
    public double largestEigenvalue(double[] theta, double[] scale) {
        DMatrixRMaj g = whitenedJacobian(theta, scale);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = svd(g, false);
        double max = 0;
        for (double s : svd.getSingularValues()) {
            max = Math.max(max, s);
        }
        return max * max;
    }

    /** G with {@code G[(x,c), i] = sqrt(w_c(p(x))) d p_c(x) / d theta_i / sqrt(N)}. */
    DMatrixRMaj whitenedJacobian(double[] theta, double[] scale) {
        // Layers below a parameter's own can be taken from the cache only at theta-hat itself.
        boolean sameBelow = java.util.Arrays.equals(theta, model.anchorView());
        double[][] p0 = model.output(theta);
        int n = p0.length;
        int c = p0[0].length;
        int p = theta.length;
        long cells = (long) n * c * p;
        if (cells > Integer.MAX_VALUE - 8) {
            throw new ReadInputException("the exact Fisher of " + p + " parameters over " + n + " samples x " + c
                    + " outputs is too large to hold; lower the probe size or the fisher-null limit");
        }
        DMatrixRMaj g = new DMatrixRMaj(n * c, p);
        double[][] whiten = whitening(p0);
        java.util.Map<Integer, double[][]> bases = new java.util.HashMap<>();
        for (int i = 0; i < p; i++) {
            int from = sameBelow ? firstLayer[i] : 0;
            // The unmoved output as this column's stencil computes it (the same evaluator, the same rounding).
            double[][] base = bases.computeIfAbsent(from, f -> f == 0 ? p0 : model.output(theta, f));
            double[][] column = derivative(theta, base, new int[]{i}, new double[]{1.0}, relativeStep * scale[i],
                    sameBelow ? firstLayer[i] : 0, piecewise[i]);
            setColumn(g, i, whiten, column);
        }
        return g;
    }

    /**
     * The same Fisher on a copy of the model anchored at {@code point}: there each column's stencil
     * recomputes only from its own layer, as at theta-hat, where a pass at a point away from the
     * anchor runs the whole network (on a small CNN, most of a read went to full DL4J passes at the
     * flat-locus test's points). One more pass per point caches the layers.
     */
    public ExpectedFisher at(double[] point) {
        return new ExpectedFisher(model.anchoredCopy(point), distribution, firstLayer, piecewise, relativeStep);
    }

    /**
     * The whitened Jacobian on coordinate axes at a point: one 5-point column per coordinate of
     * {@code support}, its step relative to that coordinate's scale (each from its own layer when
     * the point is this model's anchor, see {@link #at}).
     */
    public DMatrixRMaj axisColumns(double[] point, int[] support, double[] coordinateScale) {
        int[][] axes = new int[support.length][];
        double[][] ones = new double[support.length][];
        double[] steps = new double[support.length];
        for (int k = 0; k < support.length; k++) {
            axes[k] = new int[]{support[k]};
            ones[k] = new double[]{1.0};
            steps[k] = relativeStep * coordinateScale[support[k]];
        }
        return whitenedColumns(point, axes, ones, steps,
                java.util.Arrays.equals(point, model.anchorView()) ? Integer.MAX_VALUE : 0);
    }

    /**
     * The whitened Jacobian restricted to a few directions, {@code G[(x,c), j] = sqrt(w_c) d p_c(x)/du_j / sqrt(N)}:
     * the Fisher block of their span is its Gram matrix. One 5-point stencil per direction, each
     * recomputing only from the first layer the direction moves (O(N x outputs x directions) memory).
     *
     * @param coordinates the support of each direction (sparse: the fisher package knows no detect.Direction)
     * @param values      its entries
     * @param steps       stencil step per direction
     */
    public DMatrixRMaj whitenedColumns(double[] theta, int[][] coordinates, double[][] values, double[] steps) {
        return whitenedColumns(theta, coordinates, values, steps,
                java.util.Arrays.equals(theta, model.anchorView()) ? Integer.MAX_VALUE : 0);
    }

    /**
     * The same at a point that differs from theta-hat only in layers at or after {@code movedFrom}
     * (the position of the first layer it moves; {@code Integer.MAX_VALUE} for theta-hat itself):
     * the layers below are still taken from the cache.
     */
    public DMatrixRMaj whitenedColumns(double[] theta, int[][] coordinates, double[][] values, double[] steps,
                                       int movedFrom) {
        double[][] p0 = model.output(theta, movedFrom == Integer.MAX_VALUE ? 0 : movedFrom);
        int n = p0.length;
        int c = p0[0].length;
        double[][] whiten = whitening(p0);
        DMatrixRMaj g = new DMatrixRMaj(n * c, coordinates.length);
        for (int j = 0; j < coordinates.length; j++) {
            int from = movedFrom;
            boolean refine = false;
            for (int i : coordinates[j]) {
                from = Math.min(from, firstLayer[i]);
                refine |= piecewise[i];
            }
            setColumn(g, j, whiten, derivative(theta, p0, coordinates[j], values[j], steps[j], from == Integer.MAX_VALUE ? 0 : from,
                    refine));
        }
        return g;
    }

    /**
     * The whitened Jacobian on a few directions by the 3-point central difference (2 passes per
     * direction): enough to tell an exactly null direction (its outputs do not move, the difference
     * is rounding) from a live one, which is all the flat-locus test asks.
     */
    public DMatrixRMaj centralColumns(double[] theta, int[][] coordinates, double[][] values, double[] steps,
                                      int movedFrom) {
        double[][] p0 = model.output(theta, movedFrom == Integer.MAX_VALUE ? 0 : movedFrom);
        int n = p0.length;
        int c = p0[0].length;
        double[][] whiten = whitening(p0);
        DMatrixRMaj g = new DMatrixRMaj(n * c, coordinates.length);
        for (int j = 0; j < coordinates.length; j++) {
            int from = movedFrom;
            for (int i : coordinates[j]) {
                from = Math.min(from, firstLayer[i]);
            }
            from = from == Integer.MAX_VALUE ? 0 : from;
            double h = steps[j];
            double[][] plus = model.output(moved(theta, coordinates[j], values[j], h), from);
            double[][] minus = model.output(moved(theta, coordinates[j], values[j], -h), from);
            double[][] d = new double[n][c];
            for (int x = 0; x < n; x++) {
                for (int k = 0; k < c; k++) {
                    d[x][k] = (plus[x][k] - minus[x][k]) / (2 * h);
                }
            }
            setColumn(g, j, whiten, d);
        }
        return g;
    }

    private double[][] whitening(double[][] p0) {
        double rootN = Math.sqrt(p0.length);
        double[][] whiten = new double[p0.length][p0[0].length];
        for (int x = 0; x < p0.length; x++) {
            for (int k = 0; k < p0[x].length; k++) {
                whiten[x][k] = distribution.whitening(p0[x][k]) / rootN;
            }
        }
        return whiten;
    }

    private static void setColumn(DMatrixRMaj g, int j, double[][] whiten, double[][] column) {
        int c = whiten[0].length;
        for (int x = 0; x < whiten.length; x++) {
            for (int k = 0; k < c; k++) {
                g.unsafe_set(x * c + k, j, whiten[x][k] * column[x][k]);
            }
        }
    }

    /**
     * d p / d t along theta + t u at t = 0 by the 5-point stencil, with the kink guard (and, when
     * {@code refine}, the quartic check). Only the samples whose stencil failed a check are redone
     * at the smaller step: the others keep the rounding of the larger one. A direction the outputs
     * do not see at all (an inactive unit's weight, a weight on an input that is 0 on every sample)
     * leaves them bit for bit unchanged at +-h: its column is exactly 0, and the two outer points
     * are not evaluated.
     */
    private double[][] derivative(double[] theta, double[][] p0, int[] coordinates, double[] values, double h, int from,
                                  boolean refine) {
        double[][] d = new double[p0.length][p0[0].length];
        boolean[] open = new boolean[p0.length];
        java.util.Arrays.fill(open, true);
        for (int attempt = 0; attempt <= KINK_RETRIES; attempt++) {
            double[][] p1 = model.output(moved(theta, coordinates, values, h), from);
            double[][] m1 = model.output(moved(theta, coordinates, values, -h), from);
            if (attempt == 0 && java.util.Arrays.deepEquals(p1, p0) && java.util.Arrays.deepEquals(m1, p0)) {
                return d;
            }
            double[][] p2 = model.output(moved(theta, coordinates, values, 2 * h), from);
            double[][] m2 = model.output(moved(theta, coordinates, values, -2 * h), from);
            double[][] half = refine ? model.output(moved(theta, coordinates, values, h / 2), from) : null;
            double magnitude = 0;
            for (double[] row : p1) {
                for (double v : row) {
                    magnitude = Math.max(magnitude, Math.abs(v));
                }
            }
            boolean any = false;
            for (int s = 0; s < d.length; s++) {
                if (!open[s]) {
                    continue;
                }
                boolean kink = false;
                for (int k = 0; k < d[s].length; k++) {
                    double five = (-p2[s][k] + 8 * p1[s][k] - 8 * m1[s][k] + m2[s][k]) / (12 * h);
                    double three = (p1[s][k] - m1[s][k]) / (2 * h);
                    d[s][k] = five;
                    kink |= Math.abs(five - three) > KINK_TOLERANCE * (Math.abs(five) + magnitude)
                            || refine && !onTheQuartic(half[s][k], m2[s][k], m1[s][k], p0[s][k], p1[s][k], p2[s][k], h,
                            five, magnitude);
                }
                open[s] = kink;
                any |= kink;
            }
            if (!any) {
                break;
            }
            h /= 64;
        }
        return d;
    }

    /**
     * Whether the output at t = h/2 lies on the quartic through the stencil's five points
     * (Lagrange weights at 1/2 of the nodes -2, -1, 0, 1, 2). Where the outputs are analytic it
     * does to O(h^5); a branch point crossed by any stencil point moves the quartic by a fixed
     * share of the jump it causes (0.04 of the outer point's, 0.47 of the inner one's), while it
     * moves the 5-point derivative by 1/12 or 2/3 of it over h: a residual r means a derivative
     * error of at most about 2.2 r / h.
     */
    private static boolean onTheQuartic(double half, double m2, double m1, double p0, double p1, double p2, double h,
                                        double five, double magnitude) {
        double quartic = HALF_WEIGHTS[0] * m2 + HALF_WEIGHTS[1] * m1 + HALF_WEIGHTS[2] * p0 + HALF_WEIGHTS[3] * p1
                + HALF_WEIGHTS[4] * p2;
        return Math.abs(half - quartic) <= STENCIL_ROUNDING * magnitude + REFINED_TOLERANCE * h * (Math.abs(five) + magnitude) / 2.2;
    }

    private static double[] moved(double[] theta, int[] coordinates, double[] values, double t) {
        double[] x = theta.clone();
        for (int k = 0; k < coordinates.length; k++) {
            x[coordinates[k]] += t * values[k];
        }
        return x;
    }
}
