package io.github.deaddirections.scaling;

/** The least-squares slope of log(read time) against log(P): how a read's cost grows with the model. */
final class ScalingExponent {

    private ScalingExponent() {
    }

    static double of(double[] parameters, double[] millis) {
        int n = parameters.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += Math.log(parameters[i]) / n;
            my += Math.log(millis[i]) / n;
        }
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(parameters[i]) - mx;
            sxy += dx * (Math.log(millis[i]) - my);
            sxx += dx * dx;
        }
        return sxy / sxx;
    }
}
