package io.github.deaddirections.classify;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.detect.Direction;
import io.github.deaddirections.detect.GaugeCandidate;
import io.github.deaddirections.detect.ReadDirection;
import io.github.deaddirections.detect.UnitIndex;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.read.DirectionRead;
import io.github.deaddirections.read.RateEstimate.Verdict;
import io.github.deaddirections.read.ReadPool;
import io.github.deaddirections.snapshot.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The crossings behind flats that failed the flat-locus certificate (METHOD 3, 5): two flat
 * components X and Y that meet at a unit, each flat on its own, each live once the other has
 * moved. The function there is a product {@code |x|^(k_X) |y|^(k_Y)}, so
 * <ul>
 *   <li>read along X from a base point moved along Y, the order is k_X (and the other way round);</li>
 *   <li>read along a generic diagonal from theta-hat, the order is k_X + k_Y;</li>
 *   <li>{@code lambda_B = min(d_X / (2 k_X), d_Y / (2 k_Y))} (the crossing law).</li>
 * </ul>
 * A failed flat that pairs with nothing, or whose pair does not read as such a product, is
 * UNRESOLVED: flat, but with no certificate and no law.
 */
final class Crossings {

    private static final Logger LOG = LoggerFactory.getLogger(Crossings.class);
    public static final String MECHANISM = "crossing";

    /** A flat orbit of a data-dependent candidate that did not keep its flatness when the null directions around it moved. */
    record Flat(GaugeCandidate candidate, io.github.deaddirections.detect.Orbit orbit, DirectionRead read) {
    }

    private final Snapshot snapshot;
    private final ReadConfig config;
    private final ReadPool pool;
    private final UnitIndex units;
    private final Classifier classifier;

    Crossings(Snapshot snapshot, ReadConfig config, ReadPool pool, UnitIndex units, Classifier classifier) {
        this.snapshot = snapshot;
        this.config = config;
        this.pool = pool;
        this.units = units;
        this.classifier = classifier;
    }

    void resolve(List<Flat> failed, NullSpaceAccount account, List<ClassifiedStructure> out) {
        if (failed.isEmpty()) {
            return;
        }
        // unit -> candidate -> its failed flats there (ordered, so the read is deterministic)
        Map<Integer, Map<String, List<Flat>>> atUnit = new TreeMap<>();
        for (Flat f : failed) {
            for (int u : units.unitsOf(f.orbit().tangent())) {
                atUnit.computeIfAbsent(u, k -> new LinkedHashMap<>()).computeIfAbsent(f.candidate().id(), k -> new ArrayList<>())
                        .add(f);
            }
        }
        Set<Flat> used = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Map.Entry<Integer, Map<String, List<Flat>>> e : atUnit.entrySet()) {
            List<List<Flat>> groups = new ArrayList<>();
            for (List<Flat> g : e.getValue().values()) {
                List<Flat> open = g.stream().filter(f -> !used.contains(f)).toList();
                if (!open.isEmpty()) {
                    groups.add(open);
                }
            }
            for (int i = 0; i < groups.size(); i++) {
                for (int j = i + 1; j < groups.size(); j++) {
                    List<Flat> x = groups.get(i).stream().filter(f -> !used.contains(f)).toList();
                    List<Flat> y = groups.get(j).stream().filter(f -> !used.contains(f)).toList();
                    if (!x.isEmpty() && !y.isEmpty() && crossing(units.name(e.getKey()), x, y, account, out)) {
                        used.addAll(x);
                        used.addAll(y);
                    }
                }
            }
        }
        Map<String, List<Flat>> left = new LinkedHashMap<>();
        for (Flat f : failed) {
            if (!used.contains(f)) {
                left.computeIfAbsent(f.candidate().id(), k -> new ArrayList<>()).add(f);
            }
        }
        for (List<Flat> g : left.values()) {
            GaugeCandidate c = g.get(0).candidate();
            int dims = account.claim(g.stream().map(f -> f.orbit().tangent()).toList());
            if (dims > 0) {
                LOG.debug("{}: {} flat directions are crossing components with no partner found; unresolved", c.id(), dims);
                out.add(ClassifiedStructure.unresolved(c.id() + ":uncertified", c.mechanism(), c.layers(), dims,
                        g.stream().map(Flat::read).toList()));
            }
        }
    }

    /** Reads the pair as a crossing and claims it when it is one. */
    private boolean crossing(String unit, List<Flat> xs, List<Flat> ys, NullSpaceAccount account,
                             List<ClassifiedStructure> out) {
        List<Direction> x = GaugeSpan.orthonormal(xs.stream().map(f -> f.orbit().tangent()).toList());
        List<Direction> y = GaugeSpan.orthonormal(ys.stream().map(f -> f.orbit().tangent()).toList());
        String id = MECHANISM + ":" + unit + ":" + xs.get(0).candidate().mechanism() + "+" + ys.get(0).candidate().mechanism();
        SplittableRandom random = new SplittableRandom(config.seed() ^ id.hashCode());
        Direction ux = BlockPlan.generic(x, random);
        Direction uy = BlockPlan.generic(y, random);
        Direction diagonal = ux.plus(uy).normalised();
        List<DirectionRead> reads = pool.readAll(List.of(shifted("x-past-y", ux, uy), shifted("y-past-x", uy, ux),
                classifier.straight(new ReadDirection("diagonal", diagonal))));
        DirectionRead rx = reads.get(0);
        DirectionRead ry = reads.get(1);
        DirectionRead rd = reads.get(2);
        if (rx.verdict() != Verdict.ORDER || ry.verdict() != Verdict.ORDER) {
            LOG.debug("{}: not a crossing (past each other the components read {} and {})", id, rx.verdict(), ry.verdict());
            return false;
        }
        int kx = rx.estimate().order();
        int ky = ry.estimate().order();
        List<Direction> span = new ArrayList<>(x);
        span.addAll(y);
        int dims = account.claim(span);
        if (dims == 0) {
            return true;
        }
        Set<String> layers = new LinkedHashSet<>(xs.get(0).candidate().layers());
        layers.addAll(ys.get(0).candidate().layers());
        layers.addAll(classifier.layersOf(span));
        BlockLaw law = new BlockLaw.Crossing(new int[]{x.size(), y.size()}, new int[]{kx, ky}, kx + ky);
        int k = rd.verdict() == Verdict.ORDER ? rd.estimate().order() : -1;
        if (k != kx + ky) {
            LOG.debug("{}: the diagonal reads {} where the crossing of orders {} and {} predicts {}; lambda_B is a bound", id,
                    k < 0 ? rd.verdict() : k, kx, ky, kx + ky);
            law = new BlockLaw.SingleDirection(Math.max(k, 2), 0, false);
            k = Math.max(k, 2);
        }
        List<String> sorted = new ArrayList<>(layers);
        sorted.sort((a, b) -> Integer.compare(snapshot.layer(a).position(), snapshot.layer(b).position()));
        out.add(ClassifiedStructure.genuine(id, MECHANISM, sorted, dims, k, law, reads, false));
        return true;
    }

    /** Reading u from theta-hat moved along v by a tenth of v's scale (where the partner component is live). */
    private ReadPool.Task shifted(String role, Direction u, Direction v) {
        double[] base = snapshot.parameters();
        v.addTo(base, config.radiusHigh() * classifier.scaleOf(v));
        return new ReadPool.Task(role, Path.straight(base, u), classifier.scaleOf(u),
                Math.min(classifier.firstLayer(u), classifier.firstLayer(v)));
    }
}
