package io.github.deaddirections.read;

/**
 * The geometric radius grid of METHOD 2.1 step 1: {@code points} radii over
 * {@code [low, high] * s}, where s is the scale of the parameters the direction touches; it can
 * be continued upward with the same ratio, up to {@code t = s}.
 */
public final class RadiusGrid {

    private final double scale;
    private final double low;
    private final double ratio;
    private final int points;

    public RadiusGrid(double scale, double low, double high, int points) {
        if (!(scale > 0) || !(low > 0) || !(high > low) || points < 2) {
            throw new IllegalArgumentException("bad radius grid: scale " + scale + ", [" + low + ", " + high + "], " + points);
        }
        this.scale = scale;
        this.low = low;
        this.points = points;
        this.ratio = Math.pow(high / low, 1.0 / (points - 1));
    }

    /** The radius with index i; indices past {@code points - 1} continue the grid upward. */
    public double radius(int i) {
        return scale * low * Math.pow(ratio, i);
    }

    public int points() {
        return points;
    }

    /** Largest radius the grid may be extended to: the scale s itself. */
    public double ceiling() {
        return scale;
    }

    public double scale() {
        return scale;
    }

    /**
     * The scale of a direction: RMS of the parameters it touches, else of their layer, else of
     * the network, else 1 (planted cells sit at exactly 0).
     */
    public static double scaleOf(double directionRms, double layerRms, double networkRms) {
        if (directionRms > 0) {
            return directionRms;
        }
        if (layerRms > 0) {
            return layerRms;
        }
        if (networkRms > 0) {
            return networkRms;
        }
        return 1.0;
    }
}
