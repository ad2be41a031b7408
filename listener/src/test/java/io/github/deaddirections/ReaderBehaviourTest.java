package io.github.deaddirections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.ReportJson;
import io.github.deaddirections.report.StructureClass;
import io.github.deaddirections.snapshot.Snapshot;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Determinism, the JSON schema, ComputationGraph support, and errors of the read itself. */
class ReaderBehaviourTest {

    private static final DeadDirectionReader READER = DeadDirectionReader.withDefaults();

    private static String withoutTiming(String json) {
        return json.replaceAll("\"totalMillis\" : [0-9.Ee+-]+", "\"totalMillis\" : 0")
                .replaceAll("\"forwardPasses\" : [0-9]+", "\"forwardPasses\" : 0")
                .replaceAll("\"millis\" : [0-9.Ee+-]+", "\"millis\" : 0");
    }

    @Test
    void theSameNetworkAndProbeGiveByteIdenticalJson() {
        Cell a = ConstructedCells.reducedRank3321(5);
        Cell b = ConstructedCells.reducedRank3321(5);
        String first = ReportJson.toJson(READER.read(Snapshot.of(a.network(), a.probe())));
        String second = ReportJson.toJson(READER.read(Snapshot.of(b.network(), b.probe())));
        String third = ReportJson.toJson(READER.read(Snapshot.of(a.network(), a.probe())));
        assertEquals(withoutTiming(first), withoutTiming(second));
        assertEquals(withoutTiming(first), withoutTiming(third));
    }

    @Test
    void aSnapshotMovedToOtherParametersReadsLikeAFreshOne() {
        // The listener moves one float64 copy from read to read; the reports must not notice.
        Cell tanh = ConstructedCells.tanhNodeDeath(1);
        Cell dense = ConstructedCells.duplicateUnit(2); // the same 4-5-1 tanh architecture, other weights
        Snapshot first = Snapshot.of(tanh.network(), tanh.probe());
        READER.read(first);
        Snapshot moved = first.movedTo(dense.network().params());
        String fresh = ReportJson.toJson(READER.read(Snapshot.of(dense.network().getLayerWiseConfigurations(),
                dense.network().params(), tanh.probe())));
        assertEquals(withoutTiming(fresh), withoutTiming(ReportJson.toJson(READER.read(moved))));
        double[] nan = dense.network().params().toDoubleVector();
        nan[3] = Double.NaN;
        ReadInputException e = assertThrows(ReadInputException.class,
                () -> moved.movedTo(org.nd4j.linalg.factory.Nd4j.createFromArray(nan)));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void parallelReadsGiveTheSameReportAsSequentialOnes() {
        Cell cell = ConstructedCells.reluRescaling(3);
        String sequential = ReportJson.toJson(READER.read(Snapshot.of(cell.network(), cell.probe())));
        String parallel = ReportJson.toJson(DeadDirectionReader.builder().config(ReadConfig.builder().parallelism(2).build())
                .build().read(Snapshot.of(cell.network(), cell.probe())));
        assertEquals(withoutTiming(sequential), withoutTiming(parallel));
    }

    @Test
    void jsonHasExactlyTheSchemaFields() throws Exception {
        Cell cell = ConstructedCells.tanhNodeDeath(2);
        JsonNode root = new ObjectMapper().readTree(ReportJson.toJson(READER.read(Snapshot.of(cell.network(), cell.probe()))));
        assertEquals(List.of("schema", "parameters", "probeSamples", "fisherRank", "structures", "global", "resolution", "timing"),
                names(root));
        assertEquals(List.of("sampleSize", "sampleSizeSource", "noiseVariance", "noiseVarianceSource", "learningCoefficient",
                "multiplicity", "phases", "phasesNotRead", "forwardPasses", "millis", "note"), names(root.get("resolution")));
        assertEquals("dead-directions/v2", root.get("schema").asText());
        JsonNode s = root.get("structures").get(0);
        assertEquals(List.of("id", "mechanism", "class", "layers", "dimension", "order", "learningCoefficient", "multiplicity",
                "singularFluctuation", "certifiedBy", "claimedByLaw", "directions"), names(s));
        assertEquals("GENUINE_SINGULARITY", s.get("class").asText());
        JsonNode d = s.get("directions").get(0);
        assertEquals(List.of("role", "order", "orderEstimate", "slope", "fitR2", "radii", "fisher", "kl"), names(d));
        assertEquals(d.get("radii").size(), d.get("fisher").size());
        assertEquals(d.get("radii").size(), d.get("kl").size());
        assertEquals(List.of("learningCoefficient", "multiplicity", "singularFluctuation", "regularDimension", "gaugeDimension",
                "genuineStructures", "unresolvedDirections", "uncoveredLayers", "skippedDetectors", "exact", "structuresRead", "structuresClaimedByLaw"), names(root.get("global")));
        assertEquals(List.of("totalMillis", "forwardPasses"), names(root.get("timing")));
        assertEquals(8.5, root.get("global").get("learningCoefficient").asDouble(), 1e-9);
    }

    @Test
    void flatGaugeHasNoOrderAndZeroLambda() throws Exception {
        Cell cell = ConstructedCells.softmaxLogitShift(2);
        JsonNode s = new ObjectMapper().readTree(ReportJson.toJson(READER.read(Snapshot.of(cell.network(), cell.probe()))))
                .get("structures").get(0);
        assertEquals("FLAT_GAUGE", s.get("class").asText());
        assertTrue(s.get("order").isNull());
        assertEquals(0.0, s.get("learningCoefficient").asDouble(), 0.0);
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void aComputationGraphReadsLikeTheSameMultiLayerNetwork() {
        Cell cell = ConstructedCells.tanhNodeDeath(4);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(1).activation(Activation.IDENTITY).build(),
                        "hidden")
                .setOutputs("out").build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        graph.getLayer("hidden").setParam("W", cell.network().getLayer(0).getParam("W").dup());
        graph.getLayer("hidden").setParam("b", cell.network().getLayer(0).getParam("b").dup());
        graph.getLayer("out").setParam("W", cell.network().getLayer(1).getParam("W").dup());
        graph.getLayer("out").setParam("b", cell.network().getLayer(1).getParam("b").dup());
        DeadDirectionReport r = READER.read(Snapshot.of(graph, cell.probe()));
        assertEquals(16, r.fisherRank());
        assertEquals(8.5, r.global().learningCoefficient(), 1e-9);
        List<io.github.deaddirections.report.StructureReport> genuine = r.structuresOf(StructureClass.GENUINE_SINGULARITY);
        assertEquals(1, genuine.size());
        assertEquals("node-death", genuine.get(0).mechanism());
        assertEquals(List.of("hidden", "out"), genuine.get(0).layers());
    }

    @Test
    void anUnsupportedLossIsNamedWithItsLayer() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(new OutputLayer.Builder(LossFunction.MEAN_ABSOLUTE_ERROR).nIn(3).nOut(2).activation(Activation.IDENTITY)
                        .build())
                .build());
        net.init();
        Snapshot s = Snapshot.of(net, Nd4j.randn(DataType.DOUBLE, 32, 3));
        ReadInputException e = assertThrows(ReadInputException.class, () -> READER.read(s));
        assertTrue(e.getMessage().contains("unsupported loss") && e.getMessage().contains("LossMAE")
                && e.getMessage().contains("output layer 0"), e.getMessage());
        // The documented opt-in reads it as Gaussian.
        DeadDirectionReport r = DeadDirectionReader.builder().config(ReadConfig.builder().gaussianFallback(true).build())
                .build().read(s);
        assertEquals(8, r.fisherRank());
    }

    private static MultiLayerNetwork withBatchNorm() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().nOut(4).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    private static MultiLayerNetwork withElementWiseLayer() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(11).dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer.Builder().nIn(4).nOut(4)
                        .activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    @Test
    void aLayerNoDetectorUnderstandsIsNamedNotSkipped() {
        MultiLayerNetwork net = withElementWiseLayer();
        DeadDirectionReport r = READER.read(Snapshot.of(net, Nd4j.randn(DataType.DOUBLE, 128, 3)));
        assertEquals(List.of("1"), r.global().uncoveredLayers());
        // The exact Fisher still accounts for every null dimension of that layer.
        int owned = r.global().gaugeDimension() + r.global().unresolvedDirections()
                + r.structuresOf(StructureClass.GENUINE_SINGULARITY).stream().mapToInt(s -> s.dimension()).sum();
        assertEquals(r.parameters() - r.fisherRank(), owned);
    }

    @Test
    void aDetectorLeftOutByItsSizeBoundIsNamedInTheReport() throws Exception {
        // On the structural path the output-null stencils cost 4 passes per output unit, so a layer
        // wider than outputNullMaxWidth is left out, and the report says so (JSON, table).
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(6).nOut(1).activation(Activation.IDENTITY).build())
                .build());
        net.init();
        DeadDirectionReader narrow = DeadDirectionReader.builder()
                .config(ReadConfig.builder().fisherNullLimit(1).outputNullMaxWidth(4).build()).build();
        DeadDirectionReport r = narrow.read(Snapshot.of(net, Nd4j.randn(DataType.DOUBLE, 64, 3)));
        assertEquals(List.of("output-null on layer 0: 6 outputs, above outputNullMaxWidth = 4"), r.global().skippedDetectors());
        JsonNode global = new ObjectMapper().readTree(ReportJson.toJson(r)).get("global");
        assertEquals("output-null on layer 0: 6 outputs, above outputNullMaxWidth = 4", global.get("skippedDetectors").get(0).asText());
        assertTrue(io.github.deaddirections.report.ReportTable.render(r).contains("skipped: output-null on layer 0"));
        DeadDirectionReport wide = DeadDirectionReader.builder().config(ReadConfig.builder().fisherNullLimit(1).build()).build()
                .read(Snapshot.of(net, Nd4j.randn(DataType.DOUBLE, 64, 3)));
        assertEquals(List.of(), wide.global().skippedDetectors(), "within the default width nothing is skipped");
    }

    @Test
    void anUncoveredLayerAboveTheFisherLimitIsAnError() {
        MultiLayerNetwork net = withBatchNorm();
        DeadDirectionReader small = DeadDirectionReader.builder()
                .config(ReadConfig.builder().fisherNullLimit(10).build()).build();
        ReadInputException e = assertThrows(ReadInputException.class,
                () -> small.read(Snapshot.of(net, Nd4j.randn(DataType.DOUBLE, 64, 3))));
        assertTrue(e.getMessage().contains("1 (BatchNormalization)") && e.getMessage().contains("fisher-null limit"),
                e.getMessage());
    }

    @Test
    void aboveTheFisherLimitTheStructuralPathStillFindsTheBlock() {
        Cell cell = ConstructedCells.tanhNodeDeath(3);
        DeadDirectionReport r = DeadDirectionReader.builder().config(ReadConfig.builder().fisherNullLimit(8).build()).build()
                .read(Snapshot.of(cell.network(), cell.probe()));
        assertNull(r.fisherRank(), "no exact Fisher above the limit");
        assertEquals(1, r.global().genuineStructures());
        assertEquals(16, r.global().regularDimension());
        assertEquals(8.5, r.global().learningCoefficient(), 1e-9);
    }
}
