package io.github.deaddirections.read;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.fisher.DirectionalCurve;
import io.github.deaddirections.fisher.Path;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one direction (METHOD 2.1): computes {@code F_u} and {@code K_u} on the radius grid,
 * extends the grid upward (up to t = s) while {@code F_u} has not cleared the null threshold by
 * the configured decades, then fits the rate.
 */
public final class DirectionReader {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DirectionReader.class);

    private final DirectionalCurve curve;
    private final ReadConfig config;
    private final RateFit fit;
    private final double nullThreshold;

    public DirectionReader(DirectionalCurve curve, ReadConfig config, double nullThreshold) {
        this.curve = curve;
        this.config = config;
        this.fit = RateFit.from(config);
        this.nullThreshold = nullThreshold;
    }

    /**
     * @param role  the direction's role in its structure
     * @param path  the straight line or orbit to read along (speed 1 at t = 0)
     * @param scale the parameter scale s of the direction (see {@link RadiusGrid#scaleOf})
     */
    public DirectionRead read(String role, Path path, double scale) {
        return read(role, path, scale, 0);
    }

    /** A reader computing on another (independent) model, for parallel reads. */
    public DirectionReader on(io.github.deaddirections.snapshot.ForwardModel other) {
        return new DirectionReader(curve.on(other), config, nullThreshold);
    }

    /**
     * @param fromLayer first layer position the path moves (layers below are cached, METHOD 7)
     */
    public DirectionRead read(String role, Path path, double scale, int fromLayer) {
        RadiusGrid grid = new RadiusGrid(scale, config.radiusLow(), config.radiusHigh(), config.radiusPoints());
        List<DirectionalCurve.Point> points = new ArrayList<>();
        double clearLevel = nullThreshold * Math.pow(10, config.clearDecades());
        double max = 0;
        for (int i = 0; i < grid.points(); i++) {
            DirectionalCurve.Point pt = curve.at(path, grid.radius(i), fromLayer);
            points.add(pt);
            max = Math.max(max, pt.fisher());
        }
        // High orders rise slowly: continue upward until F_u clears the floor, then a few more
        // radii so that a window can form above it.
        int extra = -1;
        for (int i = grid.points(); grid.radius(i) <= grid.ceiling() * (1 + 1e-12); i++) {
            if (max > clearLevel) {
                if (extra < 0) {
                    extra = countAbove(points, nullThreshold) >= config.minWindow() ? 0 : config.minWindow();
                }
                if (extra == 0) {
                    break;
                }
                extra--;
            }
            DirectionalCurve.Point pt = curve.at(path, grid.radius(i), fromLayer);
            points.add(pt);
            max = Math.max(max, pt.fisher());
        }
        double[] radii = new double[points.size()];
        double[] fisher = new double[points.size()];
        double[] kl = new double[points.size()];
        for (int i = 0; i < radii.length; i++) {
            radii[i] = points.get(i).radius();
            fisher[i] = points.get(i).fisher();
            kl[i] = points.get(i).kl();
        }
        RateEstimate estimate = fit.fit(radii, fisher, nullThreshold);
        DirectionRead read = new DirectionRead(role, radii, fisher, kl, estimate, max > clearLevel);
        LOG.debug("{}: {} radii ({} passes from layer {}): {}", role, radii.length, 5 * radii.length, fromLayer,
                read.verdict());
        if (LOG.isDebugEnabled() && read.verdict() == RateEstimate.Verdict.UNRESOLVED) {
            StringBuilder profile = new StringBuilder();
            for (int i = 0; i < radii.length; i++) {
                profile.append(String.format(java.util.Locale.ROOT, " %.2g:%.2g", radii[i], fisher[i] / nullThreshold));
            }
            LOG.debug("{}: F_u / null threshold by radius:{}", role, profile);
        }
        return read;
    }

    private static int countAbove(List<DirectionalCurve.Point> points, double threshold) {
        int n = 0;
        for (DirectionalCurve.Point p : points) {
            if (p.fisher() > threshold) {
                n++;
            }
        }
        return n;
    }
}
