package io.github.deaddirections;

import io.github.deaddirections.assemble.Assembly;
import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.assemble.SingularFluctuation;
import io.github.deaddirections.classify.ClassifiedStructure;
import io.github.deaddirections.classify.Classifier;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.detect.ActivationNullDetector;
import io.github.deaddirections.detect.BatchNormGaugeDetector;
import io.github.deaddirections.detect.AttentionGaugeDetector;
import io.github.deaddirections.detect.BiasShiftGaugeDetector;
import io.github.deaddirections.detect.Candidate;
import io.github.deaddirections.detect.DeepLinearChainDetector;
import io.github.deaddirections.detect.DetectionContext;
import io.github.deaddirections.detect.DuplicateUnitDetector;
import io.github.deaddirections.detect.Detector;
import io.github.deaddirections.detect.Directions;
import io.github.deaddirections.detect.FisherNullDetector;
import io.github.deaddirections.detect.InactiveUnitDetector;
import io.github.deaddirections.detect.KinkMargins;
import io.github.deaddirections.detect.LinearGroupDetector;
import io.github.deaddirections.detect.LayerNormGaugeDetector;
import io.github.deaddirections.detect.Layers;
import io.github.deaddirections.detect.LogitShiftGaugeDetector;
import io.github.deaddirections.detect.NodeDeathDetector;
import io.github.deaddirections.detect.OutputNullDetector;
import io.github.deaddirections.detect.ReducedRankDetector;
import io.github.deaddirections.detect.RescalingGaugeDetector;
import io.github.deaddirections.fisher.DirectionalCurve;
import io.github.deaddirections.fisher.ExpectedFisher;
import io.github.deaddirections.fisher.FisherSpectrum;
import io.github.deaddirections.fisher.OutputDistribution;
import io.github.deaddirections.snapshot.BranchPoints;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.read.DirectionRead;
import io.github.deaddirections.read.DirectionReader;
import io.github.deaddirections.read.ReadPool;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.DirectionReport;
import io.github.deaddirections.report.GlobalReport;
import io.github.deaddirections.report.ReadTiming;
import io.github.deaddirections.report.StructureClass;
import io.github.deaddirections.report.StructureReport;
import io.github.deaddirections.resolve.ExactReader;
import io.github.deaddirections.resolve.Resolution;
import io.github.deaddirections.resolve.Resolver;
import io.github.deaddirections.resolve.SampleSize;
import io.github.deaddirections.snapshot.LayerInfo;
import io.github.deaddirections.snapshot.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The dead-direction read: snapshot, then candidates, curves, classes, blocks, report
 * (METHOD 1-6). Deterministic: no sampling, and the same snapshot and settings give the same
 * report (timing aside). Thread-safe: a reader holds only settings and detectors.
 *
 * <pre>{@code
 * DeadDirectionReport report = DeadDirectionReader.withDefaults().read(Snapshot.of(network, probe));
 * System.out.println(ReportTable.render(report));
 * }</pre>
 */
public final class DeadDirectionReader {

    private static final Logger LOG = LoggerFactory.getLogger(DeadDirectionReader.class);

    private final ReadConfig config;
    private final List<Detector> detectors;

    private DeadDirectionReader(ReadConfig config, List<Detector> detectors) {
        this.config = config;
        this.detectors = List.copyOf(detectors);
    }

    public static DeadDirectionReader withDefaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The built-in detectors in precedence order (product blocks before node death, gauges after blocks). */
    public static List<Detector> defaultDetectors() {
        return List.of(new DeepLinearChainDetector(), new ReducedRankDetector(), new NodeDeathDetector(), new LinearGroupDetector(), new DuplicateUnitDetector(),
                new InactiveUnitDetector(), new RescalingGaugeDetector(), new BiasShiftGaugeDetector(), new LogitShiftGaugeDetector(), new LayerNormGaugeDetector(),
                new BatchNormGaugeDetector(), new AttentionGaugeDetector(), new ActivationNullDetector(),
                new OutputNullDetector(), new FisherNullDetector());
    }

    public ReadConfig config() {
        return config;
    }

    public List<Detector> detectors() {
        return detectors;
    }

    /**
     * Reads a snapshot: lambda(infinity) at theta-hat and lambda(n) at n = the probe size. A
     * Gaussian output then has no lambda(n) (its noise variance is unknown; the resolution says so):
     * use {@link #read(Snapshot, SampleSize)}.
     *
     * @throws ReadInputException for an unsupported loss (or layer, when the exact Fisher cannot
     *                            stand in for the structural detectors)
     */
    public DeadDirectionReport read(Snapshot snapshot) {
        return read(snapshot, SampleSize.ofProbe());
    }

    /**
     * Reads a snapshot and resolves it at a sample size (METHOD 8): the exact read at theta-hat, then
     * the phases' free energies, each phase read exactly at its snapped theta*.
     */
    public DeadDirectionReport read(Snapshot snapshot, SampleSize sampleSize) {
        DeadDirectionReport exact = readExact(snapshot);
        // At theta* only lambda and m are wanted: the components' reads are evidence for the report
        // and never decide a block's order, so the reads there skip them.
        DeadDirectionReader atSnap = new DeadDirectionReader(config.toBuilder().readComponents(false).build(), detectors);
        Resolution resolution = new Resolver(config).resolve(snapshot, exact.global().learningCoefficient(),
                exact.global().multiplicity(), sampleSize, snapped -> {
                    DeadDirectionReport at = atSnap.readExact(snapped);
                    return new ExactReader.Coefficients(at.global().learningCoefficient(), at.global().multiplicity());
                });
        LOG.debug("resolution at n = {}: lambda(n) = {}, m(n) = {}, {} phases, {} ms, {} forward passes",
                resolution.sampleSize(), resolution.learningCoefficient(), resolution.multiplicity(), resolution.phases().size(),
                resolution.millis(), resolution.forwardPasses());
        return exact.withResolution(resolution);
    }

    /**
     * The exact read alone: lambda(infinity), m(infinity) at theta-hat, no resolution (the report's
     * {@code resolution} is null).
     */
    public DeadDirectionReport readExact(Snapshot snapshot) {
        long start = System.nanoTime();
        long passesBefore = snapshot.model().forwardPasses();
        snapshot.model().pacing(config.cpuShare());
        OutputDistribution distribution = OutputDistribution.of(snapshot.outputLayer(), config);
        int p = snapshot.parameterCount();
        List<String> uncovered = uncoveredLayers(snapshot);
        boolean exactPath = p <= config.fisherNullLimit();
        if (!exactPath && !uncovered.isEmpty()) {
            throw new ReadInputException("no structural detector understands layer(s) " + String.join(", ", describe(snapshot, uncovered))
                    + " and the model has " + p + " parameters, above the fisher-null limit of " + config.fisherNullLimit()
                    + ": raise fisherNullLimit or register a detector for that layer type");
        }

        double[] theta = snapshot.parametersView();
        double[] coordinateScale = coordinateScales(snapshot);
        ExpectedFisher fisher = new ExpectedFisher(snapshot.model(), distribution, snapshot.layerPositions(),
                BranchPoints.alongParameters(snapshot), config.jacobianStep());
        FisherSpectrum spectrum = null;
        double threshold;
        double scale;
        if (exactPath) {
            double[] eigenvalues = new double[p];
            double[][] vectors = fisher.eigen(theta, coordinateScale, eigenvalues);
            scale = eigenvalues[0] > 0 ? eigenvalues[0] : fisher.largestEigenvalue(nearbyPoint(snapshot), coordinateScale);
            scale = scale > 0 ? scale : 1.0;
            spectrum = FisherSpectrum.cut(eigenvalues, vectors, scale, config.nullSearchBelow(), config.fixedNullCut(),
                    config.noiseFloor(), config.narrowGapDecades());
            threshold = spectrum.threshold();
        } else {
            scale = traceEstimate(snapshot, distribution);
            threshold = config.fixedNullCut() * scale;
        }

        double[][] base = snapshot.model().output(theta);
        DirectionReader reader = new DirectionReader(
                new DirectionalCurve(snapshot.model(), distribution, config.stencilFraction(), base), config, threshold);
        DetectionContext context = new DetectionContext(snapshot, config, spectrum);
        List<Candidate> candidates = new ArrayList<>();
        for (Detector d : detectors) {
            long detectorStart = System.nanoTime();
            long detectorPasses = snapshot.model().forwardPasses();
            List<Candidate> found = d.detect(context);
            candidates.addAll(found);
            LOG.debug("detector {}: {} candidates, {} forward passes, {} ms", d.mechanism(), found.size(),
                    snapshot.model().forwardPasses() - detectorPasses, (System.nanoTime() - detectorStart) / 1_000_000);
        }
        long classifyStart = System.nanoTime();
        long classifyPasses = snapshot.model().forwardPasses();
        Classifier classifier;
        List<ClassifiedStructure> structures;
        try (ReadPool pool = new ReadPool(reader, snapshot.model(), config.parallelism())) {
            classifier = new Classifier(snapshot, config, pool, fisher, exactPath, coordinateScale, scale,
                    KinkMargins.of(context));
            structures = classifier.classify(candidates, spectrum);
        }
        LOG.debug("classification: {} structures, {} forward passes, {} ms", structures.size(),
                snapshot.model().forwardPasses() - classifyPasses, (System.nanoTime() - classifyStart) / 1_000_000);

        int gauge = 0;
        int genuine = 0;
        int genuineDims = 0;
        int unresolved = 0;
        List<BlockLaw> laws = new ArrayList<>();
        List<StructureReport> reports = new ArrayList<>();
        for (ClassifiedStructure s : structures) {
            switch (s.structureClass()) {
                case FLAT_GAUGE -> gauge += s.dimension();
                case GENUINE_SINGULARITY -> {
                    genuine++;
                    genuineDims += s.dimension();
                    laws.add(s.law());
                }
                case UNRESOLVED -> unresolved += s.dimension();
                default -> {
                }
            }
            reports.add(toReport(s));
        }
        int regular = exactPath ? spectrum.rank() : p - gauge - genuineDims - unresolved;
        Assembly assembly = Assembly.of(regular, laws, unresolved == 0 && exactPath);
        List<String> skipped = new ArrayList<>(context.skips());
        skipped.addAll(classifier.notes());
        GlobalReport global = new GlobalReport(assembly.learningCoefficient(), assembly.multiplicity(), null, regular, gauge,
                genuine, unresolved, uncovered, skipped, assembly.exact(), classifier.blocksRead(),
                classifier.blocksClaimedByLaw());
        DeadDirectionReport.SpectrumSummary summary = spectrum == null ? null : new DeadDirectionReport.SpectrumSummary(
                spectrum.scale(), spectrum.threshold(), spectrum.gapDecades(),
                !Double.isNaN(spectrum.gapDecades()) && spectrum.gapDecades() < config.narrowGapDecades(),
                classifier.genericGaugeDimension(), (long) base.length * base[0].length < p);
        double millis = (System.nanoTime() - start) / 1e6;
        long passes = snapshot.model().forwardPasses() - passesBefore;
        if (summary != null && summary.probeLimited()) {
            LOG.debug("the probe has {} samples x {} outputs, fewer than the {} parameters: the Fisher rank is capped by the"
                    + " probe and some dead directions are the probe's; use at least {} probe samples", base.length,
                    base[0].length, p, (p + base[0].length - 1) / base[0].length);
        }
        if (summary != null && summary.narrowGap()) {
            LOG.debug("the Fisher spectrum has only a {}-decade gap between live and null: the rank {} is uncertain",
                    String.format("%.1f", summary.gapDecades()), spectrum.rank());
        }
        LOG.debug("read of {} parameters: lambda = {}, m = {}, {} structures, {} ms, {} forward passes", p,
                assembly.learningCoefficient(), assembly.multiplicity(), reports.size(), millis, passes);
        return new DeadDirectionReport(p, snapshot.probeSamples(), exactPath ? spectrum.rank() : null, reports, global,
                new ReadTiming(millis, passes), summary);
    }

    private static StructureReport toReport(ClassifiedStructure s) {
        List<DirectionReport> directions = new ArrayList<>();
        for (DirectionRead r : s.reads()) {
            directions.add(r.toReport());
        }
        Integer order = null;
        Double lambda = null;
        Integer m = null;
        Double nu = null;
        boolean exact = true;
        switch (s.structureClass()) {
            case GENUINE_SINGULARITY -> {
                order = s.order();
                lambda = s.law().learningCoefficient();
                m = s.law().multiplicity();
                nu = SingularFluctuation.of(s.order());
                exact = s.law().exact();
            }
            case FLAT_GAUGE -> {
                lambda = 0.0;
                m = 1;
            }
            case REGULAR -> order = 1;
            default -> exact = false;
        }
        return new StructureReport(s.id(), s.mechanism(), s.structureClass(), s.layers(), s.dimension(), order, lambda, m, nu,
                exact, directions, s.certificate(), s.claimedByLaw());
    }

    private List<String> uncoveredLayers(Snapshot snapshot) {
        List<String> out = new ArrayList<>();
        for (LayerInfo layer : snapshot.layers()) {
            if (!Layers.hasParameters(snapshot, layer)) {
                continue;
            }
            boolean covered = detectors.stream().anyMatch(d -> d.understands(layer));
            if (!covered) {
                out.add(layer.name());
            }
        }
        return out;
    }

    private static List<String> describe(Snapshot snapshot, List<String> layers) {
        return layers.stream().map(l -> l + " (" + snapshot.layer(l).typeName() + ")").toList();
    }

    /** Per-parameter scale: the RMS of its layer, else of the network, else 1. */
    private static double[] coordinateScales(Snapshot snapshot) {
        double[] s = new double[snapshot.parameterCount()];
        double net = snapshot.rms();
        for (LayerInfo layer : snapshot.layers()) {
            int[] idx = snapshot.layout().indicesOf(layer.name());
            double rms = snapshot.rms(idx);
            for (int i : idx) {
                s[i] = rms > 0 ? rms : (net > 0 ? net : 1.0);
            }
        }
        for (int i = 0; i < s.length; i++) {
            if (!(s[i] > 0)) {
                s[i] = 1.0;
            }
        }
        return s;
    }

    /** A generic point near theta-hat, for the Fisher scale when F(theta-hat) = 0 (METHOD 2.1 step 1). */
    private double[] nearbyPoint(Snapshot snapshot) {
        SplittableRandom random = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
        double[] theta = snapshot.parameters();
        double rms = snapshot.rms();
        double eps = config.gaugeTestEpsilon() * (rms > 0 ? rms : 1.0);
        double[] r = new double[theta.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = random.nextDouble() * 2 - 1;
        }
        r = Directions.normalise(r);
        for (int i = 0; i < r.length; i++) {
            theta[i] += eps * r[i];
        }
        return theta;
    }

    /**
     * Without the exact Fisher: P times the mean directional Fisher over a few random directions,
     * an estimate of trace(F), which bounds the largest eigenvalue from above.
     */
    private double traceEstimate(Snapshot snapshot, OutputDistribution distribution) {
        SplittableRandom random = new SplittableRandom(config.seed());
        double[] theta = snapshot.parametersView();
        double[][] base = snapshot.model().output(theta);
        DirectionalCurve curve = new DirectionalCurve(snapshot.model(), distribution, config.stencilFraction(), base);
        double rms = snapshot.rms() > 0 ? snapshot.rms() : 1.0;
        double sum = 0;
        int probes = 4;
        for (int k = 0; k < probes; k++) {
            double[] u = new double[theta.length];
            for (int i = 0; i < u.length; i++) {
                u[i] = random.nextDouble() * 2 - 1;
            }
            u = Directions.normalise(u);
            sum += curve.at(Path.straight(theta, io.github.deaddirections.detect.Direction.of(u)), config.radiusLow() * rms).fisher();
        }
        double trace = sum / probes * theta.length;
        return trace > 0 ? trace : 1.0;
    }

    /** Builder: settings and detectors; user detectors run after the built-in ones unless replaced. */
    public static final class Builder {
        private ReadConfig config = ReadConfig.defaults();
        private final List<Detector> detectors = new ArrayList<>(defaultDetectors());

        public Builder config(ReadConfig config) {
            this.config = config;
            return this;
        }

        /** Adds a detector; it runs before the generic fisher-null detector. */
        public Builder detector(Detector detector) {
            int at = detectors.size();
            for (int i = 0; i < detectors.size(); i++) {
                if (detectors.get(i) instanceof FisherNullDetector) {
                    at = i;
                }
            }
            detectors.add(at, detector);
            return this;
        }

        /** Replaces the detector list entirely. */
        public Builder detectors(List<Detector> list) {
            detectors.clear();
            detectors.addAll(list);
            return this;
        }

        /** Removes the built-in detector with this mechanism name. */
        public Builder without(String mechanism) {
            detectors.removeIf(d -> d.mechanism().equals(mechanism));
            return this;
        }

        public DeadDirectionReader build() {
            return new DeadDirectionReader(config, detectors);
        }
    }
}
