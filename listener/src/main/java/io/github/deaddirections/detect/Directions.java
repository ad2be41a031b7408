package io.github.deaddirections.detect;

/** Dense vector helpers (the exact path works on dense vectors of length P <= the fisher-null limit). */
public final class Directions {

    private Directions() {
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
