package io.github.deaddirections.llcbench;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/** Fresh inputs from the probe's law (standard normal), shaped like the probe's samples. */
final class Inputs {

    private Inputs() {
    }

    static INDArray standardNormal(int n, INDArray probeLike, long seed) {
        long[] shape = probeLike.shape().clone();
        shape[0] = n;
        long count = 1;
        for (long s : shape) {
            count *= s;
        }
        Random random = new Random(seed ^ 0x9E3779B97F4A7C15L);
        double[] x = new double[(int) count];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextGaussian();
        }
        return Nd4j.createFromArray(x).reshape('c', shape);
    }
}
