package io.github.deaddirections.config;

import java.util.Objects;

/**
 * Every numeric setting of a read, with the defaults of METHOD.md. Settings marked [ours]
 * in METHOD.md are engineering choices; they live here so they can be changed and documented.
 * Immutable; build with {@link #builder()}.
 */
public final class ReadConfig {

    private final int fisherNullLimit;
    private final int radiusPoints;
    private final double radiusLow;
    private final double radiusHigh;
    private final double stencilFraction;
    private final double jacobianStep;
    private final double slopeTolerance;
    private final int minWindow;
    private final double roundingTolerance;
    private final double minR2;
    private final double nullSearchBelow;
    private final double fixedNullCut;
    private final double narrowGapDecades;
    private final double clearDecades;
    private final double gaugeTestEpsilon;
    private final int gaugeTestLimit;
    private final double gaugeTestTolerance;
    private final int gaugeTestExtraPoints;
    private final double deadWeightTolerance;
    private final double activationNullTolerance;
    private final long activationNullMaxCells;
    private final double outputNullTolerance;
    private final int outputNullMaxWidth;
    private final boolean gaussianFallback;
    private final double gaussianVariance;
    private final long seed;
    private final int maxReadsPerStructure;
    private final int maxReadsPerKind;
    private final int gaugeTestMaxPasses;
    private final double gaugeTestFisherMultiple;
    private final double noiseFloor;
    private final int parallelism;
    private final boolean gaugeCrossCheck;
    private final boolean readComponents;
    private final double cpuShare;

    private ReadConfig(Builder b) {
        this.fisherNullLimit = b.fisherNullLimit;
        this.radiusPoints = b.radiusPoints;
        this.radiusLow = b.radiusLow;
        this.radiusHigh = b.radiusHigh;
        this.stencilFraction = b.stencilFraction;
        this.jacobianStep = b.jacobianStep;
        this.slopeTolerance = b.slopeTolerance;
        this.minWindow = b.minWindow;
        this.roundingTolerance = b.roundingTolerance;
        this.minR2 = b.minR2;
        this.nullSearchBelow = b.nullSearchBelow;
        this.fixedNullCut = b.fixedNullCut;
        this.narrowGapDecades = b.narrowGapDecades;
        this.clearDecades = b.clearDecades;
        this.gaugeTestEpsilon = b.gaugeTestEpsilon;
        this.gaugeTestLimit = b.gaugeTestLimit;
        this.gaugeTestTolerance = b.gaugeTestTolerance;
        this.gaugeTestExtraPoints = b.gaugeTestExtraPoints;
        this.deadWeightTolerance = b.deadWeightTolerance;
        this.activationNullTolerance = b.activationNullTolerance;
        this.activationNullMaxCells = b.activationNullMaxCells;
        this.outputNullTolerance = b.outputNullTolerance;
        this.outputNullMaxWidth = b.outputNullMaxWidth;
        this.gaussianFallback = b.gaussianFallback;
        this.gaussianVariance = b.gaussianVariance;
        this.seed = b.seed;
        this.maxReadsPerStructure = b.maxReadsPerStructure;
        this.maxReadsPerKind = b.maxReadsPerKind;
        this.gaugeTestMaxPasses = b.gaugeTestMaxPasses;
        this.gaugeTestFisherMultiple = b.gaugeTestFisherMultiple;
        this.noiseFloor = b.noiseFloor;
        this.parallelism = b.parallelism;
        this.gaugeCrossCheck = b.gaugeCrossCheck;
        this.readComponents = b.readComponents;
        this.cpuShare = b.cpuShare;
    }

    public static ReadConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.fisherNullLimit = fisherNullLimit;
        b.radiusPoints = radiusPoints;
        b.radiusLow = radiusLow;
        b.radiusHigh = radiusHigh;
        b.stencilFraction = stencilFraction;
        b.jacobianStep = jacobianStep;
        b.slopeTolerance = slopeTolerance;
        b.minWindow = minWindow;
        b.roundingTolerance = roundingTolerance;
        b.minR2 = minR2;
        b.nullSearchBelow = nullSearchBelow;
        b.fixedNullCut = fixedNullCut;
        b.narrowGapDecades = narrowGapDecades;
        b.clearDecades = clearDecades;
        b.gaugeTestEpsilon = gaugeTestEpsilon;
        b.gaugeTestLimit = gaugeTestLimit;
        b.gaugeTestTolerance = gaugeTestTolerance;
        b.gaugeTestExtraPoints = gaugeTestExtraPoints;
        b.deadWeightTolerance = deadWeightTolerance;
        b.activationNullTolerance = activationNullTolerance;
        b.activationNullMaxCells = activationNullMaxCells;
        b.outputNullTolerance = outputNullTolerance;
        b.outputNullMaxWidth = outputNullMaxWidth;
        b.gaussianFallback = gaussianFallback;
        b.gaussianVariance = gaussianVariance;
        b.seed = seed;
        b.maxReadsPerStructure = maxReadsPerStructure;
        b.maxReadsPerKind = maxReadsPerKind;
        b.gaugeTestMaxPasses = gaugeTestMaxPasses;
        b.gaugeTestFisherMultiple = gaugeTestFisherMultiple;
        b.noiseFloor = noiseFloor;
        b.parallelism = parallelism;
        b.gaugeCrossCheck = gaugeCrossCheck;
        b.readComponents = readComponents;
        b.cpuShare = cpuShare;
        return b;
    }

    /** Largest P for which the exact expected Fisher (a P x P object) may be formed. */
    public int fisherNullLimit() { return fisherNullLimit; }
    /** Points of the geometric radius grid (METHOD 2.1 step 1). */
    public int radiusPoints() { return radiusPoints; }
    /** Smallest radius, relative to the direction's parameter scale s. */
    public double radiusLow() { return radiusLow; }
    /** Largest radius of the default grid, relative to s (the grid may extend up to s). */
    public double radiusHigh() { return radiusHigh; }
    /** Stencil step h as a fraction of the radius (METHOD 2.1 step 2: h = t/8). */
    public double stencilFraction() { return stencilFraction; }
    /** Step of the parameter-axis stencil that builds the exact Fisher, relative to the parameter scale. */
    public double jacobianStep() { return jacobianStep; }
    /** Largest spread of local slopes inside a window that still counts as stable. */
    public double slopeTolerance() { return slopeTolerance; }
    /** Fewest radii a stable window must hold. */
    public int minWindow() { return minWindow; }
    /** k = round(k-hat) only when |k-hat - round(k-hat)| is at most this (METHOD 2.1 step 4). */
    public double roundingTolerance() { return roundingTolerance; }
    /** Minimum R squared of the window fit for the order to count as read. */
    public double minR2() { return minR2; }
    /** The null/live gap is searched only below this eigenvalue, relative to the Fisher scale. */
    public double nullSearchBelow() { return nullSearchBelow; }
    /** Relative null cut used when the spectrum has no gap to cut at (all zero, or full rank). */
    public double fixedNullCut() { return fixedNullCut; }
    /** A gap narrower than this many decades flags the read. */
    public double narrowGapDecades() { return narrowGapDecades; }
    /** F_u must clear the null threshold by this many decades before the grid stops extending. */
    public double clearDecades() { return clearDecades; }
    /** Size of the random offsets of the generic gauge test, relative to the RMS parameter. */
    public double gaugeTestEpsilon() { return gaugeTestEpsilon; }
    /** Largest P for which the generic gauge test runs (it needs one exact Fisher per random point). */
    public int gaugeTestLimit() { return gaugeTestLimit; }
    /** Largest mean squared sine between a gauge direction and the nearby exact null spaces. */
    public double gaugeTestTolerance() { return gaugeTestTolerance; }
    /** Random points of the gauge test beyond the null dimension. */
    public int gaugeTestExtraPoints() { return gaugeTestExtraPoints; }
    /** A weight counts as exactly zero for a structural detector below this, relative to its layer's RMS. */
    public double deadWeightTolerance() { return deadWeightTolerance; }
    /** Relative singular value below which an activation-matrix direction is null. */
    public double activationNullTolerance() { return activationNullTolerance; }
    /** Largest activation matrix (rows x columns, doubles) activation-null forms for one layer; bigger layers are skipped with a warning. */
    public long activationNullMaxCells() { return activationNullMaxCells; }
    /** Relative singular-value cut of the output-null (K-FAC G side) factor's whitened Jacobian [ours]. */
    public double outputNullTolerance() { return outputNullTolerance; }
    /** Widest layer (outputs) output-null reads by stencils without the exact Fisher: 4 partial passes per output [ours]. */
    public int outputNullMaxWidth() { return outputNullMaxWidth; }
    /** Treat an unsupported loss as Gaussian instead of failing. */
    public boolean gaussianFallback() { return gaussianFallback; }
    /** sigma squared of the Gaussian output (METHOD 1: 1, [ours]). */
    public double gaussianVariance() { return gaussianVariance; }
    /** Seed of the random points of the gauge test and the Fisher scale probe. */
    public long seed() { return seed; }
    /** Orbits of one gauge read along their path before the rest (same exact mechanism) are claimed unread. */
    public int maxReadsPerStructure() { return maxReadsPerStructure; }
    /**
     * Genuine blocks of one kind (layer, mechanism, activation, fan-in, fan-out) read along their own
     * characteristic direction; when these all confirm their law, the rest of the kind is claimed
     * by the same law unread [ours].
     */
    public int maxReadsPerKind() { return maxReadsPerKind; }
    /** The most forward passes the generic gauge test may take; above it the test is left out with a note [ours]. */
    public int gaugeTestMaxPasses() { return gaugeTestMaxPasses; }
    /**
     * The generic gauge test may also cost at most this many exact Fishers' passes (4P + 1 each; never
     * less than 2,000 passes): on a trained model its Jacobians at every test point must not dominate
     * the read; above it the test is left out with a note [ours].
     */
    public double gaugeTestFisherMultiple() { return gaugeTestFisherMultiple; }
    /** Relative eigenvalue level of the stencil Jacobian's rounding noise; the null/live gap is never cut below it. */
    public double noiseFloor() { return noiseFloor; }
    /** Directions read at once, each on its own copy of the network (1 reads on the calling thread). */
    public int parallelism() { return parallelism; }
    /**
     * Also run the generic gauge test over the whole null space, as a cross-check of the detectors
     * (reported in the spectrum summary). Off by default: it costs one exact Fisher per random point
     * even when the detectors have explained everything.
     */
    public boolean gaugeCrossCheck() { return gaugeCrossCheck; }
    /**
     * Whether a genuine block's flat components (e.g. node death's outgoing-only and incoming-only
     * moves) are read too, as evidence of the block's anatomy in the report, on the first block of
     * each kind (layer, mechanism, activation, fan-in, fan-out: the others have the same anatomy). The block's class,
     * order and lambda come from its characteristic direction alone, so turning this off cuts the
     * read's cost without changing its numbers.
     */
    public boolean readComponents() { return readComponents; }
    /**
     * Share of one core a read may use (1: no limit). Below 1 the read sleeps between forward
     * passes; beside training this trades read latency for less interference.
     */
    public double cpuShare() { return cpuShare; }

    /** Builder with the defaults of METHOD.md; {@link #build()} validates every setting. */
    public static final class Builder {
        private int fisherNullLimit = 4096;
        private int radiusPoints = 16;
        private double radiusLow = 1e-3;
        private double radiusHigh = 1e-1;
        private double stencilFraction = 1.0 / 8.0;
        private double jacobianStep = 1e-4;
        private double slopeTolerance = 0.3;
        private int minWindow = 4;
        private double roundingTolerance = 0.15;
        private double minR2 = 0.99;
        private double nullSearchBelow = 1e-6;
        private double fixedNullCut = 1e-18;
        private double narrowGapDecades = 2.0;
        private double clearDecades = 3.0;
        private double gaugeTestEpsilon = 0.05;
        private int gaugeTestLimit = 1024;
        private double gaugeTestTolerance = 0.02;
        private int gaugeTestExtraPoints = 4;
        private double deadWeightTolerance = 1e-8;
        private double activationNullTolerance = 1e-10;
        private long activationNullMaxCells = 20_000_000L;
        private double outputNullTolerance = 1e-7;
        private int outputNullMaxWidth = 64;
        private boolean gaussianFallback = false;
        private double gaussianVariance = 1.0;
        private long seed = 42L;
        private int maxReadsPerStructure = 2;
        private int maxReadsPerKind = 4;
        private int gaugeTestMaxPasses = 200_000;
        private double gaugeTestFisherMultiple = 2.0;
        private double noiseFloor = 1e-18;
        private int parallelism = 1;
        private boolean gaugeCrossCheck = false;
        private boolean readComponents = true;
        private double cpuShare = 1.0;

        public Builder fisherNullLimit(int v) { this.fisherNullLimit = v; return this; }
        public Builder radiusPoints(int v) { this.radiusPoints = v; return this; }
        public Builder radiusLow(double v) { this.radiusLow = v; return this; }
        public Builder radiusHigh(double v) { this.radiusHigh = v; return this; }
        public Builder stencilFraction(double v) { this.stencilFraction = v; return this; }
        public Builder jacobianStep(double v) { this.jacobianStep = v; return this; }
        public Builder slopeTolerance(double v) { this.slopeTolerance = v; return this; }
        public Builder minWindow(int v) { this.minWindow = v; return this; }
        public Builder roundingTolerance(double v) { this.roundingTolerance = v; return this; }
        public Builder minR2(double v) { this.minR2 = v; return this; }
        public Builder nullSearchBelow(double v) { this.nullSearchBelow = v; return this; }
        public Builder fixedNullCut(double v) { this.fixedNullCut = v; return this; }
        public Builder narrowGapDecades(double v) { this.narrowGapDecades = v; return this; }
        public Builder clearDecades(double v) { this.clearDecades = v; return this; }
        public Builder gaugeTestEpsilon(double v) { this.gaugeTestEpsilon = v; return this; }
        public Builder gaugeTestLimit(int v) { this.gaugeTestLimit = v; return this; }
        public Builder gaugeTestTolerance(double v) { this.gaugeTestTolerance = v; return this; }
        public Builder gaugeTestExtraPoints(int v) { this.gaugeTestExtraPoints = v; return this; }
        public Builder deadWeightTolerance(double v) { this.deadWeightTolerance = v; return this; }
        public Builder activationNullTolerance(double v) { this.activationNullTolerance = v; return this; }
        public Builder activationNullMaxCells(long v) { this.activationNullMaxCells = v; return this; }
        public Builder outputNullTolerance(double v) { this.outputNullTolerance = v; return this; }
        public Builder outputNullMaxWidth(int v) { this.outputNullMaxWidth = v; return this; }
        public Builder gaussianFallback(boolean v) { this.gaussianFallback = v; return this; }
        public Builder gaussianVariance(double v) { this.gaussianVariance = v; return this; }
        public Builder seed(long v) { this.seed = v; return this; }
        public Builder maxReadsPerStructure(int v) { this.maxReadsPerStructure = v; return this; }
        public Builder maxReadsPerKind(int v) { this.maxReadsPerKind = v; return this; }
        public Builder gaugeTestMaxPasses(int v) { this.gaugeTestMaxPasses = v; return this; }
        public Builder gaugeTestFisherMultiple(double v) { this.gaugeTestFisherMultiple = v; return this; }
        public Builder noiseFloor(double v) { this.noiseFloor = v; return this; }
        public Builder parallelism(int v) { this.parallelism = v; return this; }
        public Builder gaugeCrossCheck(boolean v) { this.gaugeCrossCheck = v; return this; }
        public Builder readComponents(boolean v) { this.readComponents = v; return this; }
        public Builder cpuShare(double v) { this.cpuShare = v; return this; }

        public ReadConfig build() {
            positive("fisherNullLimit", fisherNullLimit);
            atLeast("radiusPoints", radiusPoints, 4);
            open01("radiusLow", radiusLow);
            open01("radiusHigh", radiusHigh);
            if (radiusLow >= radiusHigh) {
                throw new ConfigException("radiusLow", radiusLow + " must be below radiusHigh (" + radiusHigh + ")");
            }
            open01("stencilFraction", stencilFraction);
            open01("jacobianStep", jacobianStep);
            positive("slopeTolerance", slopeTolerance);
            atLeast("minWindow", minWindow, 3);
            if (!(roundingTolerance > 0 && roundingTolerance < 0.5)) {
                throw new ConfigException("roundingTolerance", roundingTolerance + " must lie in (0, 0.5)");
            }
            open01("minR2", minR2);
            open01("nullSearchBelow", nullSearchBelow);
            open01("fixedNullCut", fixedNullCut);
            positive("narrowGapDecades", narrowGapDecades);
            positive("clearDecades", clearDecades);
            open01("gaugeTestEpsilon", gaugeTestEpsilon);
            atLeast("gaugeTestLimit", gaugeTestLimit, 0);
            open01("gaugeTestTolerance", gaugeTestTolerance);
            atLeast("gaugeTestExtraPoints", gaugeTestExtraPoints, 1);
            open01("deadWeightTolerance", deadWeightTolerance);
            open01("activationNullTolerance", activationNullTolerance);
            open01("outputNullTolerance", outputNullTolerance);
            if (outputNullMaxWidth < 0) {
                throw new ConfigException("outputNullMaxWidth", outputNullMaxWidth + " must not be negative (0 turns the stencils off)");
            }
            if (activationNullMaxCells <= 0) {
                throw new ConfigException("activationNullMaxCells", activationNullMaxCells + " must be positive");
            }
            positive("gaussianVariance", gaussianVariance);
            atLeast("maxReadsPerStructure", maxReadsPerStructure, 1);
            atLeast("maxReadsPerKind", maxReadsPerKind, 1);
            atLeast("gaugeTestMaxPasses", gaugeTestMaxPasses, 0);
            positive("gaugeTestFisherMultiple", gaugeTestFisherMultiple);
            open01("noiseFloor", noiseFloor);
            atLeast("parallelism", parallelism, 1);
            if (!(cpuShare > 0 && cpuShare <= 1)) {
                throw new ConfigException("cpuShare", cpuShare + " must lie in (0, 1]");
            }
            return new ReadConfig(this);
        }

        private static void positive(String key, double v) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new ConfigException(key, v + " must be a positive finite number");
            }
        }

        private static void atLeast(String key, int v, int min) {
            if (v < min) {
                throw new ConfigException(key, v + " must be at least " + min);
            }
        }

        private static void open01(String key, double v) {
            if (!(v > 0 && v < 1)) {
                throw new ConfigException(key, v + " must lie strictly between 0 and 1");
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReadConfig c && toString().equals(c.toString());
    }

    @Override
    public int hashCode() {
        return Objects.hash(toString());
    }

    @Override
    public String toString() {
        return "ReadConfig{fisherNullLimit=" + fisherNullLimit + ", radiusPoints=" + radiusPoints
                + ", radiusLow=" + radiusLow + ", radiusHigh=" + radiusHigh + ", stencilFraction=" + stencilFraction
                + ", jacobianStep=" + jacobianStep + ", slopeTolerance=" + slopeTolerance + ", minWindow=" + minWindow
                + ", roundingTolerance=" + roundingTolerance + ", minR2=" + minR2 + ", nullSearchBelow=" + nullSearchBelow
                + ", fixedNullCut=" + fixedNullCut + ", narrowGapDecades=" + narrowGapDecades
                + ", clearDecades=" + clearDecades + ", gaugeTestEpsilon=" + gaugeTestEpsilon
                + ", gaugeTestLimit=" + gaugeTestLimit + ", gaugeTestTolerance=" + gaugeTestTolerance
                + ", gaugeTestExtraPoints=" + gaugeTestExtraPoints + ", deadWeightTolerance=" + deadWeightTolerance
                + ", activationNullTolerance=" + activationNullTolerance
                + ", activationNullMaxCells=" + activationNullMaxCells + ", outputNullTolerance=" + outputNullTolerance
                + ", outputNullMaxWidth=" + outputNullMaxWidth + ", gaussianFallback=" + gaussianFallback
                + ", gaussianVariance=" + gaussianVariance + ", seed=" + seed
                + ", maxReadsPerStructure=" + maxReadsPerStructure + ", maxReadsPerKind=" + maxReadsPerKind
                + ", gaugeTestMaxPasses=" + gaugeTestMaxPasses + ", gaugeTestFisherMultiple=" + gaugeTestFisherMultiple + ", noiseFloor=" + noiseFloor + ", parallelism=" + parallelism
                + ", gaugeCrossCheck=" + gaugeCrossCheck + ", readComponents=" + readComponents + ", cpuShare=" + cpuShare + "}";
    }
}
