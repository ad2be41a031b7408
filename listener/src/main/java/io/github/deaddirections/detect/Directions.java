package io.github.deaddirections.detect;

/** Small vector helpers for building directions in R^P. */
public final class Directions {

    private Directions() {
    }

    /** The unit vector spread evenly over the given coordinates. */
    public static double[] uniform(int p, int[] indices) {
        double[] u = new double[p];
        double v = 1.0 / Math.sqrt(indices.length);
        for (int i : indices) {
            u[i] = v;
        }
        return u;
    }

    /** Unit axis vector e_i. */
    public static double[] axis(int p, int i) {
        double[] u = new double[p];
        u[i] = 1.0;
        return u;
    }

    /** (a + b) normalised. */
    public static double[] diagonal(double[] a, double[] b) {
        double[] u = new double[a.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = a[i] + b[i];
        }
        return normalise(u);
    }

    public static double norm(double[] u) {
        double s = 0;
        for (double v : u) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** u / |u| (a fresh array); throws when u is zero. */
    public static double[] normalise(double[] u) {
        double n = norm(u);
        if (!(n > 0)) {
            throw new IllegalArgumentException("cannot normalise a zero direction");
        }
        double[] v = u.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
        return v;
    }

    /** Concatenation of index arrays. */
    public static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int k = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }
}
