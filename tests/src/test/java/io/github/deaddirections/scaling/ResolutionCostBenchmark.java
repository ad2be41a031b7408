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
 * over the probe's labels, against the exact read alone. Prints the ratio (target at most 2).
 * {@code -Dbench.widths=20,80} picks rows.
 */
@Tag("benchmark")
class ResolutionCostBenchmark {

    private static final int PROBE = 512;
    private static final int SAMPLES = Integer.getInteger("bench.epochSamples", 50_000);

    @Test
    void resolutionOverExactRead() {
        System.out.printf(Locale.ROOT, "%-9s %8s %12s %14s %7s %12s %10s %10s %7s%n", "model", "P", "exact ms", "with n ms",
                "ratio", "res. passes", "lambda(inf)", "lambda(n)", "phases");
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
            reader.readExact(Snapshot.of(net, probe)); // warm-up
            long t0 = System.nanoTime();
            DeadDirectionReport exact = reader.readExact(Snapshot.of(net, probe));
            double exactMs = (System.nanoTime() - t0) / 1e6;
            Snapshot snapshot = Snapshot.of(net, probe);
            NoiseVariance noise = NoiseVariance.residual(snapshot.model().output(snapshot.parametersView()), labels);
            long t1 = System.nanoTime();
            DeadDirectionReport resolved = reader.read(snapshot, SampleSize.of(SAMPLES).withNoiseVariance(noise));
            double resolvedMs = (System.nanoTime() - t1) / 1e6;
            Resolution r = resolved.resolution();
            System.out.printf(Locale.ROOT, "%-9s %8d %12.0f %14.0f %7.2f %12d %10.1f %10.1f %7d%n", "mlp-" + width,
                    exact.parameters(), exactMs, resolvedMs, resolvedMs / exactMs, r.forwardPasses(),
                    exact.global().learningCoefficient(), r.learningCoefficient(), r.phases().size());
        }
    }
}
