package io.github.deaddirections.oracle;

/**
 * The oracle's gap rule: where to cut a singular-value spectrum into live and null.
 *
 * <p>Values are taken relative to the largest, in singular value (the square root of the Fisher's
 * eigenvalue). Exact nulls of a float64 complex-step Jacobian sit at about 1e-15; live directions of
 * the random networks sit above 1e-4. The cut is the widest gap in log10 between neighbours whose
 * lower member is below {@link #CANDIDATE} (1e-6 in singular value, 1e-12 in eigenvalue); with no
 * value below it the spectrum is full rank. The cut is <b>clean</b> when the live side ends at or
 * above {@link #LIVE_FLOOR} (1e-8, eigenvalue 1e-16), the null side starts at or below
 * {@link #NULL_CEILING} (1e-11) and the gap is at least {@link #MIN_GAP} decades. A spectrum that is not clean is ill-conditioned: the oracle cannot say its
 * rank, and the network is counted as such, not compared.
 *
 * @param rank        number of live values
 * @param gapDecades  log10(live end / null start); +infinity for full rank
 * @param liveEnd     smallest live value, relative
 * @param nullStart   largest null value, relative (0 when full rank)
 */
record RankCut(int rank, double gapDecades, double liveEnd, double nullStart) {

    static final double CANDIDATE = 1e-6;
    static final double LIVE_FLOOR = 1e-8;
    static final double MIN_GAP = 4;
    static final double NULL_CEILING = 1e-11;
    static final double FLOOR = 1e-16;

    static RankCut of(Spectrum s) {
        int n = s.values.length;
        if (n == 0 || s.largest() == 0) {
            return new RankCut(0, Double.POSITIVE_INFINITY, 0, 0);
        }
        int best = -1;
        double widest = -1;
        for (int i = 0; i + 1 < n; i++) {
            double lower = s.relative(i + 1);
            if (lower >= CANDIDATE) {
                continue;
            }
            // Below the float64 rounding every value is the same zero: exactly-zero columns give 0, others 1e-19.
            double gap = Math.log10(Math.max(s.relative(i), FLOOR) / Math.max(lower, FLOOR));
            if (gap > widest) {
                widest = gap;
                best = i;
            }
        }
        if (best < 0) {
            return new RankCut(n, Double.POSITIVE_INFINITY, s.relative(n - 1), 0);
        }
        return new RankCut(best + 1, widest, s.relative(best), s.relative(best + 1));
    }

    boolean clean() {
        return liveEnd >= LIVE_FLOOR && nullStart <= NULL_CEILING && gapDecades >= MIN_GAP;
    }
}
