package io.github.deaddirections.scaling;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.resolve.NoiseVariance;
import io.github.deaddirections.resolve.Resolution;
import io.github.deaddirections.resolve.SampleSize;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Locale;

/**
 * What lambda(n) costs on top of the exact read, on {@link ReadScalingBenchmark}'s MLP rows
 * (tanh 32 -> w -> relu w -> 4, MSE, one epoch of Adam on Gaussian data, structural path, probe
 * 512): the read with its resolution at n = the epoch's samples and sigma^2 the residual variance
 * over the probe's labels, against the exact read alone, both warmed up and timed three times in
 * turn. Prints the ratio of the medians (target at most 2).
 * {@code -Dbench.widths=20,80} picks rows.
 */
@Tag("benchmark")
class ResolutionCostBenchmark {

    private static final int PROBE = 512;
    /** Each read is timed this often, the two alternating; the medians are compared. */
    private static final int REPEATS = 3;
    private static final int SAMPLES = Integer.getInteger("bench.epochSamples", 50_000);

    @Test
    void resolutionOverExactRead() {
        System.out.printf(Locale.ROOT, "%-9s %8s %12s %14s %7s %13s %12s %10s %10s %7s%n", "model", "P", "exact ms", "with n ms",
                "ratio", "exact passes", "res. passes", "lambda(inf)", "lambda(n)", "phases");
        for (String w : System.getProperty("bench.widths", "20,80,300").split(",")) {
            int width = Integer.parseInt(w.trim());
            MultiLayerNetwork net = ReadScalingBenchmark.mlp(width);
            Nd4j.getRandom().setSeed(7);
            INDArray x = Nd4j.randn(DataType.FLOAT, SAMPLES, 32);
            INDArray y = Nd4j.randn(DataType.FLOAT, SAMPLES, 4);
            for (DataSet batch : new DataSet(x, y).batchBy(256)) {
                net.fit(batch);
            }
            INDArray probe = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, PROBE)).dup();
            double[][] labels = y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, PROBE)).castTo(DataType.DOUBLE)
                    .toDoubleMatrix();
            DeadDirectionReader reader = DeadDirectionReader.builder().config(ReadConfig.builder().fisherNullLimit(1).build())
                    .build();
            Snapshot warm = Snapshot.of(net, probe);
            NoiseVariance noise = NoiseVariance.residual(warm.model().output(warm.parametersView()), labels);
            SampleSize n = SampleSize.of(SAMPLES).withNoiseVariance(noise);
            // Warm-up of both: the reads at theta* take code paths (node deaths, crossings) the read at theta-hat may not.
            reader.read(warm, n);
            double[] exactMs = new double[REPEATS];
            double[] resolvedMs = new double[REPEATS];
            DeadDirectionReport exact = null;
            DeadDirectionReport resolved = null;
            for (int k = 0; k < REPEATS; k++) {
                long t0 = System.nanoTime();
                exact = reader.readExact(Snapshot.of(net, probe));
                exactMs[k] = (System.nanoTime() - t0) / 1e6;
                long t1 = System.nanoTime();
                resolved = reader.read(Snapshot.of(net, probe), n);
                resolvedMs[k] = (System.nanoTime() - t1) / 1e6;
            }
            Resolution r = resolved.resolution();
            System.out.printf(Locale.ROOT, "%-9s %8d %12.0f %14.0f %7.2f %13d %12d %10.1f %10.1f %7d%n", "mlp-" + width,
                    exact.parameters(), median(exactMs), median(resolvedMs), median(resolvedMs) / median(exactMs), exact.timing().forwardPasses(),
                    r.forwardPasses(),
                    exact.global().learningCoefficient(), r.learningCoefficient(), r.phases().size());
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
