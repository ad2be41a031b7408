package io.github.deaddirections.classify;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.detect.BlockCandidate;
import io.github.deaddirections.detect.Candidate;
import io.github.deaddirections.detect.Direction;
import io.github.deaddirections.detect.GaugeCandidate;
import io.github.deaddirections.detect.KinkMargins;
import io.github.deaddirections.detect.NullSpaceCandidate;
import io.github.deaddirections.detect.Orbit;
import io.github.deaddirections.detect.ReadDirection;
import io.github.deaddirections.detect.UnitIndex;
import io.github.deaddirections.fisher.ExpectedFisher;
import io.github.deaddirections.fisher.FisherSpectrum;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.read.DirectionRead;
import io.github.deaddirections.read.RadiusGrid;
import io.github.deaddirections.read.RateEstimate.Verdict;
import io.github.deaddirections.read.ReadPool;
import io.github.deaddirections.report.Certificate;
import io.github.deaddirections.snapshot.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns candidates into classified structures (METHOD 3), in precedence order:
 * <ol>
 *   <li>genuine blocks, read along a generic characteristic direction ({@link BlockPlan}), own the
 *       flat directions of their locus; blocks of one kind read the same, so a few are read and
 *       the rest claimed by the same law;</li>
 *   <li>gauges that are gauges by their mechanism (symmetries read along their orbits, never along
 *       a curved orbit's tangent; nulls of the input data);</li>
 *   <li>data-dependent flats (a hidden layer's activation-null, output-null, inactive units): a
 *       gauge only with the flat-locus certificate ({@link FlatLocusTest}); a flat that fails it
 *       is a component of a crossing, and the crossing is found and read ({@link Crossings});</li>
 *   <li>what stays unexplained in the exact null space: the flat-locus test, the generic gauge
 *       test, then direction-by-direction reads.</li>
 * </ol>
 * A flat direction without a certificate is never a FLAT_GAUGE: it is UNRESOLVED.
 */
public final class Classifier {

    private static final Logger LOG = LoggerFactory.getLogger(Classifier.class);
    /** A generic gauge test this cheap (a second or two on a small model) is never skipped for cost. */
    private static final long MIN_GAUGE_TEST_BUDGET = 2_000;

    private final Snapshot snapshot;
    private final ReadConfig config;
    private final ReadPool pool;
    private final ExpectedFisher fisher;
    private final boolean exactPath;
    private final double[] coordinateScale;
    private final int[] positions;
    private final double nullFloor;
    private final KinkMargins kinks;
    private int genericGaugeDimension = -1;
    private int blocksRead;
    private int blocksClaimedByLaw;
    private final List<String> notes = new ArrayList<>();

    /**
     * @param fisher          the expected Fisher's columns (the exact spectrum on the exact path; the
     *                        flat-locus test on both)
     * @param exactPath       whether the exact Fisher null space is known
     * @param coordinateScale per-parameter scale (steps of the exact Fisher)
     * @param fisherScale     the Fisher scale thresholds are relative to
     * @param kinks           how far the parameters may move before a probe sample crosses a kink
     *                        ({@link KinkMargins}): the tests that move the base point stay inside the region
     */
    public Classifier(Snapshot snapshot, ReadConfig config, ReadPool pool, ExpectedFisher fisher, boolean exactPath,
                      double[] coordinateScale, double fisherScale, KinkMargins kinks) {
        this.snapshot = snapshot;
        this.config = config;
        this.pool = pool;
        this.fisher = fisher;
        this.exactPath = exactPath;
        this.coordinateScale = coordinateScale;
        this.positions = snapshot.layerPositions();
        this.nullFloor = config.noiseFloor() * fisherScale;
        this.kinks = kinks;
    }

    /** The distance the tests move the base point: eps times the RMS parameter, within half the kink limit. */
    private double testMove() {
        double rms = snapshot.rms();
        return Math.min(fullMove(), 0.5 * kinks.limit());
    }

    /** eps times the RMS parameter: the move when no kink is near. */
    private double fullMove() {
        double rms = snapshot.rms();
        return config.gaugeTestEpsilon() * (rms > 0 ? rms : 1.0);
    }

    /** What the generic gauge test found over the whole null space (-1 when it did not run). */
    public int genericGaugeDimension() {
        return genericGaugeDimension;
    }

    /** Genuine blocks read along their own characteristic direction. */
    public int blocksRead() {
        return blocksRead;
    }

    /** Genuine blocks claimed by the law of their kind, unread. */
    public int blocksClaimedByLaw() {
        return blocksClaimedByLaw;
    }

    /** What the classification left out and why (for the report's skipped list). */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    public List<ClassifiedStructure> classify(List<Candidate> candidates, FisherSpectrum spectrum) {
        NullSpaceAccount account = new NullSpaceAccount(spectrum == null ? null : spectrum.nullBasis());
        List<ClassifiedStructure> out = new ArrayList<>();
        GaugeSpan owned = new GaugeSpan();
        for (Candidate c : candidates) {
            if (c instanceof GaugeCandidate g && !g.needsCertificate()) {
                g.orbits().forEach(o -> owned.add(o.tangent()));
            }
        }
        long passes = snapshot.model().forwardPasses();
        blocks(candidates.stream().filter(BlockCandidate.class::isInstance).map(BlockCandidate.class::cast).toList(), owned,
                account, out);
        passes = phase("blocks", passes);
        Certifier certifier = new Certifier(spectrum, candidates);
        List<Crossings.Flat> failed = new ArrayList<>();
        for (GaugeCandidate g : axesFirst(candidates)) {
            gauge(g, account, out, certifier, failed);
        }
        passes = phase("gauges", passes);
        new Crossings(snapshot, config, pool, certifier.units(), this).resolve(failed, account, out);
        passes = phase("crossings", passes);
        for (Candidate c : candidates) {
            if (c instanceof NullSpaceCandidate n) {
                residual(n, account, out, certifier);
            }
        }
        phase("residual null space", passes);
        return out;
    }

    private long phase(String name, long since) {
        long now = snapshot.model().forwardPasses();
        LOG.debug("classification, {}: {} forward passes", name, now - since);
        return now;
    }

    // ---------------------------------------------------------------- blocks

    private void blocks(List<BlockCandidate> blocks, GaugeSpan owned, NullSpaceAccount account,
                        List<ClassifiedStructure> out) {
        // Plans in precedence order: a block's components lose what the gauges and the blocks before it own.
        List<BlockPlan> plans = new ArrayList<>();
        for (BlockCandidate b : blocks) {
            BlockPlan.of(b, owned, config.seed()).ifPresentOrElse(plan -> {
                plans.add(plan);
                plan.span().forEach(owned::add);
            }, () -> LOG.debug("{}: a gauge owns a whole component; not a block", b.id()));
        }
        Map<String, List<BlockPlan>> kinds = new LinkedHashMap<>();
        for (BlockPlan plan : plans) {
            kinds.computeIfAbsent(plan.candidate().kind(), k -> new ArrayList<>()).add(plan);
        }
        Map<BlockPlan, List<DirectionRead>> reads = new IdentityHashMap<>();
        // The components' reads are evidence of the kind (flat alone, ordered together): one block per kind shows them.
        Set<BlockPlan> evidence = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        kinds.values().forEach(k -> evidence.add(k.get(0)));
        List<BlockPlan> first = new ArrayList<>();
        kinds.values().forEach(k -> first.addAll(k.subList(0, Math.min(k.size(), config.maxReadsPerKind()))));
        read(first, evidence, reads);
        List<BlockPlan> rest = new ArrayList<>();
        for (List<BlockPlan> kind : kinds.values()) {
            if (kind.size() > config.maxReadsPerKind() && !agree(kind.subList(0, config.maxReadsPerKind()), reads)) {
                rest.addAll(kind.subList(config.maxReadsPerKind(), kind.size()));
            }
        }
        read(rest, evidence, reads);
        for (BlockPlan plan : plans) {
            List<DirectionRead> done = reads.get(plan);
            if (done != null) {
                blocksRead++;
                block(plan, done, account, out);
            } else {
                byLaw(plan, account, out);
            }
        }
    }

    /**
     * Reads the characteristic direction of each plan, and the components of the kind's evidence
     * plan when configured, all in one batch.
     */
    private void read(List<BlockPlan> plans, Set<BlockPlan> evidence, Map<BlockPlan, List<DirectionRead>> reads) {
        List<ReadPool.Task> tasks = new ArrayList<>();
        for (BlockPlan plan : plans) {
            tasks.add(straight(plan.characteristic()));
            if (config.readComponents() && evidence.contains(plan)) {
                plan.componentDirections().forEach(c -> tasks.add(straight(c)));
            }
        }
        List<DirectionRead> done = pool.readAll(tasks);
        int at = 0;
        for (BlockPlan plan : plans) {
            int n = 1 + (config.readComponents() && evidence.contains(plan) ? plan.componentDirections().size() : 0);
            reads.put(plan, done.subList(at, at + n));
            at += n;
        }
    }

    /** Whether the blocks read confirm their law's order, every one of them. */
    private static boolean agree(List<BlockPlan> sample, Map<BlockPlan, List<DirectionRead>> reads) {
        for (BlockPlan plan : sample) {
            DirectionRead diagonal = reads.get(plan).get(0);
            if (diagonal.verdict() != Verdict.ORDER || diagonal.estimate().order() != plan.law().order()) {
                return false;
            }
        }
        return true;
    }

    private void block(BlockPlan plan, List<DirectionRead> reads, NullSpaceAccount account, List<ClassifiedStructure> out) {
        BlockCandidate b = plan.candidate();
        DirectionRead diagonal = reads.get(0);
        Verdict v = diagonal.verdict();
        if (v == Verdict.LIVE) {
            LOG.debug("{}: the diagonal is live (order 1){}; not a dead structure", b.id(), diagonal.note());
            out.add(ClassifiedStructure.regular(b.id(), b.mechanism(), b.layers(), reads));
            return;
        }
        int dims = account.claim(plan.span());
        if (dims == 0) {
            LOG.debug("{}: its directions are already owned by an earlier structure", b.id());
            return;
        }
        if (v == Verdict.ORDER) {
            int k = diagonal.estimate().order();
            BlockLaw law = k == plan.law().order() ? plan.law() : new BlockLaw.SingleDirection(k, 0, false);
            if (k != plan.law().order()) {
                LOG.debug("{}: the diagonal reads order {} where the {} law predicts {}; lambda_B is reported as a bound",
                        b.id(), k, b.mechanism(), plan.law().order());
            }
            out.add(ClassifiedStructure.genuine(b.id(), b.mechanism(), b.layers(), dims, k, law, reads, false));
            return;
        }
        // A block whose generic diagonal reads flat is not the structure its detector knows; nothing certifies it.
        LOG.debug("{}: the diagonal reads {}; unresolved", b.id(), v);
        out.add(ClassifiedStructure.unresolved(b.id(), b.mechanism(), b.layers(), dims, reads));
    }

    private void byLaw(BlockPlan plan, NullSpaceAccount account, List<ClassifiedStructure> out) {
        BlockCandidate b = plan.candidate();
        int dims = account.claim(plan.span());
        if (dims > 0) {
            blocksClaimedByLaw++;
            out.add(ClassifiedStructure.genuine(b.id(), b.mechanism(), b.layers(), dims, plan.law().order(), plan.law(),
                    List.of(), true));
        }
    }

    // ---------------------------------------------------------------- gauges

    /**
     * The gauge candidates in detector order, except that those made only of coordinate axes (an
     * inactive unit's weights, an input that is 0 on every sample) come first. The span claimed in
     * the end is the same in any order, but the ledger's sparse factor is not: an orbit claimed
     * before the K axes it overlaps makes each of them fill in against all the earlier ones (K^2
     * entries per orbit, hours on a CNN head), where claimed after them it adds one row of K.
     */
    private static List<GaugeCandidate> axesFirst(List<Candidate> candidates) {
        List<GaugeCandidate> axes = new ArrayList<>();
        List<GaugeCandidate> rest = new ArrayList<>();
        for (Candidate c : candidates) {
            if (c instanceof GaugeCandidate g) {
                boolean onlyAxes = g.orbits().stream().allMatch(o -> o.tangent().nonZeros() == 1);
                (onlyAxes ? axes : rest).add(g);
            }
        }
        axes.addAll(rest);
        return axes;
    }

    private void gauge(GaugeCandidate candidate, NullSpaceAccount account, List<ClassifiedStructure> out,
                       Certifier certifier, List<Crossings.Flat> failed) {
        List<Orbit> open = candidate.orbits().stream().filter(o -> !account.owns(o.tangent())).toList();
        if (open.isEmpty()) {
            return;
        }
        if (open.size() < candidate.orbits().size()) {
            LOG.debug("{}: {} of its {} orbits lie in structures found before it", candidate.id(),
                    candidate.orbits().size() - open.size(), candidate.orbits().size());
        }
        GaugeCandidate g = candidate.withOrbits(open);
        if (g.needsCertificate()) {
            dataDependent(g, account, out, certifier, failed);
            return;
        }
        int sample = Math.min(open.size(), config.maxReadsPerStructure());
        List<DirectionRead> reads = readOrbits(open.subList(0, sample));
        boolean allFlat = reads.stream().allMatch(r -> r.verdict() == Verdict.FLAT);
        if (!allFlat && sample < open.size()) {
            // The mechanism did not hold on every orbit read: read them all.
            reads = new ArrayList<>(reads);
            reads.addAll(readOrbits(open.subList(sample, open.size())));
        }
        List<Orbit> flat = new ArrayList<>();
        List<DirectionRead> flatReads = new ArrayList<>();
        for (int i = 0; i < reads.size(); i++) {
            if (reads.get(i).verdict() == Verdict.FLAT) {
                flat.add(open.get(i));
                flatReads.add(reads.get(i));
            } else {
                LOG.debug("{}: orbit {} is not flat ({}); not counted as a gauge", g.id(), open.get(i).role(),
                        reads.get(i).verdict());
            }
        }
        // Orbits beyond the sample, when all read flat, are claimed unread (the mechanism is exact).
        List<Orbit> unread = reads.size() < open.size() ? open.subList(reads.size(), open.size()) : List.of();
        claimGauge(g, flat, flatReads, unread, g.certificate(), account, out);
    }

    /**
     * A data-dependent candidate: a gauge only where the flat-locus test certifies it. A sample
     * holding an orbit of every group (one null vector, one unit) is tested first; when all of it
     * is flat and certified, the rest of the candidate follows it. Otherwise every orbit is decided
     * on its own, and the flat ones that fail the test go to the crossings.
     *
     * <p>On the exact path the orbits lie in the exact null space (the ledger checked), so no read
     * is needed to know they are null at theta-hat; the flat-locus test moves along that null space.
     * On the structural path the sample is read first, since nothing else says it is null.
     */
    private void dataDependent(GaugeCandidate g, NullSpaceAccount account, List<ClassifiedStructure> out,
                               Certifier certifier, List<Crossings.Flat> failed) {
        List<Orbit> open = g.orbits();
        List<Integer> sample = sample(open);
        List<Orbit> sampled = sample.stream().map(open::get).toList();
        List<DirectionRead> reads = exactPath ? java.util.Collections.nCopies(sampled.size(), null) : readOrbits(sampled);
        boolean[] ok = certifier.certify(g, sampled);
        boolean all = true;
        for (int i = 0; i < ok.length; i++) {
            all &= ok[i] && (reads.get(i) == null || reads.get(i).verdict() == Verdict.FLAT);
        }
        if (all) {
            List<Orbit> unread = new ArrayList<>(open);
            unread.removeAll(sampled);
            claimGauge(g, sampled, reads, unread, Certificate.FLAT_LOCUS, account, out);
            return;
        }
        List<Orbit> rest = new ArrayList<>(open);
        rest.removeAll(sampled);
        List<Orbit> every = new ArrayList<>(sampled);
        every.addAll(rest);
        List<DirectionRead> everyRead = new ArrayList<>(reads);
        everyRead.addAll(exactPath ? java.util.Collections.nCopies(rest.size(), null) : readOrbits(rest));
        boolean[] everyOk = new boolean[every.size()];
        System.arraycopy(ok, 0, everyOk, 0, ok.length);
        boolean[] restOk = certifier.certify(g, rest);
        System.arraycopy(restOk, 0, everyOk, ok.length, restOk.length);
        List<Orbit> locus = new ArrayList<>();
        List<DirectionRead> locusReads = new ArrayList<>();
        List<Integer> suspects = new ArrayList<>();
        for (int i = 0; i < every.size(); i++) {
            DirectionRead r = everyRead.get(i);
            if (r != null && r.verdict() != Verdict.FLAT) {
                LOG.debug("{}: orbit {} is not flat ({}); not counted as a gauge", g.id(), every.get(i).role(), r.verdict());
            } else if (everyOk[i]) {
                locus.add(every.get(i));
                locusReads.add(r);
            } else {
                suspects.add(i);
            }
        }
        // A flat that stops being null when the null space around it moves: read it (it may have an order of its own).
        List<Orbit> unreadSuspects = suspects.stream().filter(i -> everyRead.get(i) == null).map(every::get).toList();
        java.util.Iterator<DirectionRead> suspectReads = readOrbits(unreadSuspects).iterator();
        for (int i : suspects) {
            DirectionRead r = everyRead.get(i) != null ? everyRead.get(i) : suspectReads.next();
            if (r.verdict() == Verdict.FLAT) {
                failed.add(new Crossings.Flat(g, every.get(i), r));
            } else {
                LOG.debug("{}: orbit {} reads {} off theta-hat; left to the null space's own reads", g.id(),
                        every.get(i).role(), r.verdict());
            }
        }
        if (!suspects.isEmpty()) {
            LOG.debug("{}: {} of {} orbits stop being null when the null directions around them move", g.id(),
                    suspects.size(), every.size());
        }
        claimGauge(g, locus, locusReads, List.of(), Certificate.FLAT_LOCUS, account, out);
    }

    /**
     * The orbits to test first: one of every group (the role before its first ':', e.g. one null
     * vector or one unit), spread evenly over the groups when there are more of them than the
     * sample holds, then more in order up to the sample's size.
     */
    private List<Integer> sample(List<Orbit> orbits) {
        List<Integer> firsts = new ArrayList<>();
        Set<String> groups = new java.util.HashSet<>();
        for (int i = 0; i < orbits.size(); i++) {
            String role = orbits.get(i).role();
            int colon = role.indexOf(':');
            if (groups.add(colon < 0 ? role : role.substring(0, colon))) {
                firsts.add(i);
            }
        }
        // Bounded: the structural path reads each sampled orbit; the exact path only tests it (cheap).
        int size = exactPath ? 4 * config.maxReadsPerStructure() : config.maxReadsPerStructure();
        boolean[] chosen = new boolean[orbits.size()];
        int stride = Math.max(1, (firsts.size() + size - 1) / size);
        for (int k = 0; k < firsts.size(); k += stride) {
            chosen[firsts.get(k)] = true;
        }
        int count = 0;
        for (boolean c : chosen) {
            count += c ? 1 : 0;
        }
        for (int i = 0; i < orbits.size() && count < Math.min(size, orbits.size()); i++) {
            if (!chosen[i]) {
                chosen[i] = true;
                count++;
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i]) {
                out.add(i);
            }
        }
        return out;
    }

    private void claimGauge(GaugeCandidate g, List<Orbit> flat, List<DirectionRead> flatReads, List<Orbit> unread,
                            Certificate certificate, NullSpaceAccount account, List<ClassifiedStructure> out) {
        int dims = 0;
        List<DirectionRead> shown = new ArrayList<>();
        for (int i = 0; i < flat.size(); i++) {
            int added = account.claim(List.of(flat.get(i).tangent()));
            if (added > 0) {
                if (flatReads.get(i) != null) {
                    shown.add(flatReads.get(i));
                }
                dims += added;
            }
        }
        for (Orbit o : unread) {
            dims += account.claim(List.of(o.tangent()));
        }
        if (dims > 0) {
            out.add(ClassifiedStructure.gauge(g.id(), g.mechanism(), g.layers(), dims, shown, certificate));
        }
    }

    private List<DirectionRead> readOrbits(List<Orbit> orbits) {
        List<ReadPool.Task> tasks = new ArrayList<>();
        for (Orbit o : orbits) {
            tasks.add(alongOrbit(o));
        }
        return pool.readAll(tasks);
    }

    // ---------------------------------------------------------------- the unexplained null space

    private void residual(NullSpaceCandidate n, NullSpaceAccount account, List<ClassifiedStructure> out,
                          Certifier certifier) {
        List<Direction> rest = account.residual();
        if (!rest.isEmpty()) {
            // Flat-locus tangents no detector named (straight, data-dependent).
            List<Direction> locus = certifier.nullPart(rest);
            int dims = account.claim(locus);
            if (dims > 0) {
                out.add(ClassifiedStructure.gauge(n.mechanism() + ":flat-locus", n.mechanism(), layersOf(locus), dims,
                        List.of(), Certificate.FLAT_LOCUS));
            }
            rest = account.residual();
        }
        LOG.debug("residual null space: {} directions after the flat-locus test", rest.size());
        if (LOG.isDebugEnabled()) {
            for (Direction u : rest) {
                LOG.debug("  unexplained: {}", describe(u));
            }
        }
        GaugeTest test = gaugeTest(n.spectrum(), rest);
        if (test != null) {
            if (config.gaugeCrossCheck()) {
                genericGaugeDimension = test.gaugePart(List.of(n.spectrum().nullBasis())).size();
            }
            if (!rest.isEmpty()) {
                List<Direction> gauge = test.gaugePart(rest.stream().map(Direction::toDense).toList()).stream()
                        .map(Direction::of).toList();
                int dims = account.claim(gauge);
                if (dims > 0) {
                    out.add(ClassifiedStructure.gauge("generic-gauge", "generic-gauge", layersOf(gauge), dims, List.of(),
                            Certificate.GENERIC_POINT));
                }
                rest = account.residual();
            }
        }
        List<ReadPool.Task> tasks = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            tasks.add(straight(new ReadDirection("null-vector" + i, rest.get(i))));
        }
        List<DirectionRead> residualReads = pool.readAll(tasks);
        if (LOG.isDebugEnabled()) {
            for (int i = 0; i < rest.size(); i++) {
                LOG.debug("residual null-vector{} reads {}: {}", i, residualReads.get(i).verdict(), describe(rest.get(i)));
            }
        }
        List<DirectionRead> unresolvedReads = new ArrayList<>();
        List<Direction> unresolved = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            Direction u = rest.get(i);
            DirectionRead r = residualReads.get(i);
            if (r.verdict() == Verdict.ORDER) {
                int dims = account.claim(List.of(u));
                if (dims > 0) {
                    int k = r.estimate().order();
                    out.add(ClassifiedStructure.genuine(n.mechanism() + ":" + r.role(), n.mechanism(), layersOf(List.of(u)),
                            dims, k, new BlockLaw.SingleDirection(k, 0, false), List.of(r), false));
                }
            } else {
                // A flat read here has failed every certificate: a crossing component no detector names.
                unresolved.add(u);
                unresolvedReads.add(r);
            }
        }
        int unresolvedDims = account.claim(unresolved);
        if (unresolvedDims > 0) {
            out.add(ClassifiedStructure.unresolved(n.mechanism() + ":unresolved", n.mechanism(), layersOf(unresolved),
                    unresolvedDims, unresolvedReads));
        }
    }

    /**
     * The generic gauge test on the coordinates the unexplained directions touch, or null when it
     * cannot or should not run: beyond the gauge-test limit, or when the Jacobians it needs would
     * cost more forward passes than {@code gaugeTestMaxPasses} (then it is left out with a note).
     */
    private GaugeTest gaugeTest(FisherSpectrum spectrum, List<Direction> rest) {
        if (!exactPath || snapshot.parameterCount() > config.gaugeTestLimit() || spectrum.nullDimension() == 0
                || (rest.isEmpty() && !config.gaugeCrossCheck())) {
            return null;
        }
        int[] support = GaugeTest.support(config.gaugeCrossCheck() ? List.of() : rest, snapshot.parameterCount());
        int dimension = config.gaugeCrossCheck() ? spectrum.nullDimension() : rest.size();
        long passes = GaugeTest.passes(dimension, support.length, config);
        LOG.debug("generic gauge test: {} directions on {} parameters, {} forward passes", dimension, support.length, passes);
        // The cross-check is asked for by name and runs whatever it costs; the read's own test is bounded.
        long budget = config.gaugeCrossCheck() ? Long.MAX_VALUE : gaugeTestBudget();
        if (passes > budget) {
            notes.add("generic-gauge test: " + dimension + " unexplained null directions on " + support.length
                    + " parameters would take " + passes + " forward passes, above its budget of " + budget
                    + " (gaugeTestMaxPasses = " + config.gaugeTestMaxPasses() + ", gaugeTestFisherMultiple = "
                    + config.gaugeTestFisherMultiple() + "; they were read one by one instead)");
            return null;
        }
        return new GaugeTest(fisher, config, snapshot.parametersView(), coordinateScale, dimension,
                fullMove(), testMove(), kinks::crossedBy, support);
    }

    /** The generic gauge test's pass budget: a multiple of the exact Fisher's cost, at least 2,000, at most the cap. */
    private long gaugeTestBudget() {
        long fisherPasses = 4L * snapshot.parameterCount() + 1;
        long relative = Math.max(MIN_GAUGE_TEST_BUDGET, (long) (config.gaugeTestFisherMultiple() * fisherPasses));
        return Math.min(config.gaugeTestMaxPasses(), relative);
    }

    // ---------------------------------------------------------------- reads

    ReadPool.Task straight(ReadDirection d) {
        return new ReadPool.Task(d.role(), Path.straight(snapshot.parametersView(), d.direction()), scaleOf(d.direction()),
                firstLayer(d.direction()));
    }

    private ReadPool.Task alongOrbit(Orbit orbit) {
        return new ReadPool.Task(orbit.role(), orbit.path(), withinReach(scaleOf(orbit.tangent()), orbit.reach()),
                firstLayer(orbit.tangent()));
    }

    /**
     * The radius scale of an orbit whose flatness holds only within {@code reach}: the grid tops
     * out at t = s (METHOD 2.1) and its stencil reaches {@code (1 + 2 stencilFraction) t}, so s is
     * lowered until the farthest point stays within 90% of the reach [ours]. Beyond the reach the
     * read would measure another region of parameter space (an inactive ReLU unit come alive),
     * not the germ at theta-hat.
     */
    private double withinReach(double scale, double reach) {
        double limit = 0.9 * reach / (1 + 2 * config.stencilFraction());
        return Math.min(scale, limit);
    }

    /** The first layer a direction moves: everything below it is reused from theta-hat. */
    int firstLayer(Direction u) {
        int first = Integer.MAX_VALUE;
        for (int k = 0; k < u.nonZeros(); k++) {
            first = Math.min(first, positions[u.coordinate(k)]);
        }
        return first == Integer.MAX_VALUE ? 0 : first;
    }

    /** The radius scale s of a direction: RMS of what it touches, else of its layers, else of the network, else 1. */
    double scaleOf(Direction u) {
        double max = 0;
        for (int k = 0; k < u.nonZeros(); k++) {
            max = Math.max(max, Math.abs(u.entry(k)));
        }
        List<Integer> support = new ArrayList<>();
        Set<String> layers = new LinkedHashSet<>();
        for (int k = 0; k < u.nonZeros(); k++) {
            if (Math.abs(u.entry(k)) > 1e-9 * max) {
                support.add(u.coordinate(k));
                layers.add(snapshot.layout().layerOf(u.coordinate(k)));
            }
        }
        double directionRms = snapshot.rms(support.stream().mapToInt(Integer::intValue).toArray());
        double layerRms = snapshot.layerRms(layers);
        return RadiusGrid.scaleOf(directionRms, layerRms, snapshot.rms());
    }

    List<String> layersOf(List<Direction> vectors) {
        Set<String> layers = new LinkedHashSet<>();
        for (Direction u : vectors) {
            double max = 0;
            for (int k = 0; k < u.nonZeros(); k++) {
                max = Math.max(max, Math.abs(u.entry(k)));
            }
            for (int k = 0; k < u.nonZeros(); k++) {
                if (Math.abs(u.entry(k)) > 1e-6 * max) {
                    layers.add(snapshot.layout().layerOf(u.coordinate(k)));
                }
            }
        }
        List<String> sorted = new ArrayList<>(layers);
        sorted.sort((a, b) -> Integer.compare(snapshot.layer(a).position(), snapshot.layer(b).position()));
        return sorted;
    }

    /** The largest entries of a direction, by parameter name (for the debug log). */
    private String describe(Direction u) {
        Integer[] order = new Integer[u.nonZeros()];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(u.entry(b)), Math.abs(u.entry(a))));
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < Math.min(8, order.length); k++) {
            sb.append(k == 0 ? "" : ", ").append(snapshot.layout().describe(u.coordinate(order[k])))
                    .append(String.format(java.util.Locale.ROOT, " %.3f", u.entry(order[k])));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- certificates

    /**
     * Where the flat-locus test moves the base point. On the exact path: along the whole Fisher
     * null space (random points in it, shared by every test). On the structural path, where the
     * null space is not known: along the directions found flat or dead at the same units as the
     * tested one (a sparse move, so the fast evaluators apply).
     */
    private final class Certifier {

        private static final int POINTS = 2;

        private final FisherSpectrum spectrum;
        private final double move;
        private final double reach;
        private final List<Candidate> candidates;
        private FlatLocusTest test;
        private List<double[]> points;
        private UnitIndex units;
        private Map<Integer, List<Direction>> partners;

        Certifier(FisherSpectrum spectrum, List<Candidate> candidates) {
            this.spectrum = spectrum;
            this.candidates = candidates;
            // Moves stay well inside every inactive unit's activity margin, or they would revive it.
            double r = Double.POSITIVE_INFINITY;
            for (Candidate c : candidates) {
                if (c instanceof GaugeCandidate g) {
                    for (Orbit o : g.orbits()) {
                        r = Math.min(r, 0.25 * o.reach());
                    }
                }
            }
            this.reach = r;
            this.move = Math.min(testMove(), r);
        }

        UnitIndex units() {
            if (units == null) {
                units = UnitIndex.of(snapshot);
            }
            return units;
        }

        private FlatLocusTest test() {
            if (test == null) {
                test = new FlatLocusTest(fisher, coordinateScale, positions, config.jacobianStep(), nullFloor);
            }
            return test;
        }

        /** Whether each flat orbit of the candidate keeps its flatness when the null directions around it move. */
        boolean[] certify(GaugeCandidate g, List<Orbit> flat) {
            boolean[] ok = new boolean[flat.size()];
            java.util.Arrays.fill(ok, true);
            if (flat.isEmpty()) {
                return ok;
            }
            List<Direction> tangents = flat.stream().map(Orbit::tangent).toList();
            if (spectrum != null && tiltAffordable(tangents)) {
                // Exact path: an orbit is certified when it lies in the part of their span that stays null up to a tilt.
                List<Direction> span = orthonormal(tangents);
                List<Direction> certified = test().tiltedNullPart(span, g.tiltCoordinates(), nullSpacePoints(),
                        config.gaugeTestTolerance());
                for (int i = 0; i < ok.length; i++) {
                    Direction t = tangents.get(i);
                    double inside = 0;
                    for (Direction c : certified) {
                        double dot = c.dot(t);
                        inside += dot * dot;
                    }
                    ok[i] = inside >= (1 - config.gaugeTestTolerance()) * t.dot(t);
                }
                return ok;
            }
            if (spectrum != null) {
                for (double[] point : nullSpacePoints()) {
                    boolean[] here = test().stayNull(point, 0, tangents);
                    for (int i = 0; i < ok.length; i++) {
                        ok[i] &= here[i];
                    }
                }
                return ok;
            }
            for (int i = 0; i < tangents.size(); i++) {
                List<Direction> around = around(tangents.get(i));
                java.util.SplittableRandom random = new java.util.SplittableRandom(config.seed() ^ (31L * i + g.id().hashCode()));
                for (int q = 0; q < POINTS && ok[i] && !around.isEmpty(); q++) {
                    double[] point = moved(around, random);
                    ok[i] = test().stayNull(point, test().movedFrom(point, snapshot.parametersView()),
                            List.of(tangents.get(i)))[0];
                }
            }
            return ok;
        }

        /** The part of span(rest) that stays exactly null at points moved along the null space (exact path). */
        List<Direction> nullPart(List<Direction> rest) {
            if (spectrum == null) {
                return List.of();
            }
            return tiltAffordable(rest) ? test().tiltedNullPart(rest, nullSpacePoints(), config.gaugeTestTolerance())
                    : test().nullPart(rest, nullSpacePoints(), 0);
        }

        /** Whether the tilt-tolerant test's Jacobians fit the generic gauge test's budget (else the straight test runs). */
        private boolean tiltAffordable(List<Direction> directions) {
            return FlatLocusTest.tiltedPasses(directions, snapshot.parameterCount(), POINTS) <= gaugeTestBudget();
        }

        private List<Direction> orthonormal(List<Direction> vectors) {
            List<Direction> out = new ArrayList<>();
            for (Direction v : vectors) {
                Direction u = GaugeSpan.against(v, out);
                if (u.norm() > 1e-6 * Math.max(v.norm(), Double.MIN_NORMAL)) {
                    out.add(u.normalised());
                }
            }
            return out;
        }

        /**
         * Random points along the Fisher null space, shared by every test. The move starts at the full
         * eps * RMS (within the inactive units' reach) and shrinks by 4 only while a point takes some
         * probe sample across a kink, down to the first-order safe move: the kink bound alone would let
         * one live unit near a kink shrink the move until crossings hide under the float floor.
         */
        private List<double[]> nullSpacePoints() {
            if (points == null) {
                double[][] basis = spectrum.nullBasis();
                double widest = Math.min(fullMove(), reach);
                for (double m = widest; ; m /= 4) {
                    double step = Math.max(m, move);
                    points = pointsAlong(basis, step);
                    boolean crossed = false;
                    for (double[] point : points) {
                        crossed |= step > move && kinks.crossedBy(point);
                    }
                    if (!crossed) {
                        LOG.debug("flat-locus test: null-space points moved by {} (first-order kink-safe move {})", step, move);
                        break;
                    }
                }
            }
            return points;
        }

        private List<double[]> pointsAlong(double[][] basis, double step) {
            List<double[]> out = new ArrayList<>();
            java.util.SplittableRandom random = new java.util.SplittableRandom(config.seed() ^ 0x6A09E667F3BCC908L);
            for (int q = 0; q < POINTS && basis.length > 0; q++) {
                double[] r = new double[snapshot.parameterCount()];
                for (double[] b : basis) {
                    double c = GaugeTest.gaussian(random);
                    for (int i = 0; i < r.length; i++) {
                        r[i] += c * b[i];
                    }
                }
                double norm = io.github.deaddirections.detect.Directions.norm(r);
                double[] point = snapshot.parameters();
                for (int i = 0; i < r.length; i++) {
                    point[i] += step * r[i] / norm;
                }
                out.add(point);
            }
            return out;
        }

        /** The directions of other candidates (flat orbits, block spans) that share a unit with u. */
        private List<Direction> around(Direction u) {
            if (partners == null) {
                partners = new java.util.HashMap<>();
                for (Candidate c : candidates) {
                    List<Direction> dirs = c instanceof GaugeCandidate g ? g.orbits().stream().map(Orbit::tangent).toList()
                            : c instanceof BlockCandidate b ? b.span() : List.of();
                    for (Direction d : dirs) {
                        for (int unit : units().unitsOf(d)) {
                            partners.computeIfAbsent(unit, k -> new ArrayList<>()).add(d);
                        }
                    }
                }
            }
            Set<Direction> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            for (int unit : units().unitsOf(u)) {
                for (Direction d : partners.getOrDefault(unit, List.of())) {
                    if (d != u && out.size() < config.maxReadsPerStructure() * 2) {
                        out.add(d);
                    }
                }
            }
            return new ArrayList<>(out);
        }

        private double[] moved(List<Direction> around, java.util.SplittableRandom random) {
            double[] c = new double[around.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = GaugeTest.gaussian(random);
            }
            Direction r = Direction.combination(around, c);
            double[] point = snapshot.parameters();
            r.addTo(point, move / r.norm());
            return point;
        }
    }
}
