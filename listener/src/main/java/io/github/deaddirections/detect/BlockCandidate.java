package io.github.deaddirections.detect;

import io.github.deaddirections.assemble.BlockLaw;

import java.util.List;

/**
 * A possible genuine block: the subspace of its locus (which it owns when confirmed, METHOD 3
 * "ownership"), the component subspaces of the block's function, and the law that gives
 * (lambda_B, m_B) from the components' dimensions.
 *
 * <p>The detector does not choose the characteristic direction: the classifier composes it as a
 * seeded random combination within each component, after projecting the components off the
 * symmetries and input-data nulls that own directions of their own (METHOD 3, certified flats).
 * A fixed combination can fall inside a symmetry: a dead unit's uniform outgoing vector into a
 * softmax layer is pure logit shift, and reads flat.
 *
 * @param span       vectors spanning the block's subspace (need not be orthonormal)
 * @param components the factors of the block's function (node death: outgoing and incoming), each
 *                   a subspace inside the span; the characteristic direction combines them all
 * @param law        lambda_B and m_B from the component dimensions counted after the gauges
 * @param kind       blocks of one kind (layer, mechanism, activation, fan-in, fan-out) obey one law
 *                   with the same dimensions: a few are read, the rest claimed by that law
 */
public record BlockCandidate(String id, String mechanism, List<String> layers, List<Direction> span,
                             List<BlockComponent> components, BlockLaw.Sized law, String kind)
        implements Candidate {

    public BlockCandidate {
        layers = List.copyOf(layers);
        span = List.copyOf(span);
        components = List.copyOf(components);
        if (components.isEmpty()) {
            throw new IllegalArgumentException(id + ": a block needs at least one component");
        }
    }

    /** A block whose subspace is exactly the union of its components. */
    public static BlockCandidate ofComponents(String id, String mechanism, List<String> layers,
                                              List<BlockComponent> components, BlockLaw.Sized law, String kind) {
        List<Direction> span = components.stream().flatMap(c -> c.span().stream()).toList();
        return new BlockCandidate(id, mechanism, layers, span, components, law, kind);
    }
}
