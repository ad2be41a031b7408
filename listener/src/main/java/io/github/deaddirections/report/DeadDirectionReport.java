package io.github.deaddirections.report;

import io.github.deaddirections.resolve.Resolution;

import java.util.List;
import java.util.Optional;

/**
 * The result of one read: every dead direction with its order and class, grouped into
 * structures, and the global (lambda, m) at theta-hat, lambda(infinity); beside it the resolution
 * lambda(n) at sample size n (METHOD 8). Immutable. {@link ReportJson} writes it in the
 * {@code dead-directions/v2} schema; {@link ReportTable} as a table for people.
 *
 * @param parameters   P, all trainable parameters
 * @param probeSamples N, probe inputs used at every radius
 * @param fisherRank   rank of the exact expected Fisher, or null when it was not computed (P above
 *                     the fisher-null limit)
 * @param spectrum     how the null space was cut from the spectrum (null with fisherRank)
 * @param resolution   lambda(n), m(n) and the phases compared, or null when the read was not resolved
 */
public record DeadDirectionReport(
        int parameters,
        int probeSamples,
        Integer fisherRank,
        List<StructureReport> structures,
        GlobalReport global,
        ReadTiming timing,
        SpectrumSummary spectrum,
        Resolution resolution) {

    public static final String SCHEMA = "dead-directions/v2";

    public DeadDirectionReport {
        structures = List.copyOf(structures);
    }

    /** A report without a resolution (lambda(infinity) only). */
    public DeadDirectionReport(int parameters, int probeSamples, Integer fisherRank, List<StructureReport> structures,
                               GlobalReport global, ReadTiming timing, SpectrumSummary spectrum) {
        this(parameters, probeSamples, fisherRank, structures, global, timing, spectrum, null);
    }

    /**
     * The same report with its resolution. {@code timing} stays the exact read's; the resolution
     * reports its own passes and time.
     */
    public DeadDirectionReport withResolution(Resolution resolution) {
        return new DeadDirectionReport(parameters, probeSamples, fisherRank, structures, global, timing, spectrum, resolution);
    }

    public Optional<Resolution> resolutionSummary() {
        return Optional.ofNullable(resolution);
    }

    public Optional<SpectrumSummary> spectrumSummary() {
        return Optional.ofNullable(spectrum);
    }

    /** The structures of one class, in report order. */
    public List<StructureReport> structuresOf(StructureClass structureClass) {
        return structures.stream().filter(s -> s.structureClass() == structureClass).toList();
    }

    /**
     * Where the Fisher spectrum was cut into live and null (METHOD 3, null threshold).
     *
     * @param fisherScale        the largest eigenvalue thresholds are relative to
     * @param nullThreshold      absolute eigenvalue threshold below which a direction counts as null
     * @param gapDecades         width of the log-spectrum gap the cut sits in (NaN when there is none)
     * @param narrowGap          true when the gap is under two decades: the rank is then uncertain
     * @param genericGaugeDimension what the generic gauge test (METHOD 3) found over the whole null
     *                           space, as a cross-check of the detectors; -1 when it did not run
     * @param probeLimited       true when probe samples x outputs is below P: the Fisher's rank is
     *                           then capped by the probe and some null directions are the probe's,
     *                           not the network's
     */
    public record SpectrumSummary(double fisherScale, double nullThreshold, double gapDecades,
                                  boolean narrowGap, int genericGaugeDimension, boolean probeLimited) {
    }
}
