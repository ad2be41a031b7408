package io.github.deaddirections.resolve;

import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.fisher.OutputDistribution;
import io.github.deaddirections.snapshot.Snapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The resolution stage (METHOD 8): lambda(n), m(n) of the phase with the lowest free energy at
 * sample size n.
 * <ol>
 *   <li>Candidates: every near-singular structure a finder names, with its snaps (bottleneck
 *       truncations, near-dead units, rarely active ReLU units, near-duplicate units).</li>
 *   <li>Each snap's K(theta-hat || theta*): one pass at theta*. A snap whose n K alone exceeds the
 *       most it could save is dropped ({@link FreeEnergy#cannotWin}); for the others the law of
 *       their type predicts F_n ({@link Snap#lambdaSaving}, {@link Snap#multiplicityChange}).</li>
 *   <li>Disjoint structures combine: of the best snaps of every structure predicted to lower F_n,
 *       in order of gain, the prefix of lowest F_n (K by one pass per length tried, lambda by the
 *       laws) is one more phase.</li>
 *   <li>Best first: the phase of lowest predicted F_n is read exactly at its theta* (lambda*, m*,
 *       F_n), and so on while a phase's prediction, less what the multiplicity term could give
 *       back, is still below the best F_n read; at most {@link #MAX_READS} reads. Where the laws
 *       hold, one read settles it (the combination), which is what keeps lambda(n) near the cost
 *       of the exact read on networks with many structures worth snapping.</li>
 *   <li>A combination that falls short of its laws is formed again from what the reads showed
 *       (read snaps by their exact F_n) and read once more, budget permitting.</li>
 *   <li>The phase of lowest F_n is chosen (theta-hat on a tie). A phase whose exact read is less
 *       singular than theta-hat left its structure's locus: it is reported, never chosen, so
 *       lambda(n) is at most lambda(infinity).</li>
 * </ol>
 */
public final class Resolver {

    private static final double SAME_LAMBDA = 1e-9;
    /**
     * Exact reads at snapped points per resolution [ours]. Each is a whole read, so this bounds the
     * cost; the best-first order spends them only where a law's prediction could be wrong enough
     * to change the choice.
     */
    static final int MAX_READS = 5;

    private final ReadConfig config;

    public Resolver(ReadConfig config) {
        this.config = config;
    }

    public Resolution resolve(Snapshot snapshot, double lambdaHat, int multiplicityHat, SampleSize settings, ExactReader exact) {
        long start = System.nanoTime();
        long passesBefore = snapshot.model().forwardPasses();
        long n = settings.resolve(snapshot.probeSamples());
        OutputDistribution distribution = OutputDistribution.of(snapshot.outputLayer(), config);
        Double variance = null;
        String varianceSource = null;
        if (distribution instanceof OutputDistribution.Gaussian) {
            if (settings.noiseVariance() == null) {
                return new Resolution(n, settings.source(), null, null, null, null, List.of(), 0, 0,
                        (System.nanoTime() - start) / 1e6, "the output is Gaussian and its noise variance is unknown: give"
                        + " labelled data (the residual variance at theta-hat is then used) or a noise variance");
            }
            variance = settings.noiseVariance().value();
            varianceSource = settings.noiseVariance().source();
            distribution = new OutputDistribution.Gaussian(variance);
        }
        Context at = new Context(snapshot, distribution, new FreeEnergy(n), lambdaHat, multiplicityHat, exact);

        List<DenseUnitLayer> unitLayers = DenseUnitLayer.of(snapshot);
        List<NearSingularStructure> structures = new ArrayList<>(BottleneckTruncation.find(snapshot));
        structures.addAll(UnitRemoval.find(unitLayers, at.theta));
        structures.addAll(UnitDeactivation.find(unitLayers, at.theta));
        structures.addAll(UnitMerge.find(unitLayers, at.theta));

        List<Phase> phases = new ArrayList<>();
        phases.add(new Phase(List.of(), 0.0, lambdaHat, multiplicityHat, 0.0, 0.0, true, false));
        int dropped = 0;
        // 1. K of every snap (one pass each) and the free energy its type's law predicts.
        List<Scored> singles = new ArrayList<>();
        for (int s = 0; s < structures.size(); s++) {
            for (Snap snap : structures.get(s).snaps()) {
                double[] snapped = snap.appliedTo(at.theta);
                if (Arrays.equals(snapped, at.theta)) {
                    continue; // already exactly singular: nothing to snap
                }
                double kl = at.kl(snapped);
                if (at.energy.cannotWin(kl, lambdaHat, snap.localDimension())) {
                    dropped++;
                    continue;
                }
                singles.add(new Scored(List.of(s), List.of(snap), kl,
                        at.energy.relative(kl, -snap.lambdaSaving(), snap.multiplicityChange()), null));
            }
        }
        // 2. The combination the laws predict best, then 3. best first.
        List<Scored> open = new ArrayList<>(singles);
        combined(singles, at).ifPresent(open::add);
        List<Scored> read = new ArrayList<>();
        bestFirst(open, read, at);
        // 4. A combination that fell short of its laws, formed again from the reads.
        boolean shortfall = read.stream().anyMatch(c -> c.snaps().size() > 1
                && c.phase().deltaFreeEnergy() > c.predicted() + 1e-9 * Math.max(1.0, Math.abs(c.predicted())));
        if (shortfall && read.size() < MAX_READS) {
            List<Scored> known = new ArrayList<>(read.stream().filter(c -> c.snaps().size() == 1).toList());
            open.stream().filter(c -> c.snaps().size() == 1).forEach(known::add);
            combined(known, at).filter(c -> read.stream().noneMatch(r -> r.sameSnaps(c)))
                    .ifPresent(c -> read.add(c.withPhase(at.phase(c.names(), c.kl(), c.applied(at.theta)))));
        }
        read.forEach(c -> phases.add(c.phase()));
        int notRead = dropped + (int) open.stream().filter(c -> c.snaps().size() == 1).count();

        int chosen = 0;
        for (int i = 1; i < phases.size(); i++) {
            if (phases.get(i).eligible() && phases.get(i).deltaFreeEnergy() < phases.get(chosen).deltaFreeEnergy()) {
                chosen = i;
            }
        }
        Phase winner = phases.get(chosen).asChosen();
        phases.set(chosen, winner);
        return new Resolution(n, settings.source(), variance, varianceSource, winner.learningCoefficient(),
                winner.multiplicity(), phases, notRead, snapshot.model().forwardPasses() - passesBefore,
                (System.nanoTime() - start) / 1e6, "");
    }

    /**
     * Reads the open phases best first: the lowest predicted F_n, while that prediction less the
     * most the multiplicity term could give back ({@code 2 log log n}, a margin for laws that do
     * not predict m) is below the best F_n read so far (theta-hat's 0 to start).
     */
    private static void bestFirst(List<Scored> open, List<Scored> read, Context at) {
        double margin = 2 * Math.max(0.0, at.energy.logLogN());
        double best = 0;
        open.sort(Comparator.comparingDouble(Scored::predicted));
        while (!open.isEmpty() && read.size() < MAX_READS && open.get(0).predicted() - margin < best) {
            Scored next = open.remove(0);
            Phase phase = at.phase(next.names(), next.kl(), next.applied(at.theta));
            read.add(next.withPhase(phase));
            if (phase.eligible()) {
                best = Math.min(best, phase.deltaFreeEnergy());
            }
        }
    }

    /**
     * The best snaps of disjoint structures together, when two or more lower F_n on their own: in
     * order of their gain (read ones by their exact F_n, the others by the law's), skipping any that
     * overlaps one before it, the prefix of lowest F_n (K by one pass at the prefix's theta*,
     * lambda and m by the parts). The prefix is searched at doubling lengths and then by ternary
     * search around the best of them: O(log k) passes for k structures, where trying each length
     * cost a full pass per structure (most of the resolution's time on a network with hundreds of
     * near-dead units). F_n of a prefix falls while its snaps gain more than their joint K costs,
     * so one minimum is the expected shape; the chosen phase is read exactly in any case.
     */
    private static java.util.Optional<Scored> combined(List<Scored> singles, Context at) {
        java.util.Map<Integer, Scored> bestPerStructure = new java.util.TreeMap<>();
        for (Scored c : singles) {
            boolean gains = c.phase() != null ? c.phase().eligible() && c.phase().deltaFreeEnergy() < 0 : c.predicted() < 0;
            if (gains) {
                bestPerStructure.merge(c.structures().get(0), c, (a, b) -> a.gain() <= b.gain() ? a : b);
            }
        }
        List<Scored> order = new ArrayList<>(bestPerStructure.values());
        order.sort(Comparator.comparingDouble(Scored::gain));
        List<Scored> disjoint = new ArrayList<>();
        for (Scored c : order) {
            Snap snap = c.snaps().get(0);
            if (disjoint.stream().allMatch(t -> t.snaps().get(0).disjointFrom(snap))) {
                disjoint.add(c);
            }
        }
        if (disjoint.size() < 2) {
            return java.util.Optional.empty();
        }
        Prefixes prefixes = new Prefixes(disjoint, at);
        int best = 2;
        for (int k = 2; ; k = Math.min(2 * k, disjoint.size())) {
            if (prefixes.of(k).predicted() < prefixes.of(best).predicted()) {
                best = k;
            }
            if (k == disjoint.size()) {
                break;
            }
        }
        int lo = Math.max(2, best / 2);
        int hi = Math.min(disjoint.size(), 2 * best);
        while (hi - lo > 2) {
            int m1 = lo + (hi - lo) / 3;
            int m2 = hi - (hi - lo) / 3;
            if (prefixes.of(m1).predicted() <= prefixes.of(m2).predicted()) {
                hi = m2;
            } else {
                lo = m1;
            }
        }
        for (int k = lo; k <= hi; k++) {
            if (prefixes.of(k).predicted() < prefixes.of(best).predicted()) {
                best = k;
            }
        }
        return java.util.Optional.of(prefixes.of(best));
    }

    /** The first k of the ordered disjoint snaps as one phase, each k evaluated (one pass) at most once. */
    private static final class Prefixes {
        private final List<Scored> ordered;
        private final Context at;
        private final java.util.Map<Integer, Scored> evaluated = new java.util.HashMap<>();

        Prefixes(List<Scored> ordered, Context at) {
            this.ordered = ordered;
            this.at = at;
        }

        Scored of(int k) {
            return evaluated.computeIfAbsent(k, this::evaluate);
        }

        private Scored evaluate(int k) {
            List<Integer> structures = new ArrayList<>();
            List<Snap> snaps = new ArrayList<>();
            double lambdaChange = 0;
            int multiplicityChange = 0;
            double[] snapped = at.theta.clone();
            for (Scored c : ordered.subList(0, k)) {
                Snap snap = c.snaps().get(0);
                snap.applyIn(snapped);
                structures.add(c.structures().get(0));
                snaps.add(snap);
                lambdaChange += c.phase() != null ? c.phase().deltaLambda() : -snap.lambdaSaving();
                multiplicityChange += c.phase() != null ? c.phase().multiplicity() - at.multiplicityHat
                        : snap.multiplicityChange();
            }
            double kl = at.kl(snapped);
            return new Scored(structures, snaps, kl, at.energy.relative(kl, lambdaChange, multiplicityChange), null);
        }
    }

    /** What every phase of one resolution shares: theta-hat, its outputs, the free energy and the exact reader. */
    private static final class Context {
        final Snapshot snapshot;
        final OutputDistribution distribution;
        final FreeEnergy energy;
        final double lambdaHat;
        final int multiplicityHat;
        final ExactReader exact;
        final double[] theta;
        final double[][] base;

        Context(Snapshot snapshot, OutputDistribution distribution, FreeEnergy energy, double lambdaHat,
                int multiplicityHat, ExactReader exact) {
            this.snapshot = snapshot;
            this.distribution = distribution;
            this.energy = energy;
            this.lambdaHat = lambdaHat;
            this.multiplicityHat = multiplicityHat;
            this.exact = exact;
            this.theta = snapshot.parametersView();
            this.base = snapshot.model().output(theta);
        }

        /** K(theta-hat || theta*) by one pass at theta*. */
        double kl(double[] snapped) {
            return meanKl(distribution, base, snapshot.model().output(snapped));
        }

        Phase phase(List<String> structures, double kl, double[] snapped) {
            return Resolver.phase(structures, kl, snapshot, snapped, lambdaHat, multiplicityHat, energy, exact);
        }
    }

    private static Phase phase(List<String> structures, double kl, Snapshot snapshot, double[] snapped, double lambdaHat,
                               int multiplicityHat, FreeEnergy energy, ExactReader exact) {
        ExactReader.Coefficients at = exact.read(snapshot.at(snapped));
        double deltaLambda = at.learningCoefficient() - lambdaHat;
        int deltaM = at.multiplicity() - multiplicityHat;
        double deltaF = energy.relative(kl, deltaLambda, deltaM);
        boolean eligible = deltaLambda <= SAME_LAMBDA;
        return new Phase(structures, kl, at.learningCoefficient(), at.multiplicity(), deltaLambda, deltaF, eligible, false);
    }

    /** K(theta-hat || theta*): the KL between the output distributions, averaged over the probe rows. */
    static double meanKl(OutputDistribution distribution, double[][] base, double[][] snapped) {
        double sum = 0;
        for (int i = 0; i < base.length; i++) {
            sum += distribution.kl(base[i], snapped[i]);
        }
        return sum / base.length;
    }

    /**
     * One phase to compare: the snaps of one or more disjoint structures, their K, the F_n their
     * laws predict and, once read, the phase.
     *
     * @param structures indices of the snapped structures (snaps of one structure never combine)
     */
    private record Scored(List<Integer> structures, List<Snap> snaps, double kl, double predicted, Phase phase) {

        Scored withPhase(Phase p) {
            return new Scored(structures, snaps, kl, predicted, p);
        }

        /** F_n relative to theta-hat: the exact one once read, else the laws' prediction. */
        double gain() {
            return phase != null ? phase.deltaFreeEnergy() : predicted;
        }

        List<String> names() {
            return snaps.stream().map(Snap::structure).toList();
        }

        double[] applied(double[] theta) {
            double[] out = theta.clone();
            snaps.forEach(s -> s.applyIn(out));
            return out;
        }

        boolean sameSnaps(Scored other) {
            return new java.util.HashSet<>(names()).equals(new java.util.HashSet<>(other.names()));
        }
    }
}
