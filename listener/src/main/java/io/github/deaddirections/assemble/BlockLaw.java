package io.github.deaddirections.assemble;

/**
 * How a genuine block contributes to Watanabe's (lambda, m) (METHOD 5, "typed intersection of the
 * loci"). Each law is a closed form in the block's type and sizes.
 */
public interface BlockLaw {

    /** lambda_B. */
    double learningCoefficient();

    /** m_B. */
    int multiplicity();

    /** The order k the block shows along its characteristic (diagonal) direction. */
    int order();

    /** False when the structure does not enumerate and lambda_B is only a bound. */
    default boolean exact() {
        return true;
    }

    /** A short formula for people, e.g. {@code min(1/2, 4/2)}. */
    String formula();

    /**
     * A block type's law as a function of its component dimensions, counted after the gauges that
     * own directions of their own (a dead unit feeding a softmax layer: its outgoing component
     * loses the logit shift's direction, so n_out counts one less).
     */
    @FunctionalInterface
    interface Sized {
        BlockLaw of(int[] componentDimensions);
    }

    /**
     * A single additive direction of order k with {@code mPerp} quadratic partners:
     * {@code lambda_B = 1/(2k) + mPerp/2}, m = 1.
     */
    record SingleDirection(int order, int quadraticPartners, boolean exact) implements BlockLaw {
        @Override
        public double learningCoefficient() {
            return 1.0 / (2.0 * order) + quadraticPartners / 2.0;
        }

        @Override
        public int multiplicity() {
            return 1;
        }

        @Override
        public String formula() {
            return "1/(2*" + order + ")" + (quadraticPartners > 0 ? " + " + quadraticPartners + "/2" : "");
        }
    }

    /**
     * A crossing {@code prod x_i^(2 k_i)} with prior exponents h_i (the component dimensions minus 1):
     * {@code lambda_B = min_i (h_i + 1) / (2 k_i)}, m_B = how many indices attain it.
     */
    record Crossing(int[] dimensions, int[] orders, int order) implements BlockLaw {
        @Override
        public double learningCoefficient() {
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < orders.length; i++) {
                min = Math.min(min, dimensions[i] / (2.0 * orders[i]));
            }
            return min;
        }

        @Override
        public int multiplicity() {
            double min = learningCoefficient();
            int m = 0;
            for (int i = 0; i < orders.length; i++) {
                if (Math.abs(dimensions[i] / (2.0 * orders[i]) - min) <= 1e-12) {
                    m++;
                }
            }
            return m;
        }

        @Override
        public String formula() {
            StringBuilder sb = new StringBuilder("min(");
            for (int i = 0; i < orders.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(dimensions[i]).append("/(2*").append(orders[i]).append(')');
            }
            return sb.append(')').toString();
        }
    }

    /**
     * Node death: a crossing of the outgoing component (order 1, dimension n_out) and the incoming
     * component (order p, dimension d_in + 1): {@code lambda_B = min(n_out/2, (d_in+1)/(2p))}. The
     * diagonal shows order p + 1.
     */
    static Crossing nodeDeath(int outgoing, int incoming, int p) {
        return new Crossing(new int[]{outgoing, incoming}, new int[]{1, p}, p + 1);
    }

    /**
     * Node death into a consumer whose bias absorbs the unit's constant output. With u = w x the
     * unit's input, the consumer's pre-activation moves by {@code a phi(b) + dc + a (phi(b + u) - phi(b))};
     * the first two are one regular coordinate (the consumer bias, counted in the rank), so
     * {@code K ~ |a|^2 g(b, w)} with {@code g = E (phi(b + u) - phi(b))^2}. For phi(z) - phi(b0) ~ z^p,
     * g has the monomials {@code |w|^(2j) b^(2(p-j))}, j = 1..p: the unit's bias is not a coordinate of
     * its own (at w = 0 it moves only the absorbed constant). The Newton polyhedron {x >= 2, x + y >= 2p}
     * against the measure weights (d_in, 1) gives {@code lambda_g = min(d_in/2, (d_in+1)/(2p))}, and a
     * product of independent groups takes the smaller pole:
     * {@code lambda_B = min(n_out/2, d_in/2, (d_in+1)/(2p))}, m_B the number of terms attaining it.
     * For p = 1 that is {@code min(n_out, d_in)/2}: one less than {@link #nodeDeath} on the incoming side,
     * which holds only when nothing absorbs phi(b) (no consumer bias). The diagonal still shows p + 1.
     *
     * @param incoming the incoming component's dimension d_in + 1 (weights and bias, after gauges)
     */
    static Crossing nodeDeathAbsorbed(int outgoing, int incoming, int p) {
        int weights = incoming - 1;
        return p == 1 ? new Crossing(new int[]{outgoing, weights}, new int[]{1, 1}, 2)
                : new Crossing(new int[]{outgoing, weights, incoming}, new int[]{1, 1, p}, p + 1);
    }

    /**
     * Node death of a unit whose bias shift is an exact symmetry (an affine, exponential, Moebius or
     * power piece of phi around b0, with the consumer's bias absorbing constants): the bias axis is
     * the symmetry's tangent, a gauge, and {@code a phi(b + u) - a phi(b)} is, after the symmetry
     * and the absorbed constant, {@code A (u + O(u^2))} with A = a phi'(b): the bilinear crossing
     * {@code K ~ |A|^2 |w|^2} of the outgoing (n_out) and incoming weights (d_in) alone,
     * {@code lambda_B = min(n_out, d_in)/2}, m_B = 2 when they are equal. The same value as
     * {@link #nodeDeathAbsorbed} for p = 1 (where the bias was no coordinate of the crossing
     * either); only the bias's class changes. The diagonal shows order 2.
     *
     * @param incomingWeights d_in, the incoming weights without the bias (after gauges)
     */
    static Crossing nodeDeathBiasGauge(int outgoing, int incomingWeights) {
        return new Crossing(new int[]{outgoing, incomingWeights}, new int[]{1, 1}, 2);
    }

    /** Width-one chain {@code (w_1 ... w_L)^2} at 0: lambda = 1/2, m = L; the diagonal shows order L. */
    record Chain(int length) implements BlockLaw {
        @Override
        public double learningCoefficient() {
            return 0.5;
        }

        @Override
        public int multiplicity() {
            return length;
        }

        @Override
        public int order() {
            return length;
        }

        @Override
        public String formula() {
            return "1/2 (width-one chain of " + length + ")";
        }
    }

    /**
     * Duplicate units with a smooth activation: a positive-definite quartic in the n = d_in + 1
     * incoming differential coordinates, lambda_B = n/4, m = 1 (the flat outgoing difference adds 0).
     */
    record DuplicateUnits(int incoming) implements BlockLaw {
        @Override
        public double learningCoefficient() {
            return incoming / 4.0;
        }

        @Override
        public int multiplicity() {
            return 1;
        }

        @Override
        public int order() {
            return 2;
        }

        @Override
        public String formula() {
            return incoming + "/4";
        }
    }

    /**
     * The excess block of a reduced-rank bottleneck (M inputs, N outputs, H hidden, true rank r):
     * Aoyagi-Watanabe's lambda minus the rank part {@code r(M+N-r)/2}, i.e. the rank-0 problem in
     * (M-r, N-r, H-r).
     */
    record ReducedRankExcess(int inputs, int outputs, int hidden, int rank) implements BlockLaw {
        @Override
        public double learningCoefficient() {
            return ReducedRank.learningCoefficient(inputs, outputs, hidden, rank) - rank * (inputs + outputs - rank) / 2.0;
        }

        @Override
        public int multiplicity() {
            return ReducedRank.multiplicity(inputs, outputs, hidden, rank);
        }

        @Override
        public int order() {
            return 2;
        }

        @Override
        public String formula() {
            return "AW(M=" + inputs + ", N=" + outputs + ", H=" + hidden + ", r=" + rank + ") - r(M+N-r)/2";
        }
    }
}
