package io.github.deaddirections.assemble;

import java.util.List;

/**
 * Watanabe's (lambda, m) from the Fisher rank and the genuine blocks (METHOD 5): under normal
 * crossing with blocks on disjoint parameter sets,
 * {@code lambda = rank/2 + sum lambda_B} and {@code m = 1 + sum (m_B - 1)}. Gauges add 0.
 *
 * @param learningCoefficient lambda
 * @param multiplicity        m
 * @param exact               false when a block does not enumerate or a direction is unresolved
 */
public record Assembly(double learningCoefficient, int multiplicity, boolean exact) {

    public static Assembly of(int regularDimension, List<BlockLaw> blocks, boolean allResolved) {
        double lambda = regularDimension / 2.0;
        int m = 1;
        boolean exact = allResolved;
        for (BlockLaw b : blocks) {
            lambda += b.learningCoefficient();
            m += b.multiplicity() - 1;
            exact &= b.exact();
        }
        return new Assembly(lambda, m, exact);
    }
}
