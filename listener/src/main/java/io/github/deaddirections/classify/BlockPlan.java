package io.github.deaddirections.classify;

import io.github.deaddirections.assemble.BlockLaw;
import io.github.deaddirections.detect.BlockCandidate;
import io.github.deaddirections.detect.BlockComponent;
import io.github.deaddirections.detect.Direction;
import io.github.deaddirections.detect.ReadDirection;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A block candidate made ready to read (METHOD 3, certified flats; METHOD 5): its components with
 * what the gauges own taken out, their dimensions, the law at those dimensions, and a generic
 * characteristic direction.
 *
 * <p>The characteristic direction is a seeded random combination within each component, the
 * components added with equal weight: a generic point of the product of the components, where the
 * block shows its order, and never a direction a symmetry owns (a fixed combination can be: the
 * uniform outgoing vector of a unit feeding a softmax layer is pure logit shift). The same block
 * and seed give the same direction.
 *
 * @param span       the block's subspace after the gauges (orthonormal)
 * @param components each component after the gauges (orthonormal bases)
 * @param dimensions the component dimensions the law is evaluated at
 */
record BlockPlan(BlockCandidate candidate, List<Direction> span, List<List<Direction>> components, int[] dimensions,
                 BlockLaw law, ReadDirection characteristic, List<ReadDirection> componentDirections) {

    /** The plan, or empty when a gauge owns a whole component (the block's function is then not a product of them). */
    static Optional<BlockPlan> of(BlockCandidate b, GaugeSpan gauges, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ b.id().hashCode());
        List<List<Direction>> components = new ArrayList<>();
        List<ReadDirection> componentDirections = new ArrayList<>();
        int[] dims = new int[b.components().size()];
        Direction diagonal = null;
        for (int i = 0; i < dims.length; i++) {
            BlockComponent c = b.components().get(i);
            List<Direction> basis = gauges.remainder(c.span());
            if (basis.isEmpty()) {
                return Optional.empty();
            }
            components.add(basis);
            dims[i] = basis.size();
            Direction generic = generic(basis, random);
            componentDirections.add(new ReadDirection(c.role(), generic));
            diagonal = diagonal == null ? generic : diagonal.plus(generic);  // a few components: plus is fine
        }
        List<Direction> span = gauges.remainder(b.span());
        return Optional.of(new BlockPlan(b, span, components, dims, b.law().of(dims),
                new ReadDirection("diagonal", diagonal.normalised()), componentDirections));
    }

    /** A unit vector with independent Gaussian coefficients on an orthonormal basis: uniform on its sphere. */
    static Direction generic(List<Direction> basis, SplittableRandom random) {
        double[] c = new double[basis.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = gaussian(random);
        }
        return Direction.combination(basis, c).normalised();
    }

    static double gaussian(SplittableRandom random) {
        return GaugeTest.gaussian(random);
    }
}
