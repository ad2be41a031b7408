package io.github.deaddirections.detect;

import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.fisher.DirectionalCurve;
import io.github.deaddirections.fisher.OutputDistribution;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.read.DirectionRead;
import io.github.deaddirections.read.DirectionReader;
import io.github.deaddirections.read.RateEstimate.Verdict;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The K-FAC detectors and the PReLU rescaling against what their derivations predict
 * (docs/CELLS-MORE.md): counts from the construction, flatness from F_u along each proposed path.
 */
class KfacDetectorsTest {

    /** A unit with zero outgoing weight: G has the null vector e_3, its 3 + 1 incoming lifts are flat at every radius. */
    @Test
    void outputNullFindsTheIncomingDirectionsOfAUnitNothingReads() {
        Cell cell = ConstructedCells.outgoingDeadUnit(1);
        GaugeCheck check = new GaugeCheck(cell.network(), cell.probe());
        List<Candidate> found = check.detect(new OutputNullDetector());
        assertEquals(1, found.size(), "one null vector g, in layer 0 (the output layer's G = 1 has none)");
        GaugeCandidate g = (GaugeCandidate) found.get(0);
        assertEquals(4, g.orbits().size(), "d_in + 1 lifts");
        check.assertFlat(g);
        int[] unit3 = Unit.of(check.snapshot, check.snapshot.layer("0")).get(3).incoming();
        for (Orbit o : g.orbits()) {
            double inside = 0;
            for (int i : unit3) {
                inside += o.tangent().toDense()[i] * o.tangent().toDense()[i];
            }
            assertEquals(1.0, inside, 1e-9, o.role() + " lies in unit 3's incoming weights and bias");
        }
    }

    /**
     * A ReLU unit dead on the whole probe is not the G side's (its row of G vanishes identically):
     * the inactive-unit detector takes it, and the stencils cover the live units only.
     */
    @Test
    void outputNullLeavesAnInactiveReluUnitToTheInactiveUnitDetector() {
        Cell cell = ConstructedCells.reluRescaling(1);
        MultiLayerNetwork net = cell.network();
        net.getLayer(0).getParam("b").putScalar(3, -10.0);
        GaugeCheck check = new GaugeCheck(net, cell.probe());
        assertTrue(check.detect(new OutputNullDetector()).isEmpty(), "the 3 live units have no null combination");
        assertEquals(1, check.detect(new InactiveUnitDetector()).size());
    }

    /**
     * Duplicate tanh units 2, 3 (same z): df/dz_2 a_3 = df/dz_3 a_2, so g = (a_3, -a_2)/n on units 2, 3 is
     * G-null; its lifts cancel only at first order (phi'' moves them at the second): straight order 2.
     */
    @Test
    void outputNullOfDuplicateUnitsIsFirstOrderOnly() {
        Cell cell = ConstructedCells.duplicateUnit(1);
        GaugeCheck check = new GaugeCheck(cell.network(), cell.probe());
        List<Candidate> found = check.detect(new OutputNullDetector());
        assertEquals(1, found.size());
        GaugeCandidate g = (GaugeCandidate) found.get(0);
        assertEquals(4, g.orbits().size());
        double[] a = cell.network().getLayer(1).getParam("W").toDoubleVector();
        Orbit bias = g.orbits().get(3);
        int[] b = check.snapshot.layout().block("0", "b").orElseThrow().flatIndex();
        double[] u = bias.tangent().toDense();
        double n = Math.hypot(a[2], a[3]);
        assertEquals(0.0, u[b[0]], 1e-8);
        assertEquals(0.0, u[b[1]], 1e-8);
        assertEquals(Math.abs(a[3] / n), Math.abs(u[b[2]]), 1e-6, "g = (a_3, -a_2)/|a|");
        assertEquals(-a[2] / a[3], u[b[3]] / u[b[2]], 1e-6);
        DirectionRead read = reader(check).read("bias lift", bias.path(), 1.0);
        assertEquals(Verdict.ORDER, read.verdict());
        assertEquals(2, read.estimate().order());
    }

    /**
     * A convolution channel nothing reads (outgoing weight 0, kernel and bias live): G (channel-summed)
     * has the null vector e_2 and every one of the channel's 9 + 1 kernel lifts has a vanishing
     * Jacobian, so all 10 are proposed, and they are flat at every radius.
     */
    @Test
    void outputNullFindsAConvolutionChannelNothingReads() {
        Cell cell = ConstructedCells.convChannelDeath(1);
        MultiLayerNetwork net = cell.network();
        Random rnd = new Random(5);
        INDArray kernel = net.getLayer(0).getParam("W").get(org.nd4j.linalg.indexing.NDArrayIndex.point(2));
        for (long i = 0; i < kernel.length(); i++) {
            kernel.putScalar(i, rnd.nextGaussian());
        }
        net.getLayer(0).getParam("b").putScalar(2, rnd.nextGaussian());
        GaugeCheck check = new GaugeCheck(net, cell.probe());
        List<Candidate> found = check.detect(new OutputNullDetector());
        assertEquals(1, found.size(), "channel 2 of the convolution only");
        GaugeCandidate g = (GaugeCandidate) found.get(0);
        assertEquals(10, g.orbits().size(), "kernel 3 x 3 + bias");
        check.assertFlat(g);
        // The output does not see channel 2 at all, so g is the axis e_2 exactly (not an SVD vector
        // with rounding noise on the other channels): each lift moves channel 2 alone.
        java.util.Set<Integer> channel2 = new java.util.HashSet<>();
        channel2.add(check.snapshot.layout().block("0", "b").orElseThrow().flatIndex()[2]);
        org.deeplearning4j.nn.conf.layers.ConvolutionLayer conv =
                (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) check.snapshot.layer("0").conf();
        var w = check.snapshot.layout().block("0", "W").orElseThrow();
        int perChannel = w.size() / (int) w.dim(0);
        for (int k = 0; k < perChannel; k++) {
            channel2.add(w.flatIndex()[2 * perChannel + k]);
        }
        for (Orbit o : g.orbits()) {
            double[] u = o.tangent().toDense();
            for (int i = 0; i < u.length; i++) {
                if (!channel2.contains(i)) {
                    assertEquals(0.0, u[i], 0.0, o.role() + " moves parameter " + i + " outside channel 2");
                }
            }
        }
    }

    /** im2col rows times the kernel plus the bias reproduce DL4J's convolution, with stride, padding and dilation. */
    @Test
    void convPatchesMatchDl4jConvolution() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new ConvolutionLayer.Builder(3, 2).nIn(2).nOut(3).stride(2, 1).padding(1, 2).dilation(2, 1)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.IDENTITY).build())
                .layer(new org.deeplearning4j.nn.conf.layers.CnnLossLayer.Builder(LossFunction.MSE)
                        .activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(7, 6, 2)).build());
        net.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 2, 7, 6).subi(0.5);
        INDArray z = net.output(x, false);
        ConvPatches patches = ConvPatches.of((ConvolutionLayer) net.getLayer(0).conf().getLayer(), new StringBuilder())
                .orElseThrow();
        double[][] rows = patches.rows(x);
        double[] w = net.getLayer(0).getParam("W").dup('c').data().asDouble();
        double[] b = net.getLayer(0).getParam("b").toDoubleVector();
        int oh = patches.outHeight(7);
        int ow = patches.outWidth(6);
        assertEquals(z.size(2), oh);
        assertEquals(z.size(3), ow);
        int k = rows[0].length;
        for (int r = 0; r < rows.length; r++) {
            int s = r / (oh * ow);
            int y = (r / ow) % oh;
            int xx = r % ow;
            for (int c = 0; c < 3; c++) {
                double v = b[c];
                for (int i = 0; i < k; i++) {
                    v += rows[r][i] * w[c * k + i];
                }
                assertEquals(z.getDouble(s, c, y, xx), v, 1e-12);
            }
        }
    }

    /**
     * Fewer probe samples (6) than inputs (10): the SVD's null space would be mostly the probe's,
     * but inputs 2 and 7, 0 on every sample, are null exactly: 2 x 3 flat lifts (W[2, :], W[7, :]),
     * and the size bound is still named in the report.
     */
    @Test
    void inputsThatAreZeroOnEverySampleAreReadWhenTheProbeIsSmallerThanTheLayer() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder().nIn(10).nOut(3).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        Nd4j.getRandom().setSeed(5);
        INDArray probe = Nd4j.randn(DataType.DOUBLE, 6, 10);
        probe.getColumn(2).assign(0.0);
        probe.getColumn(7).assign(0.0);
        GaugeCheck check = new GaugeCheck(net, probe);
        DetectionContext context = new DetectionContext(check.snapshot, ReadConfig.defaults(), null);
        List<Candidate> found = new ActivationNullDetector().detect(context);
        assertEquals(1, found.size(), "the first layer only");
        GaugeCandidate g = (GaugeCandidate) found.get(0);
        assertEquals(6, g.orbits().size());
        for (Orbit lift : g.orbits()) {
            assertEquals(1, lift.tangent().nonZeros(), lift.role());
            int coordinate = lift.tangent().coordinate(0);
            String where = check.snapshot.layout().describe(coordinate);
            assertTrue(where.startsWith("0_W[2,") || where.startsWith("0_W[7,"), where);
        }
        check.assertFlat(g);
        assertEquals(1, context.skips().size(), "the bound is still reported: other null inputs were not read");
    }

    /** A constant input channel: 9 null patch vectors per output channel without padding, 1 with padding 1. */
    @Test
    void convActivationNullCountsTheConstantChannel() {
        for (int padding : new int[]{0, 1}) {
            Cell cell = ConstructedCells.convConstantChannel(1, padding);
            GaugeCheck check = new GaugeCheck(cell.network(), cell.probe());
            List<Candidate> found = check.detect(new ActivationNullDetector());
            assertEquals(1, found.size(), "the conv layer only (the output layer reads 3 live channels)");
            GaugeCandidate g = (GaugeCandidate) found.get(0);
            assertEquals(padding == 0 ? 27 : 3, g.orbits().size(), "nullity x nOut, padding " + padding);
            check.assertFlat(g);
        }
    }

    /**
     * PReLU is positively homogeneous for any alpha: 4 rescaling orbits; flat along the orbit, and the
     * straight tangent shows the spurious order 2 of the curved-gauge trap. DL4J's alpha is "W" [4],
     * y = z (z > 0), alpha z (z <= 0): checked against its output first.
     */
    @Test
    void preluRescalingIsFlatAlongTheOrbitAndOrderTwoAlongTheTangent() {
        Cell cell = ConstructedCells.preluRescaling(1);
        MultiLayerNetwork net = cell.network();
        double[] alpha = net.getLayer(1).getParam("W").toDoubleVector();
        assertEquals(4, alpha.length);
        // z by hand: DL4J's PReLU works in place on its input, so feedForward's layer-0 entry is rewritten.
        INDArray z = cell.probe().mmul(net.getLayer(0).getParam("W")).addiRowVector(net.getLayer(0).getParam("b"));
        INDArray y = net.feedForward(cell.probe(), false).get(2);
        for (int s = 0; s < 16; s++) {
            for (int j = 0; j < 4; j++) {
                double zj = z.getDouble(s, j);
                assertEquals(zj > 0 ? zj : alpha[j] * zj, y.getDouble(s, j), 1e-12, "DL4J's PReLU");
            }
        }
        GaugeCheck check = new GaugeCheck(net, cell.probe());
        List<Candidate> found = check.detect(new RescalingGaugeDetector());
        assertEquals(1, found.size());
        GaugeCandidate g = (GaugeCandidate) found.get(0);
        assertEquals(4, g.orbits().size(), "one orbit per unit");
        check.assertFlat(g);
        DirectionReader reader = reader(check);
        for (Orbit orbit : g.orbits()) {
            DirectionRead straight = reader.read("tangent", Path.straight(check.snapshot.parametersView(), orbit.tangent()), 1.0);
            assertEquals(Verdict.ORDER, straight.verdict(), orbit.role() + " straight");
            assertEquals(2, straight.estimate().order());
            assertEquals(Verdict.FLAT, reader.read("orbit", orbit.path(), 1.0).verdict(), orbit.role() + " along the orbit");
        }
        assertTrue(new RescalingGaugeDetector().understands(check.snapshot.layer("1")), "PReLU layers are covered");
    }

    /** A reader with the null threshold at 1e-14 (the cells' live directions sit above 1e-9, exact zeros below 1e-20). */
    private static DirectionReader reader(GaugeCheck check) {
        ReadConfig config = ReadConfig.defaults();
        OutputDistribution d = OutputDistribution.of(check.snapshot.outputLayer(), config);
        return new DirectionReader(new DirectionalCurve(check.snapshot.model(), d, config.stencilFraction(),
                check.snapshot.model().output(check.snapshot.parametersView())), config, 1e-14);
    }
}
