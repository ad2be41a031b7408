package io.github.deaddirections.fisher;

/**
 * The eigen-decomposition of the exact expected Fisher at one point, cut into live and null
 * (METHOD 3, null threshold [ours]): the largest gap of the log-spectrum below
 * {@code nullSearchBelow} times the Fisher scale, or a fixed relative cut when there is no gap.
 * A gap narrower than {@code minGapDecades} is no gap, unless everything below it sits at the
 * stencil's rounding floor (exact zeros): a spectrum that merely thins out, as an ill-conditioned
 * sigmoid network's does, has no null space to cut.
 *
 * @param eigenvalues  all P eigenvalues, descending (zero-padded beyond the Jacobian's rows)
 * @param eigenvectors eigenvectors as rows, in the same order ({@code eigenvectors[i]} has length P)
 * @param scale        the Fisher scale thresholds are relative to (METHOD 2.1 step 1)
 * @param rank         number of live eigenvalues
 * @param threshold    absolute null threshold: an eigenvalue or a directional Fisher below it is null
 * @param gapDecades   decades between the smallest live and the largest null eigenvalue (NaN if no gap)
 */
public record FisherSpectrum(double[] eigenvalues, double[][] eigenvectors, double scale, int rank,
                             double threshold, double gapDecades) {

    /** Orthonormal basis of the null space: the eigenvectors past the rank. */
    public double[][] nullBasis() {
        double[][] basis = new double[eigenvalues.length - rank][];
        for (int i = rank; i < eigenvalues.length; i++) {
            basis[i - rank] = eigenvectors[i];
        }
        return basis;
    }

    public int nullDimension() {
        return eigenvalues.length - rank;
    }

    /**
     * Cuts a spectrum (descending, non-negative) into live and null.
     *
     * @param scale           Fisher scale, used when the spectrum itself is all zero
     * @param searchBelow     only gaps whose lower end is below this (relative) are candidates
     * @param fixedCut        relative cut when there is no gap
     * @param noiseFloor      relative level below which eigenvalues are rounding noise of the stencil
     *                        Jacobian (about (machine epsilon / step)^2): gaps between two values
     *                        that both lie below it are not structure and are never cut at
     * @param minGapDecades   a gap narrower than this is a cut only when its lower side is at the noise floor
     */
    public static FisherSpectrum cut(double[] eigenvalues, double[][] eigenvectors, double scale, double searchBelow,
                                     double fixedCut, double noiseFloor, double minGapDecades) {
        int p = eigenvalues.length;
        double floor = scale * 1e-40;
        int bestRank = -1;
        double bestGap = 0;
        for (int i = 0; i + 1 < p; i++) {
            double hi = Math.max(eigenvalues[i], floor);
            double lo = Math.max(eigenvalues[i + 1], floor);
            if (lo >= searchBelow * scale || hi <= noiseFloor * scale) {
                continue;
            }
            double gap = Math.log10(hi / lo);
            if (gap < minGapDecades && lo > noiseFloor * scale) {
                continue; // the spectrum thins out here; nothing exact lies below
            }
            if (gap > bestGap) {
                bestGap = gap;
                bestRank = i + 1;
            }
        }
        if (bestRank < 0) {
            double threshold = fixedCut * scale;
            int rank = 0;
            while (rank < p && eigenvalues[rank] > threshold) {
                rank++;
            }
            return new FisherSpectrum(eigenvalues, eigenvectors, scale, rank, threshold, Double.NaN);
        }
        double hi = Math.max(eigenvalues[bestRank - 1], floor);
        double lo = Math.max(eigenvalues[bestRank], floor);
        return new FisherSpectrum(eigenvalues, eigenvectors, scale, bestRank, Math.sqrt(hi * lo), bestGap);
    }
}
