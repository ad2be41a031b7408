package io.github.deaddirections.detect;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The output-null basis does not depend on the rotation the SVD happened to return: on random
 * rotations of a null space holding unit axes (units whose outputs reach nothing) and mixed
 * vectors, the axes come first, exactly, and the rest spans the remainder orthogonally to them.
 */
class OutputNullUnitsFirstTest {

    @Test
    void axesComeFirstWhateverTheRotation() {
        for (long seed = 1; seed <= 50; seed++) {
            Random rnd = new Random(seed);
            int width = 4 + rnd.nextInt(6);
            int axes = 1 + rnd.nextInt(2);
            List<double[]> planted = new ArrayList<>();
            for (int k = 0; k < axes; k++) {
                double[] e = new double[width];
                e[k] = 1.0;
                planted.add(e);
            }
            // One mixed null on the other units (a combination the live units cancel).
            double[] mixed = new double[width];
            for (int k = axes; k < width; k++) {
                mixed[k] = rnd.nextGaussian();
            }
            planted.add(unit(mixed));
            List<double[]> rotated = rotate(planted, rnd);

            List<double[]> basis = OutputNullDetector.unitsFirst(rotated);

            assertEquals(planted.size(), basis.size(), "seed " + seed);
            for (int k = 0; k < axes; k++) {
                assertEquals(1.0, basis.get(k)[k], 1e-12, "seed " + seed + ": axis " + k);
            }
            double[] rest = basis.get(axes);
            assertEquals(1.0, Math.abs(dot(rest, planted.get(axes))), 1e-9, "seed " + seed + ": the mixed null");
            for (int k = 0; k < axes; k++) {
                assertEquals(0.0, rest[k], 1e-12, "seed " + seed);
            }
        }
    }

    @Test
    void aNullSpaceWithoutAxesIsLeftAlone() {
        Random rnd = new Random(7);
        List<double[]> planted = List.of(unit(new double[]{1, 1, 0, 0}), unit(new double[]{0, 0, 1, -1}));
        List<double[]> rotated = rotate(planted, rnd);
        List<double[]> basis = OutputNullDetector.unitsFirst(rotated);
        assertEquals(rotated, basis);
    }

    /** An orthonormal basis of the same span, mixed by a random rotation. */
    private static List<double[]> rotate(List<double[]> basis, Random rnd) {
        int n = basis.size();
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] v = new double[basis.get(0).length];
            for (double[] b : basis) {
                double c = rnd.nextGaussian();
                for (int k = 0; k < v.length; k++) {
                    v[k] += c * b[k];
                }
            }
            for (double[] prev : out) {
                double c = dot(v, prev);
                for (int k = 0; k < v.length; k++) {
                    v[k] -= c * prev[k];
                }
            }
            out.add(unit(v));
        }
        assertTrue(out.stream().noneMatch(v -> Double.isNaN(v[0])));
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    private static double[] unit(double[] v) {
        double n = Math.sqrt(dot(v, v));
        double[] out = v.clone();
        for (int k = 0; k < v.length; k++) {
            out[k] /= n;
        }
        return out;
    }
}
