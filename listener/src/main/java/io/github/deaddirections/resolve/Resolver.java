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
 *       most it could save is not read ({@link FreeEnergy#cannotWin}).</li>
 *   <li>The others: the exact read at theta* gives lambda*, m*, and F_n relative to theta-hat.</li>
 *   <li>Disjoint structures combine: the best snap of every structure that lowers F_n, greedily in
 *       order of their gain among those that set disjoint parameters, as one more phase.</li>
 *   <li>The phase of lowest F_n is chosen (theta-hat on a tie). A phase whose exact read is less
 *       singular than theta-hat left its structure's locus: it is reported, never chosen, so
 *       lambda(n) is at most lambda(infinity).</li>
 * </ol>
 */
public final class Resolver {

    private static final double SAME_LAMBDA = 1e-9;

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
        List<Scored> best = new ArrayList<>();
        for (NearSingularStructure s : structures) {
            Scored bestOfStructure = null;
            for (Snap snap : s.snaps()) {
                double[] snapped = snap.appliedTo(theta);
                if (Arrays.equals(snapped, theta)) {
                    continue; // already exactly singular: nothing to snap
                }
                double kl = meanKl(distribution, base, snapshot.model().output(snapped));
                if (energy.cannotWin(kl, lambdaHat, snap.localDimension())) {
                    notRead++;
                    continue;
                }
                Phase phase = phase(List.of(snap.structure()), kl, snapshot, snapped, lambdaHat, multiplicityHat, energy, exact);
                phases.add(phase);
                if (phase.eligible() && phase.deltaFreeEnergy() < 0
                        && (bestOfStructure == null || phase.deltaFreeEnergy() < bestOfStructure.phase().deltaFreeEnergy())) {
                    bestOfStructure = new Scored(snap, phase);
                }
            }
            if (bestOfStructure != null) {
                best.add(bestOfStructure);
            }
        }
        combined(best, theta, distribution, base, snapshot, lambdaHat, multiplicityHat, energy, exact).ifPresent(phases::add);

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

    /** The best snaps of disjoint structures together, when two or more lower F_n on their own. */
    private java.util.Optional<Phase> combined(List<Scored> best, double[] theta, OutputDistribution distribution,
                                                double[][] base, Snapshot snapshot, double lambdaHat, int multiplicityHat,
                                                FreeEnergy energy, ExactReader exact) {
        List<Scored> order = new ArrayList<>(best);
        order.sort(Comparator.comparingDouble(s -> s.phase().deltaFreeEnergy()));
        List<Snap> taken = new ArrayList<>();
        for (Scored s : order) {
            if (taken.stream().allMatch(t -> t.disjointFrom(s.snap()))) {
                taken.add(s.snap());
            }
        }
        if (taken.size() < 2) {
            return java.util.Optional.empty();
        }
        double[] snapped = theta.clone();
        List<String> names = new ArrayList<>();
        for (Snap s : taken) {
            s.applyIn(snapped);
            names.add(s.structure());
        }
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

    private record Scored(Snap snap, Phase phase) {
    }
}
