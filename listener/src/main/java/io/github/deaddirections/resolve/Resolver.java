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
 *       most it could save is not read ({@link FreeEnergy#cannotWin}); the others are ordered by
 *       the F_n their type's law predicts ({@link Snap#lambdaSaving}).</li>
 *   <li>The most promising (predicted F_n below what the multiplicity term could give back, at
 *       most {@link #MAX_READS}): the exact read at theta* gives lambda*, m*, and F_n relative to
 *       theta-hat.</li>
 *   <li>Disjoint structures combine: the best snap of every structure that lowers F_n, added in
 *       order of gain while the combination's F_n falls, as one more phase, read exactly.</li>
 *   <li>The phase of lowest F_n is chosen (theta-hat on a tie). A phase whose exact read is less
 *       singular than theta-hat left its structure's locus: it is reported, never chosen, so
 *       lambda(n) is at most lambda(infinity).</li>
 * </ol>
 */
public final class Resolver {

    private static final double SAME_LAMBDA = 1e-9;
    /**
     * Exact reads at snapped points per resolution, besides the combined phase [ours]: the snaps
     * whose law-predicted F_n is lowest. Each is a whole read, so this bounds the cost.
     */
    static final int MAX_READS = 4;

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
        FreeEnergy energy = new FreeEnergy(n);
        double[] theta = snapshot.parametersView();
        double[][] base = snapshot.model().output(theta);

        List<DenseUnitLayer> unitLayers = DenseUnitLayer.of(snapshot);
        List<NearSingularStructure> structures = new ArrayList<>(BottleneckTruncation.find(snapshot));
        structures.addAll(UnitRemoval.find(unitLayers, theta));
        structures.addAll(UnitDeactivation.find(unitLayers, theta));
        structures.addAll(UnitMerge.find(unitLayers, theta));

        List<Phase> phases = new ArrayList<>();
        phases.add(new Phase(List.of(), 0.0, lambdaHat, multiplicityHat, 0.0, 0.0, true, false));
        int notRead = 0;
        // 1. K of every snap (one pass each) and the free energy its type's law predicts.
        List<Scored> candidates = new ArrayList<>();
        for (int s = 0; s < structures.size(); s++) {
            for (Snap snap : structures.get(s).snaps()) {
                double[] snapped = snap.appliedTo(theta);
                if (Arrays.equals(snapped, theta)) {
                    continue; // already exactly singular: nothing to snap
                }
                double kl = meanKl(distribution, base, snapshot.model().output(snapped));
                if (energy.cannotWin(kl, lambdaHat, snap.localDimension())) {
                    notRead++;
                    continue;
                }
                candidates.add(new Scored(s, snap, kl, energy.relative(kl, -snap.lambdaSaving(), 0), null));
            }
        }
        // 2. The exact read at theta* for the most promising ones: predicted to gain, or to lose less
        //    than the multiplicity term could give back; at most MAX_READS of them.
        candidates.sort(Comparator.comparingDouble(Scored::predicted));
        double margin = 2 * Math.max(0.0, Math.log(Math.log(n)));
        List<Scored> read = new ArrayList<>();
        List<Scored> unread = new ArrayList<>();
        for (Scored c : candidates) {
            if (c.predicted() > margin) {
                notRead++;
            } else if (read.size() < MAX_READS) {
                Phase phase = phase(List.of(c.snap().structure()), c.kl(), snapshot, c.snap().appliedTo(theta), lambdaHat,
                        multiplicityHat, energy, exact);
                phases.add(phase);
                read.add(c.withPhase(phase));
            } else {
                notRead++;
                unread.add(c);
            }
        }
        combined(read, unread, theta, distribution, base, snapshot, lambdaHat, multiplicityHat, energy, exact)
                .ifPresent(phases::add);

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
     * The best snaps of disjoint structures together, when two or more lower F_n on their own: in
     * order of their gain (read phases by their exact F_n, unread ones by the law's), each added
     * while the combination's F_n (K by one pass, lambda by the parts) keeps falling; the result is
     * read exactly.
     */
    private java.util.Optional<Phase> combined(List<Scored> read, List<Scored> unread, double[] theta,
                                                OutputDistribution distribution, double[][] base, Snapshot snapshot,
                                                double lambdaHat, int multiplicityHat, FreeEnergy energy, ExactReader exact) {
        java.util.Map<Integer, Scored> bestPerStructure = new java.util.TreeMap<>();
        for (Scored c : read) {
            if (c.phase().eligible() && c.phase().deltaFreeEnergy() < 0) {
                bestPerStructure.merge(c.structure(), c, (a, b) -> a.gain() <= b.gain() ? a : b);
            }
        }
        for (Scored c : unread) {
            if (c.predicted() < 0) {
                bestPerStructure.merge(c.structure(), c, (a, b) -> a.gain() <= b.gain() ? a : b);
            }
        }
        List<Scored> order = new ArrayList<>(bestPerStructure.values());
        order.sort(Comparator.comparingDouble(Scored::gain));
        List<Snap> taken = new ArrayList<>();
        double[] snapped = theta.clone();
        double lambdaChange = 0;
        int multiplicityChange = 0;
        double bestF = 0;
        for (Scored c : order) {
            if (!taken.stream().allMatch(t -> t.disjointFrom(c.snap()))) {
                continue;
            }
            double[] trial = snapped.clone();
            c.snap().applyIn(trial);
            double dl = lambdaChange + (c.phase() != null ? c.phase().deltaLambda() : -c.snap().lambdaSaving());
            int dm = multiplicityChange + (c.phase() != null ? c.phase().multiplicity() - multiplicityHat : 0);
            double f = energy.relative(meanKl(distribution, base, snapshot.model().output(trial)), dl, dm);
            if (taken.isEmpty() || f < bestF) {
                taken.add(c.snap());
                snapped = trial;
                lambdaChange = dl;
                multiplicityChange = dm;
                bestF = f;
            }
        }
        if (taken.size() < 2) {
            return java.util.Optional.empty();
        }
        List<String> names = taken.stream().map(Snap::structure).toList();
        double kl = meanKl(distribution, base, snapshot.model().output(snapped));
        return java.util.Optional.of(phase(names, kl, snapshot, snapped, lambdaHat, multiplicityHat, energy, exact));
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
     * A snap with its K, its law-predicted F_n and, once read, its phase.
     *
     * @param structure index of its structure (snaps of one structure never combine)
     */
    private record Scored(int structure, Snap snap, double kl, double predicted, Phase phase) {

        Scored withPhase(Phase p) {
            return new Scored(structure, snap, kl, predicted, p);
        }

        /** F_n relative to theta-hat: the exact one once read, else the law's prediction. */
        double gain() {
            return phase != null ? phase.deltaFreeEnergy() : predicted;
        }
    }
}
