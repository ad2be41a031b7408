package io.github.deaddirections.oracle;

/**
 * lambda_B and m_B of a dead unit (incoming weights w in R^d, bias b, outgoing weights a in R^n',
 * all of a and w zero) whose consumer has a bias, as theory gives them and {@code NodeDeathVolumeTest}
 * checks by brute-force volume scaling.
 *
 * <p>p = 1 (phi'(b0) != 0): the unit adds {@code a phi(b + w x)} to its consumer; the consumer bias c
 * absorbs {@code a phi(b)} (the change of variables c' = c + a phi(b) has Jacobian 1), leaving
 * {@code a phi'(b) (w x) + O(|a| |w|^2)}: K is locally |c'|^2 + |a|^2 |w|^2 and b is free. So the block is
 * the crossing of a (dimension n') and w (dimension d, <b>not</b> d + 1):
 * {@code lambda_B = min(n', d)/2}, m_B = 2 when n' = d, else 1. (Without a consumer bias nothing
 * absorbs b: min(n', d + 1)/2. METHOD 5's min(n'/2, (d+1)/2) is that case.)
 *
 * <p>p = 3 (cube at b0 = 0): {@code a((b + w x)^3 - b^3)} after absorption vanishes on w = 0 for any
 * b, K ~ |a|^2 |w|^2 (b^2 + |w|^2)^2; the two charts of the blow-up give poles n'/2, (d+1)/6, d/2, so
 * {@code lambda_B = min(n'/2, (d+1)/6)} (d/2 never wins), m_B = 2 on a tie.
 *
 * <p>n' counts the outgoing directions after the logit shift: C - 1 into a softmax layer of C classes.
 */
final class NodeDeathLaw {

    private NodeDeathLaw() {
    }

    static double lambda(int p, int outgoing, int incoming, boolean consumerBias) {
        if (p == 1) {
            return Math.min(outgoing, consumerBias ? incoming : incoming + 1) / 2.0;
        }
        return Math.min(outgoing / 2.0, (incoming + 1) / (2.0 * p));
    }

    static int multiplicity(int p, int outgoing, int incoming, boolean consumerBias) {
        if (p == 1) {
            return outgoing == (consumerBias ? incoming : incoming + 1) ? 2 : 1;
        }
        return Math.abs(outgoing / 2.0 - (incoming + 1) / (2.0 * p)) < 1e-12 ? 2 : 1;
    }
}
