package io.github.deaddirections.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dead-directions llc} as a user runs it: on a cell written by {@code cells}. */
class LlcCommandTest {

    private static Cli.Result run(String... args) {
        return Cli.run(args);
    }

    @Test
    void estimatesTheRegularCellDeterministically(@TempDir Path dir) throws Exception {
        assertEquals(0, run("cells", "--out", dir.toString(), "-q").code());
        Path model = dir.resolve("regular-linear.zip");
        Path data = dir.resolve("regular-linear.probe.bin");
        String[] args = {"llc", "--model", model.toString(), "--data", data.toString(), "--self-labels", "--chains", "2",
                "--draws", "60", "--burn-in", "30", "--step-size", "1e-4", "--localization", "1", "--seed", "5", "-q",
                "--json"};
        Path html = dir.resolve("a.html");
        Cli.Result first = run(concat(concat(concat(args, dir.resolve("a.json").toString()), "--html"), html.toString()));
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().contains("lambda-hat ="), first.out());
        Cli.Result second = run(concat(args, dir.resolve("b.json").toString()));
        assertEquals(0, second.code(), second.err());
        JsonNode a = new ObjectMapper().readTree(Files.readString(dir.resolve("a.json")));
        JsonNode b = new ObjectMapper().readTree(Files.readString(dir.resolve("b.json")));
        assertEquals("dead-directions-llc/v1", a.get("schema").asText());
        assertEquals(4, a.get("parameters").asInt());
        assertEquals(2, a.get("perChain").size());
        assertEquals(a.get("learningCoefficient").asDouble(), b.get("learningCoefficient").asDouble(), 0.0,
                "same seed, same estimate");
        // A regular model of d = 4 parameters has lambda = d/2; a short run is loose, but not wildly off.
        double lambda = a.get("learningCoefficient").asDouble();
        assertTrue(lambda > 0.5 && lambda < 4.0, "lambda-hat " + lambda);
        assertFalse(a.get("implausible").asBoolean());
        assertTracePlots(html, 1, 2);
    }

    /** The HTML report parses as XML, holds {@code plots} trace plots of {@code chains} lines each, and nothing external. */
    private static void assertTracePlots(Path html, int plots, int chains) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(html.toFile());
        NodeList svgs = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "svg");
        assertEquals(plots, svgs.getLength(), "one trace plot per estimate");
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            assertEquals(TracePlot.CSS_CLASS, svg.getAttribute("class"));
            assertEquals(chains, svg.getElementsByTagNameNS("http://www.w3.org/2000/svg", "polyline").getLength(),
                    "one line per chain");
        }
        String text = Files.readString(html);
        assertTrue(!text.contains("src=") && !text.contains("href=") && !text.contains("<script"), "self-contained");
        assertTrue(text.contains("lambda-hat"), text);
    }

    /**
     * The sweep on the regular cell (lambda = d/2 = 2): a table row per setting, a recommendation
     * that is healthy and near 2, a step far too large flagged, the JSON written; bad grid values
     * are refused before anything runs and leave no file.
     */
    @Test
    void calibrateSweepsRecommendsAndRefusesBadGrids(@TempDir Path dir) throws Exception {
        assertEquals(0, run("cells", "--out", dir.toString(), "-q").code());
        String model = dir.resolve("regular-linear.zip").toString();
        String data = dir.resolve("regular-linear.probe.bin").toString();
        Path json = dir.resolve("sweep.json");
        Cli.Result r = run("llc", "--model", model, "--data", data, "--self-labels", "--calibrate", "--calibrate-steps",
                "1e-4,3e-4,1e-1", "--calibrate-localizations", "1", "--calibrate-draws", "1500", "--chains", "3",
                "--burn-in", "100", "--seed", "3", "--json", json.toString(), "--html", dir.resolve("sweep.html").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("recommended: --step-size"), r.out());
        assertTrue(r.err().contains("setting 3/3"), r.err());
        JsonNode sweep = new ObjectMapper().readTree(Files.readString(json));
        assertEquals(3, sweep.get("points").size());
        JsonNode tooLarge = sweep.get("points").get(2);
        assertEquals(0.1, tooLarge.get("stepSize").asDouble(), 0.0);
        assertFalse(tooLarge.get("healthy").asBoolean(), "a step of 0.1 is unhealthy: " + tooLarge);
        double eps = sweep.get("recommended").get("stepSize").asDouble();
        JsonNode chosen = null;
        for (JsonNode p : sweep.get("points")) {
            if (p.get("stepSize").asDouble() == eps) {
                chosen = p;
            }
        }
        assertTrue(chosen != null && chosen.get("healthy").asBoolean(), sweep.toString());
        assertEquals(2.0, chosen.get("learningCoefficient").asDouble(), 0.6, "d/2 = 2 for the regular cell");
        assertTracePlots(dir.resolve("sweep.html"), 3, 3);

        Path none = dir.resolve("bad.json");
        Cli.Result bad = run("llc", "--model", model, "--data", data, "--self-labels", "--calibrate", "--calibrate-steps",
                "-1e-4", "-q", "--json", none.toString());
        assertEquals(2, bad.code(), bad.err());
        assertFalse(Files.exists(none));
        Cli.Result word = run("llc", "--model", model, "--data", data, "--self-labels", "--calibrate", "--calibrate-steps",
                "abc", "-q");
        assertEquals(2, word.code(), word.err());
    }

    @Test
    void unlabelledCsvIsBadInputAndLeavesNoFile(@TempDir Path dir) throws Exception {
        assertEquals(0, run("cells", "--out", dir.toString(), "-q").code());
        Path csv = dir.resolve("x.csv");
        Files.writeString(csv, "1,2,3\n4,5,6\n");
        Path json = dir.resolve("out.json");
        Cli.Result r = run("llc", "--model", dir.resolve("regular-linear.zip").toString(), "--data", csv.toString(), "-q",
                "--json", json.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("needs labels"), r.err());
        assertFalse(Files.exists(json));
    }

    @Test
    void profileSetsTheStartAndFlagsOverrideIt(@TempDir Path dir) throws Exception {
        assertEquals(0, run("cells", "--out", dir.toString(), "-q").code());
        Path json = dir.resolve("p.json");
        // --draws overrides the profile's 2000 to keep the run short; the rest comes from devinterp-test.
        Cli.Result r = run("llc", "--model", dir.resolve("regular-linear.zip").toString(), "--data",
                dir.resolve("regular-linear.probe.bin").toString(), "--self-labels", "--profile", "devinterp-test",
                "--draws", "20", "-q", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode s = new ObjectMapper().readTree(Files.readString(json)).get("settings");
        assertEquals(6e-4, s.get("stepSize").asDouble());
        assertEquals(1.0, s.get("localization").asDouble());
        assertEquals(3, s.get("chains").asInt());
        assertEquals(0, s.get("burnIn").asInt());
        assertEquals(20, s.get("draws").asInt());
        assertEquals(2, run("llc", "--model", dir.resolve("regular-linear.zip").toString(), "--data",
                dir.resolve("regular-linear.probe.bin").toString(), "--profile", "nonsense", "-q").code());
    }

    private static String[] concat(String[] a, String last) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = last;
        return out;
    }
}
