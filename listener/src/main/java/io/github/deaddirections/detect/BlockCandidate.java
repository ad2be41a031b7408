package io.github.deaddirections.detect;

import io.github.deaddirections.assemble.BlockLaw;

import java.util.List;

/**
 * A possible genuine block: the subspace of its locus (which it owns when confirmed, METHOD 3
 * "ownership"), its characteristic direction (read to confirm the order), the component
 * directions worth showing, and the law that gives (lambda_B, m_B) if the read confirms the order.
 *
 * @param span           vectors spanning the block's subspace (need not be orthonormal)
 * @param characteristic the direction along which the block shows its order (the diagonal)
 * @param components     further directions to read and report (for example the flat components
 *                       of a crossing)
 * @param law            lambda_B and m_B of this block type
 */
public record BlockCandidate(String id, String mechanism, List<String> layers, List<Direction> span,
                             ReadDirection characteristic, List<ReadDirection> components, BlockLaw law)
        implements Candidate {

    public BlockCandidate {
        layers = List.copyOf(layers);
        span = List.copyOf(span);
        components = List.copyOf(components);
    }
}
