package io.github.deaddirections.detect;

import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.ReadInputException;
import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.fisher.DirectionalCurve;
import io.github.deaddirections.fisher.OutputDistribution;
import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.read.DirectionRead;
import io.github.deaddirections.read.DirectionReader;
import io.github.deaddirections.read.RateEstimate.Verdict;
import io.github.deaddirections.snapshot.ParameterBlock;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RecurrentAttentionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attention gauge on the self-attention cell (2 heads, headSize 2): per head a query-key and
 * a value-output GL(2) action, d² = 4 orbits each; every orbit flat at every radius; straight
 * along the tangent the diagonal (curved) generators read a spurious order 2 and the
 * off-diagonal ones (E_ab² = 0, the orbit is the line) stay flat; a wrong action is live.
 */
class AttentionGaugeDetectorTest {

    /** Null threshold for this cell (Fisher scale 10-15; live eigenvalues above 1e-4 of it, exact zeros near 1e-24). */
    private static final double NULL = 1e-12;

    private static final Snapshot CELL = snapshot(ConstructedCells.selfAttention(1));

    private static Snapshot snapshot(Cell cell) {
        return Snapshot.of(cell.network(), cell.probe());
    }

    private static DirectionReader reader(Snapshot s) {
        ReadConfig config = ReadConfig.defaults();
        OutputDistribution d = OutputDistribution.of(s.outputLayer(), config);
        return new DirectionReader(new DirectionalCurve(s.model(), d, config.stencilFraction(),
                s.model().output(s.parametersView())), config, NULL);
    }

    private static List<GaugeCandidate> gauges(Snapshot s) {
        return new AttentionGaugeDetector().detect(new DetectionContext(s, ReadConfig.defaults(), null)).stream()
                .map(GaugeCandidate.class::cast).toList();
    }

    @Test
    void twoActionsOfGl2PerHeadGiveSixteenOrbits() {
        List<GaugeCandidate> gauges = gauges(CELL);
        assertEquals(List.of("attention-gauge:0:head0:query-key", "attention-gauge:0:head0:value-output",
                "attention-gauge:0:head1:query-key", "attention-gauge:0:head1:value-output"),
                gauges.stream().map(GaugeCandidate::id).toList());
        for (GaugeCandidate g : gauges) {
            assertEquals(List.of("orbit:E00", "orbit:E01", "orbit:E10", "orbit:E11"),
                    g.orbits().stream().map(Orbit::role).toList());
            for (Orbit o : g.orbits()) {
                assertEquals(1.0, o.tangent().norm(), 1e-12);
                // The path has the tangent as its velocity at t = 0 (speed 1).
                double h = 1e-6;
                double[] plus = o.path().at(h);
                double[] minus = o.path().at(-h);
                double[] u = o.tangent().toDense();
                for (int i = 0; i < u.length; i++) {
                    assertEquals(u[i], (plus[i] - minus[i]) / (2 * h), 1e-8, g.id() + " " + o.role() + " coordinate " + i);
                }
            }
        }
    }

    @Test
    void everyOrbitIsFlatAtEveryRadius() {
        DirectionReader reader = reader(CELL);
        for (GaugeCandidate g : gauges(CELL)) {
            for (Orbit o : g.orbits()) {
                DirectionRead along = reader.read(o.role(), o.path(), 1.0);
                assertEquals(Verdict.FLAT, along.verdict(), g.id() + " " + o.role());
                for (int j = 0; j < along.radii().length; j++) {
                    assertTrue(along.fisher()[j] < NULL, g.id() + " " + o.role() + ": F_u(" + along.radii()[j] + ") = "
                            + along.fisher()[j]);
                }
            }
        }
    }

    @Test
    void theStraightTangentOfACurvedGeneratorReadsASpuriousOrderTwo() {
        DirectionReader reader = reader(CELL);
        for (GaugeCandidate g : gauges(CELL)) {
            for (Orbit o : g.orbits()) {
                DirectionRead straight = reader.read("tangent", Path.straight(CELL.parametersView(), o.tangent()), 1.0);
                boolean diagonal = o.role().equals("orbit:E00") || o.role().equals("orbit:E11");
                if (diagonal) {
                    // (1 + s) row_a and (1 - s) partner row: the bilinear form moves by -s² (the trap).
                    assertEquals(Verdict.ORDER, straight.verdict(), g.id() + " " + o.role());
                    assertEquals(2, straight.estimate().order(), g.id() + " " + o.role());
                } else {
                    // exp(s E_ab) = I + s E_ab: the orbit is the straight line itself.
                    assertEquals(Verdict.FLAT, straight.verdict(), g.id() + " " + o.role());
                }
            }
        }
    }

    @Test
    void theWrongActionIsLive() {
        // Wq -> M Wq with Wk -> M Wk (M instead of M^-T), M = diag(e^t, 1) on head 0:
        // Wq_0ᵀ Wk_0 gains (e^{2t} - 1) q_0ᵀ k_0, a first-order change of the scores.
        ParameterBlock wq = CELL.layout().block("0", "Wq").orElseThrow();
        ParameterBlock wk = CELL.layout().block("0", "Wk").orElseThrow();
        double[] theta = CELL.parametersView();
        assertOrderOne(t -> {
            double[] x = theta.clone();
            for (int i = 0; i < 3; i++) {
                x[wq.index(0, 0, i)] *= Math.exp(t);
                x[wk.index(0, 0, i)] *= Math.exp(t);
            }
            return x;
        });
        // The value side without its output compensation: Wv_0 row 0 scaled, Wo untouched.
        ParameterBlock wv = CELL.layout().block("0", "Wv").orElseThrow();
        assertOrderOne(t -> {
            double[] x = theta.clone();
            for (int i = 0; i < 3; i++) {
                x[wv.index(0, 0, i)] *= Math.exp(t);
            }
            return x;
        });
    }

    /**
     * F_u far above the null threshold at every radius and a slope-0 profile (k-hat = 1). The
     * verdict itself may be LIVE or UNRESOLVED: on an almost constant F_u the OLS R² of the rate
     * fit is ill-conditioned (here 0.75 at slope 0.006), so the test asserts what the derivation
     * fixes: order 1, never flat.
     */
    private static void assertOrderOne(Path broken) {
        // Radii up to 0.01 (scale 0.1): F_u = |df/dt|^2 stays near its t = 0 value.
        DirectionRead r = reader(CELL).read("broken", broken, 0.1);
        assertTrue(r.verdict() != Verdict.FLAT);
        for (double f : r.fisher()) {
            assertTrue(f > 1e6 * NULL, "F_u = " + f);
        }
        assertEquals(1.0, r.estimate().orderEstimate(), 0.15);
    }

    @Test
    void anAttentionVariantWithoutAGaugeDetectorIsASpecificErrorOnTheStructuralPath() {
        MultiLayerNetwork net = attention(new RecurrentAttentionLayer.Builder().nIn(3).nOut(4).nHeads(2).headSize(2)
                .projectInput(true).activation(Activation.TANH).build());
        DeadDirectionReader reader = DeadDirectionReader.builder().config(ReadConfig.builder().fisherNullLimit(10).build())
                .build();
        ReadInputException e = assertThrows(ReadInputException.class, () -> reader.read(Snapshot.of(net, probe())));
        assertTrue(e.getMessage().contains("0 (RecurrentAttentionLayer)"), e.getMessage());
    }

    @Test
    void aFlatProbeForAnAttentionLayerIsAnError() {
        INDArray flat = Nd4j.rand(DataType.DOUBLE, 8, 3);
        ReadInputException e = assertThrows(ReadInputException.class,
                () -> Snapshot.of(ConstructedCells.selfAttention(1).network(), flat));
        assertTrue(e.getMessage().contains("takes sequences [samples, 3 features, tokens]"), e.getMessage());
    }

    private static MultiLayerNetwork attention(org.deeplearning4j.nn.conf.layers.Layer layer) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE).list()
                .layer(layer)
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new LossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.recurrent(3, 4))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray probe() {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.randn(DataType.DOUBLE, 64, 3, 4);
    }
}
