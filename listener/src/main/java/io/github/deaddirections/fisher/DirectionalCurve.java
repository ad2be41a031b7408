package io.github.deaddirections.fisher;

import io.github.deaddirections.snapshot.ForwardModel;

/**
 * The directional Fisher {@code F_u(t) = u' F(theta(t)) u} and the KL curve
 * {@code K_u(t) = mean_x KL(p(.|x, theta_0) || p(.|x, theta(t)))} along a path (METHOD 2).
 *
 * <p>DL4J has no forward-mode derivative, so {@code d/dt p} is the 5-point central stencil in
 * float64, {@code [-f(t+2h) + 8 f(t+h) - 8 f(t-h) + f(t-2h)] / (12 h)} with {@code h = t * fraction}
 * (METHOD 2.1 step 2). Each radius costs five batched forward passes.
 */
public final class DirectionalCurve {

    private final ForwardModel model;
    private final OutputDistribution distribution;
    private final double stencilFraction;
    private final double[][] base;

    /** The same curve computed on another (independent) model, for a parallel reader. */
    public DirectionalCurve on(ForwardModel other) {
        return new DirectionalCurve(other, distribution, stencilFraction, base);
    }

    public DirectionalCurve(ForwardModel model, OutputDistribution distribution, double stencilFraction, double[][] base) {
        this.model = model;
        this.distribution = distribution;
        this.stencilFraction = stencilFraction;
        this.base = base;
    }

    /** One point of the curve. */
    public record Point(double radius, double fisher, double kl) {
    }

    public Point at(Path path, double t) {
        return at(path, t, 0);
    }

    /**
     * @param fromLayer first layer position the path moves: layers below it are not recomputed
     */
    public Point at(Path path, double t, int fromLayer) {
        double h = stencilFraction * t;
        double[][] m2 = model.output(path.at(t - 2 * h), fromLayer);
        double[][] m1 = model.output(path.at(t - h), fromLayer);
        double[][] c0 = model.output(path.at(t), fromLayer);
        double[][] p1 = model.output(path.at(t + h), fromLayer);
        double[][] p2 = model.output(path.at(t + 2 * h), fromLayer);
        int n = c0.length;
        double fisher = 0;
        double kl = 0;
        double[] dp = new double[c0[0].length];
        for (int x = 0; x < n; x++) {
            for (int c = 0; c < dp.length; c++) {
                dp[c] = (-p2[x][c] + 8 * p1[x][c] - 8 * m1[x][c] + m2[x][c]) / (12 * h);
            }
            fisher += distribution.fisherTerm(c0[x], dp);
            kl += distribution.kl(base[x], c0[x]);
        }
        return new Point(t, fisher / n, kl / n);
    }
}
