package io.github.deaddirections.cli;

import io.github.deaddirections.cells.ConstructedCells;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kind of bad input a user can give: exit code 2, one line saying what is wrong in the
 * user's terms, and no output file left behind.
 */
class BadInputTest {

    @TempDir
    Path dir;

    private Path model;
    private Path probe;
    private Path json;
    private Path html;

    @BeforeEach
    void setUp() throws IOException {
        model = TestModels.save(TestModels.linear(LossFunction.MSE), dir.resolve("model.zip"));
        probe = csv("probe.csv", "x1,x2,x3", "0.1,0.2,0.3", "1,2,3", "-1,0.5,2", "0.3,-0.7,1.1");
        json = dir.resolve("out/report.json");
        html = dir.resolve("out/report.html");
    }

    /** Runs read with both outputs and checks the failure contract. */
    private Cli.Result readFails(Path model, Path probe, String expectedReason, String... extra) throws IOException {
        String[] base = {"read", "--model", model.toString(), "--probe", probe.toString(), "--json", json.toString(),
                "--html", html.toString()};
        Cli.Result r = Cli.run(Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r::toString);
        String firstError = r.err().lines().filter(l -> l.startsWith("error: ")).findFirst().orElse("");
        assertTrue(firstError.contains(expectedReason), () -> "expected '" + expectedReason + "' in the error line\n" + r);
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("error: ")).count(), r::toString);
        assertTrue(r.out().isEmpty(), () -> "no report on standard output\n" + r);
        assertNoOutputs();
        return r;
    }

    private void assertNoOutputs() throws IOException {
        assertFalse(Files.exists(json), "no JSON file left behind");
        assertFalse(Files.exists(html), "no HTML file left behind");
        if (Files.exists(json.getParent())) {
            try (Stream<Path> s = Files.list(json.getParent())) {
                assertEquals(0, s.count(), "no temporary file left behind");
            }
        }
    }

    private Path csv(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name), String.join("\n", lines).concat("\n").getBytes());
    }

    @Test
    void missingModel() throws IOException {
        readFails(dir.resolve("nope.zip"), probe, "model file " + dir.resolve("nope.zip") + " does not exist");
    }

    @Test
    void corruptZip() throws IOException {
        byte[] noise = new byte[2048];
        new Random(1).nextBytes(noise);
        Path bad = Files.write(dir.resolve("corrupt.zip"), noise);
        readFails(bad, probe, "is not a DL4J model zip (not a zip archive)");
    }

    @Test
    void zipThatIsNoModel() throws IOException {
        Path other = dir.resolve("other.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(other))) {
            zip.putNextEntry(new ZipEntry("readme.txt"));
            zip.write("hello".getBytes());
            zip.closeEntry();
        }
        readFails(other, probe, "is not a DL4J model zip (it has no configuration.json entry)");
    }

    @Test
    void truncatedModelZip() throws IOException {
        byte[] whole = Files.readAllBytes(model);
        Path cut = Files.write(dir.resolve("cut.zip"), java.util.Arrays.copyOf(whole, whole.length / 2));
        readFails(cut, probe, "is not a DL4J model zip");
    }

    @Test
    void probeWidthNotMatching() throws IOException {
        Path wide = csv("wide.csv", "1,2,3,4,5", "5,4,3,2,1", "0,0,1,0,0");
        readFails(model, wide, "the probe has 5 features per sample but layer 0 (OutputLayer) expects 3");
    }

    @Test
    void flatCsvRowsForAConvolutionalNetwork() throws IOException {
        Path conv = TestModels.save(ConstructedCells.convChannelDeath(1).network(), dir.resolve("conv.zip"));
        Path flat = csv("flat.csv", String.join(",", java.util.Collections.nCopies(36, "0.5")));
        readFails(conv, flat, "has one flat row per sample, but layer 0 (ConvolutionLayer) takes shaped inputs");
    }

    @Test
    void nanParameters() throws IOException {
        MultiLayerNetwork net = TestModels.linear(LossFunction.MSE);
        net.params().putScalar(1, Double.NaN);
        Path nan = TestModels.save(net, dir.resolve("nan.zip"));
        readFails(nan, probe, "is NaN");
        Cli.Result r = Cli.run("read", "--model", nan.toString(), "--probe", probe.toString());
        assertTrue(r.err().contains("parameter 0_W["), () -> "the message names the parameter\n" + r);
    }

    @Test
    void unsupportedLoss() throws IOException {
        Path hinge = TestModels.save(TestModels.linear(LossFunction.HINGE), dir.resolve("hinge.zip"));
        readFails(hinge, probe, "unsupported loss");
    }

    @Test
    void csvWithRaggedRow() throws IOException {
        Path ragged = csv("ragged.csv", "1,2,3", "4,5", "6,7,8");
        readFails(model, ragged, "line 2 has 2 values but the file's rows have 3");
    }

    @Test
    void csvWithTextInData() throws IOException {
        Path text = csv("text.csv", "a,b,c", "1,2,3", "4,five,6");
        readFails(model, text, "line 3 column 2: 'five' is not a number");
    }

    @Test
    void missingProbe() throws IOException {
        readFails(model, dir.resolve("nope.csv"), "probe file " + dir.resolve("nope.csv") + " does not exist");
    }

    @Test
    void probeBinThatIsNoDataSet() throws IOException {
        Path bin = Files.write(dir.resolve("probe.bin"), "not a dataset".getBytes());
        readFails(model, bin, "is not a DL4J DataSet saved with DataSet.save");
    }

    @Test
    void unknownConfigSetting() throws IOException {
        Path config = Files.writeString(dir.resolve("read.yaml"), "radiusPoints: 20\nradiusPionts: 3\n");
        readFails(model, probe, "unknown setting 'radiusPionts'", "--config", config.toString());
    }

    @Test
    void configValueOutOfRange() throws IOException {
        Path config = Files.writeString(dir.resolve("read.yaml"), "radiusPoints: 2\n");
        readFails(model, probe, "setting 'radiusPoints': 2 must be at least 4", "--config", config.toString());
    }

    @Test
    void missingRequiredOption() throws IOException {
        Cli.Result r = Cli.run("read", "--probe", probe.toString(), "--json", json.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r::toString);
        assertTrue(r.err().startsWith("error: Missing required option: '--model=MODEL.zip'"), r::toString);
        assertNoOutputs();
    }

    @Test
    void noSubcommand() {
        assertEquals(ExitCodes.BAD_INPUT, Cli.run().code());
    }

    /** A failure while writing the second output removes the first: outputs appear together or not at all. */
    @Test
    void unwritableSecondOutputLeavesNoFirstOutput() throws IOException {
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file where a directory should be");
        Path goodJson = dir.resolve("good/report.json");
        Cli.Result r = Cli.run("read", "--model", model.toString(), "--probe", probe.toString(), "--json", goodJson.toString(),
                "--html", blocker.resolve("report.html").toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("cannot create the output directory"), r::toString);
        try (Stream<Path> s = Files.list(goodJson.getParent())) {
            assertEquals(0, s.count(), "neither the JSON nor its temporary file is left");
        }
    }

    @Test
    void internalFailureIsExitCodeOne() {
        java.io.StringWriter err = new java.io.StringWriter();
        var cmd = DeadDirectionsCli.commandLine(new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err), false);
        var parsed = cmd.parseArgs("cells", "--out", dir.toString());
        int code = new ExitCodes().handleExecutionException(new IllegalStateException("boom"), cmd, parsed);
        assertEquals(ExitCodes.INTERNAL, code);
        assertTrue(err.toString().startsWith("error: internal failure: IllegalStateException: boom"), err::toString);
        assertFalse(err.toString().contains("\tat "), "no stack trace without --verbose");

        java.io.StringWriter verboseErr = new java.io.StringWriter();
        var verbose = DeadDirectionsCli.commandLine(new java.io.PrintWriter(new java.io.StringWriter()),
                new java.io.PrintWriter(verboseErr), false);
        var verboseParsed = verbose.parseArgs("cells", "--verbose", "--out", dir.toString());
        assertEquals(ExitCodes.INTERNAL, new ExitCodes().handleExecutionException(new IllegalStateException("boom"), verbose,
                verboseParsed));
        assertTrue(verboseErr.toString().contains("\tat "), () -> "the stack trace with --verbose\n" + verboseErr);
    }
}
