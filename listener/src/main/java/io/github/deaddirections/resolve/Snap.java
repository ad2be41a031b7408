package io.github.deaddirections.resolve;

import java.util.Arrays;
import java.util.List;

/**
 * A snap (METHOD 8): the move from theta-hat to theta*, the nearest exactly singular point of one
 * near-singular structure's type. Computed once at theta-hat: the parameters it sets (to the
 * snapped values) and those it shifts (a consumer's bias absorbing a removed unit's mean output).
 *
 * @param structure       what is snapped, e.g. {@code bottleneck:0-1:rank-1} or {@code near-dead-unit:1:3}
 * @param layers          the layers it touches
 * @param set             parameters set to {@code values}
 * @param values          their snapped values
 * @param shifted         parameters moved by {@code shifts} (additive, so snaps of one consumer compose)
 * @param shifts          the shifts
 * @param localDimension  the parameters of the structure's neighbourhood: how much of lambda a snap
 *                        of it can remove at most (half of it), for the free-energy bound
 * @param lambdaSaving    lambda(theta-hat) - lambda(theta*) as the law of the structure's type predicts it;
 *                        it orders the snaps for reading (the exact read at theta* decides)
 * @param multiplicityChange m(theta*) - m(theta-hat) as the same law predicts it (0 where it predicts no change)
 */
public record Snap(String structure, List<String> layers, int[] set, double[] values, int[] shifted, double[] shifts,
                   int localDimension, double lambdaSaving, int multiplicityChange) {

    public Snap {
        layers = List.copyOf(layers);
        set = set.clone();
        values = values.clone();
        shifted = shifted.clone();
        shifts = shifts.clone();
    }

    /** theta with this snap applied (theta is not changed). */
    public double[] appliedTo(double[] theta) {
        double[] out = theta.clone();
        applyIn(out);
        return out;
    }

    /** Applies the snap in place. */
    void applyIn(double[] theta) {
        for (int i = 0; i < set.length; i++) {
            theta[set[i]] = values[i];
        }
        for (int i = 0; i < shifted.length; i++) {
            theta[shifted[i]] += shifts[i];
        }
    }

    /** True when no parameter this snap sets is set by the other one: the two structures are disjoint. */
    boolean disjointFrom(Snap other) {
        int[] a = set.clone();
        Arrays.sort(a);
        for (int i : other.set) {
            if (Arrays.binarySearch(a, i) >= 0) {
                return false;
            }
        }
        return true;
    }
}
