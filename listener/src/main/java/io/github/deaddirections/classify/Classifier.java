package io.github.deaddirections.classify;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.detect.BlockCandidate;
import io.github.deaddirections.detect.Candidate;
import io.github.deaddirections.detect.Direction;
import io.github.deaddirections.detect.GaugeCandidate;
import io.github.deaddirections.detect.NullSpaceCandidate;
import io.github.deaddirections.detect.Orbit;
import io.github.deaddirections.detect.ReadDirection;
import io.github.deaddirections.fisher.ExpectedFisher;
import io.github.deaddirections.fisher.FisherSpectrum;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.read.DirectionRead;
import io.github.deaddirections.read.ReadPool;
import io.github.deaddirections.read.RadiusGrid;
import io.github.deaddirections.read.RateEstimate.Verdict;
import io.github.deaddirections.report.StructureClass;
import io.github.deaddirections.snapshot.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns candidates into classified structures (METHOD 3). Genuine blocks are read along their
 * characteristic direction and own the flat directions of their locus; gauges are read along
 * their orbits (never along a curved orbit's tangent); what stays unexplained in the exact null
 * space goes through the generic gauge test and is then read direction by direction.
 */
public final class Classifier {

    private static final Logger LOG = LoggerFactory.getLogger(Classifier.class);

    private final Snapshot snapshot;
    private final ReadConfig config;
    private final ReadPool pool;
    private final ExpectedFisher fisher;
    private final double[] coordinateScale;
    private final int[] positions;
    private int genericGaugeDimension = -1;

    /**
     * @param fisher          the exact Fisher (for the generic gauge test), or null on the structural path
     * @param coordinateScale per-parameter scale (steps of the exact Fisher)
     */
    public Classifier(Snapshot snapshot, ReadConfig config, ReadPool pool, ExpectedFisher fisher,
                      double[] coordinateScale) {
        this.snapshot = snapshot;
        this.config = config;
        this.pool = pool;
        this.fisher = fisher;
        this.coordinateScale = coordinateScale;
        this.positions = snapshot.layerPositions();
    }

    /** What the generic gauge test found over the whole null space (-1 when it did not run). */
    public int genericGaugeDimension() {
        return genericGaugeDimension;
    }

    public List<ClassifiedStructure> classify(List<Candidate> candidates, FisherSpectrum spectrum) {
        NullSpaceAccount account = new NullSpaceAccount(spectrum == null ? null : spectrum.nullBasis());
        List<ClassifiedStructure> out = new ArrayList<>();
        // Reads do not depend on the ledger: each phase reads its directions together (in parallel
        // when configured), then claims in precedence order.
        List<BlockCandidate> blocks = candidates.stream().filter(BlockCandidate.class::isInstance)
                .map(BlockCandidate.class::cast).toList();
        List<ReadPool.Task> blockTasks = new ArrayList<>();
        for (BlockCandidate b : blocks) {
            blockTasks.add(straight(b.characteristic()));
            if (config.readComponents()) {
                for (ReadDirection component : b.components()) {
                    blockTasks.add(straight(component));
                }
            }
        }
        List<DirectionRead> blockReads = pool.readAll(blockTasks);
        int at = 0;
        for (BlockCandidate b : blocks) {
            int n = 1 + (config.readComponents() ? b.components().size() : 0);
            block(b, blockReads.subList(at, at + n), account, out);
            at += n;
        }
        // Gauges claim one after another; an orbit whose tangent an earlier structure owns would
        // claim nothing, so it is not read. The orbits of one gauge are read together.
        for (GaugeCandidate g : axesFirst(candidates)) {
            GaugeCandidate open = unowned(g, account);
            if (open.orbits().isEmpty()) {
                continue;
            }
            List<ReadPool.Task> tasks = new ArrayList<>();
            for (Orbit orbit : open.orbits().subList(0, Math.min(open.orbits().size(), config.maxReadsPerStructure()))) {
                tasks.add(alongOrbit(orbit));
            }
            gauge(open, pool.readAll(tasks), account, out);
        }
        for (Candidate c : candidates) {
            if (c instanceof NullSpaceCandidate n) {
                residual(n, account, out);
            }
        }
        return out;
    }

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

    private static GaugeCandidate unowned(GaugeCandidate g, NullSpaceAccount account) {
        List<Orbit> open = g.orbits().stream().filter(o -> !account.owns(o.tangent())).toList();
        if (open.size() < g.orbits().size()) {
            LOG.debug("{}: {} of its {} orbits lie in structures found before it", g.id(), g.orbits().size() - open.size(),
                    g.orbits().size());
        }
        return open.size() == g.orbits().size() ? g : new GaugeCandidate(g.id(), g.mechanism(), g.layers(), open);
    }

    private void block(BlockCandidate b, List<DirectionRead> done, NullSpaceAccount account, List<ClassifiedStructure> out) {
        DirectionRead diagonal = done.get(0);
        List<DirectionRead> reads = new ArrayList<>(done);
        Verdict v = diagonal.verdict();
        if (v == Verdict.LIVE) {
            LOG.debug("{}: the diagonal is live (order 1){}; not a dead structure", b.id(), diagonal.note());
            out.add(new ClassifiedStructure(b.id(), b.mechanism(), StructureClass.REGULAR, b.layers(), 0, 1, null, reads));
            return;
        }
        int dims = account.claim(b.span());
        if (dims == 0) {
            LOG.debug("{}: its directions are already owned by an earlier structure", b.id());
            return;
        }
        switch (v) {
            case ORDER -> {
                int k = diagonal.estimate().order();
                BlockLaw law = k == b.law().order() ? b.law() : new BlockLaw.SingleDirection(k, 0, false);
                if (k != b.law().order()) {
                    LOG.warn("{}: the diagonal reads order {} where the {} law predicts {}; lambda_B is reported as a bound",
                            b.id(), k, b.mechanism(), b.law().order());
                }
                out.add(new ClassifiedStructure(b.id(), b.mechanism(), StructureClass.GENUINE_SINGULARITY, b.layers(), dims,
                        k, law, reads));
            }
            case FLAT -> out.add(new ClassifiedStructure(b.id(), b.mechanism(), StructureClass.FLAT_GAUGE, b.layers(), dims,
                    null, null, reads));
            default -> out.add(new ClassifiedStructure(b.id(), b.mechanism(), StructureClass.UNRESOLVED, b.layers(), dims,
                    null, null, reads));
        }
    }

    private void gauge(GaugeCandidate g, List<DirectionRead> done, NullSpaceAccount account, List<ClassifiedStructure> out) {
        List<DirectionRead> reads = new ArrayList<>();
        int dims = 0;
        int read = 0;
        boolean allFlat = true;
        for (Orbit orbit : g.orbits()) {
            // The mechanism is exact: once the first orbits all read flat, the rest are claimed unread.
            if (read < config.maxReadsPerStructure() || !allFlat) {
                DirectionRead r = read < done.size() ? done.get(read) : pool.read(alongOrbit(orbit));
                read++;
                if (r.verdict() != Verdict.FLAT) {
                    allFlat = false;
                    LOG.warn("{}: orbit {} is not flat ({}); not counted as a gauge", g.id(), orbit.role(), r.verdict());
                    continue;
                }
                int added = account.claim(List.of(orbit.tangent()));
                if (added > 0) {
                    reads.add(r);
                    dims += added;
                }
            } else {
                dims += account.claim(List.of(orbit.tangent()));
            }
        }
        if (dims > 0) {
            out.add(new ClassifiedStructure(g.id(), g.mechanism(), StructureClass.FLAT_GAUGE, g.layers(), dims, null, null,
                    reads));
        }
    }

    private void residual(NullSpaceCandidate n, NullSpaceAccount account, List<ClassifiedStructure> out) {
        List<Direction> rest = account.residual();
        GaugeTest test = gaugeTest(n.spectrum());
        if (test != null) {
            if (config.gaugeCrossCheck()) {
                List<double[]> whole = new ArrayList<>(List.of(n.spectrum().nullBasis()));
                genericGaugeDimension = test.gaugePart(whole).size();
            }
            if (!rest.isEmpty()) {
                List<Direction> gauge = test.gaugePart(rest.stream().map(Direction::toDense).toList()).stream()
                        .map(Direction::of).toList();
                int dims = account.claim(gauge);
                if (dims > 0) {
                    out.add(new ClassifiedStructure("generic-gauge", "generic-gauge", StructureClass.FLAT_GAUGE,
                            layersOf(gauge), dims, null, null, List.of()));
                }
                rest = account.residual();
            }
        }
        List<DirectionRead> flatReads = new ArrayList<>();
        List<Direction> flat = new ArrayList<>();
        List<DirectionRead> unresolvedReads = new ArrayList<>();
        List<Direction> unresolved = new ArrayList<>();
        List<ReadPool.Task> tasks = new ArrayList<>();
        for (int i = 0; i < rest.size(); i++) {
            tasks.add(straight(new ReadDirection("null-vector" + i, rest.get(i))));
        }
        List<DirectionRead> residualReads = pool.readAll(tasks);
        for (int i = 0; i < rest.size(); i++) {
            Direction u = rest.get(i);
            DirectionRead r = residualReads.get(i);
            switch (r.verdict()) {
                case FLAT -> {
                    flat.add(u);
                    flatReads.add(r);
                }
                case ORDER -> {
                    int dims = account.claim(List.of(u));
                    if (dims > 0) {
                        int k = r.estimate().order();
                        out.add(new ClassifiedStructure(n.mechanism() + ":" + r.role(), n.mechanism(),
                                StructureClass.GENUINE_SINGULARITY, layersOf(List.of(u)), dims, k,
                                new BlockLaw.SingleDirection(k, 0, false), List.of(r)));
                    }
                }
                default -> {
                    unresolved.add(u);
                    unresolvedReads.add(r);
                }
            }
        }
        int flatDims = account.claim(flat);
        if (flatDims > 0) {
            out.add(new ClassifiedStructure(n.mechanism() + ":flat", n.mechanism(), StructureClass.FLAT_GAUGE, layersOf(flat),
                    flatDims, null, null, flatReads));
        }
        int unresolvedDims = account.claim(unresolved);
        if (unresolvedDims > 0) {
            out.add(new ClassifiedStructure(n.mechanism() + ":unresolved", n.mechanism(), StructureClass.UNRESOLVED,
                    layersOf(unresolved), unresolvedDims, null, null, unresolvedReads));
        }
    }

    private GaugeTest gaugeTest(FisherSpectrum spectrum) {
        if (fisher == null || snapshot.parameterCount() > config.gaugeTestLimit() || spectrum.nullDimension() == 0) {
            return null;
        }
        double rms = snapshot.rms();
        double offset = config.gaugeTestEpsilon() * (rms > 0 ? rms : 1.0);
        return new GaugeTest(fisher, config, snapshot.parametersView(), coordinateScale, spectrum.nullDimension(), offset);
    }

    private ReadPool.Task straight(ReadDirection d) {
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
    private int firstLayer(Direction u) {
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

    private List<String> layersOf(List<Direction> vectors) {
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
}
