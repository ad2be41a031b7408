package io.github.deaddirections.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.deaddirections.DeadDirectionReader;
import io.github.deaddirections.cells.Cell;
import io.github.deaddirections.cells.ConstructedCells;
import io.github.deaddirections.config.ReadConfig;
import io.github.deaddirections.report.DeadDirectionReport;
import io.github.deaddirections.report.StructureReport;
import io.github.deaddirections.snapshot.Snapshot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user's round trip: {@code cells} writes every constructed cell, {@code read} reads each
 * back from its files, and the result must equal both the theory's prediction in
 * NAME.expected.json and the library's own read of the same cell in memory. The HTML report
 * must parse as XML and hold one plot per direction.
 */
class CellsRoundTripTest {

    private static final long SEED = 1;
    private static final String SVG = "http://www.w3.org/2000/svg";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The convolutional cell costs minutes per read on a shared machine. Both reads of it (the
     * tool's and the library's) use its first 64 samples, which already span the predicted rank
     * of 23, and skip the generic gauge test, a cross-check over the whole null space that the
     * prediction does not depend on. This also runs --config on a real read.
     */
    private static final String CONV = "conv-channel-death";
    private static final int CONV_SAMPLES = 64;
    private static final ReadConfig CONV_SETTINGS = ReadConfig.builder().gaugeTestLimit(0).build();

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeCells() {
        Cli.Result r = Cli.run("cells", "--out", cells().toString(), "--seed", Long.toString(SEED), "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
    }

    /** Where the cells command writes; reads and settings go elsewhere in {@code dir}. */
    private static Path cells() {
        return dir.resolve("cells");
    }

    static Stream<String> cellNames() {
        return ConstructedCells.names().stream();
    }

    @Test
    void cellsWritesThreeFilesPerCell() throws Exception {
        for (String name : ConstructedCells.names()) {
            for (String suffix : List.of(".zip", ".probe.bin", ".expected.json")) {
                assertTrue(Files.size(cells().resolve(name + suffix)) > 0, name + suffix);
            }
        }
        try (Stream<Path> files = Files.list(cells())) {
            assertEquals(3 * ConstructedCells.names().size(), files.count(), "no stray or temporary files");
        }
    }

    @ParameterizedTest
    @MethodSource("cellNames")
    void readRecoversTheCell(String name) throws Exception {
        Path json = dir.resolve("reads/" + name + ".json");
        Path html = dir.resolve("reads/" + name + ".html");
        List<String> args = new ArrayList<>(List.of("read", "--model", cells().resolve(name + ".zip").toString(),
                "--probe", cells().resolve(name + ".probe.bin").toString(), "--json", json.toString(), "--html", html.toString(), "-q"));
        if (name.equals(CONV)) {
            Path config = Files.writeString(dir.resolve("conv-settings.yaml"), "gaugeTestLimit: 0\n");
            args.addAll(List.of("--max-samples", Integer.toString(CONV_SAMPLES), "--config", config.toString()));
        }
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().startsWith("dead-directions read: P = "), () -> "the table on standard output\n" + r);

        JsonNode read = JSON.readTree(json.toFile());
        JsonNode expected = JSON.readTree(cells().resolve(name + ".expected.json").toFile());
        assertEquals("dead-directions/v2", read.path("schema").asText());
        assertMatchesPrediction(name, read, expected);
        assertMatchesLibrary(name, read, libraryRead(name));
        assertOnePlotPerDirection(name, html, read);
    }

    /** The theory's numbers (CELLS.md), as the cells command wrote them. */
    private static void assertMatchesPrediction(String name, JsonNode read, JsonNode expected) {
        JsonNode global = read.path("global");
        assertEquals(expected.path("parameters").asInt(), read.path("parameters").asInt(), name + ": P");
        assertEquals(expected.path("fisherRank").asInt(), read.path("fisherRank").asInt(), name + ": Fisher rank");
        assertEquals(expected.path("gaugeDimension").asInt(), global.path("gaugeDimension").asInt(), name + ": gauge dimension");
        assertEquals(expected.path("learningCoefficient").asDouble(), global.path("learningCoefficient").asDouble(), 1e-9,
                name + ": lambda");
        assertEquals(expected.path("multiplicity").asInt(), global.path("multiplicity").asInt(), name + ": m");
        List<JsonNode> genuine = new ArrayList<>();
        read.path("structures").forEach(s -> {
            if (s.path("class").asText().equals("GENUINE_SINGULARITY")) {
                genuine.add(s);
            }
        });
        assertEquals(expected.path("genuine").size(), genuine.size(), name + ": genuine structures");
        for (int i = 0; i < genuine.size(); i++) {
            JsonNode e = expected.path("genuine").get(i);
            JsonNode s = genuine.get(i);
            assertEquals(e.path("mechanism").asText(), s.path("mechanism").asText(), name + ": mechanism");
            assertEquals(e.path("order").asInt(), s.path("order").asInt(), name + ": order");
            assertEquals(e.path("dimension").asInt(), s.path("dimension").asInt(), name + ": dimension");
            assertEquals(e.path("learningCoefficient").asDouble(), s.path("learningCoefficient").asDouble(), 1e-12,
                    name + ": lambda_B");
            assertEquals(e.path("multiplicity").asInt(), s.path("multiplicity").asInt(), name + ": m_B");
        }
    }

    /** The library's own read of the same cell, built in memory: the files must change nothing. */
    private static DeadDirectionReport libraryRead(String name) {
        Cell cell = ConstructedCells.byName(name, SEED);
        if (!name.equals(CONV)) {
            return DeadDirectionReader.withDefaults().read(Snapshot.of(cell.network(), cell.probe()));
        }
        INDArray first = cell.probe().get(NDArrayIndex.interval(0, CONV_SAMPLES)).dup();
        return DeadDirectionReader.builder().config(CONV_SETTINGS).build().read(Snapshot.of(cell.network(), first));
    }

    private static void assertMatchesLibrary(String name, JsonNode read, DeadDirectionReport library) {
        JsonNode global = read.path("global");
        assertEquals(library.parameters(), read.path("parameters").asInt(), name + ": P as the library reads it");
        assertEquals(library.probeSamples(), read.path("probeSamples").asInt(), name + ": N as the library reads it");
        assertEquals(library.fisherRank(), read.path("fisherRank").asInt(), name + ": rank as the library reads it");
        assertEquals(library.global().gaugeDimension(), global.path("gaugeDimension").asInt(), name + ": gauge dimension");
        assertEquals(library.global().learningCoefficient(), global.path("learningCoefficient").asDouble(), 1e-12,
                name + ": lambda as the library reads it");
        assertEquals(library.global().multiplicity(), global.path("multiplicity").asInt(), name + ": m as the library reads it");
        List<String> libraryStructures = library.structures().stream()
                .map(s -> s.id() + " " + s.structureClass() + " " + s.dimension()).toList();
        List<String> cliStructures = new ArrayList<>();
        read.path("structures").forEach(s -> cliStructures.add(s.path("id").asText() + " " + s.path("class").asText() + " "
                + s.path("dimension").asInt()));
        assertEquals(libraryStructures, cliStructures, name + ": structures as the library reads them");
        int directions = library.structures().stream().mapToInt(s -> s.directions().size()).sum();
        assertEquals(directions, countDirections(read), name + ": directions as the library reads them");
        for (StructureReport s : library.structures()) {
            assertTrue(s.directions().stream().allMatch(d -> d.radii().size() == d.fisher().size()));
        }
    }

    private static int countDirections(JsonNode read) {
        int n = 0;
        for (JsonNode s : read.path("structures")) {
            n += s.path("directions").size();
        }
        return n;
    }

    /** Well-formed XHTML, self-contained, and one plot per direction, each captioned with its class. */
    private static void assertOnePlotPerDirection(String name, Path html, JsonNode read) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(html.toFile()); // throws on malformed XML
        NodeList plots = doc.getElementsByTagNameNS(SVG, "svg");
        assertEquals(countDirections(read), plots.getLength(), name + ": one plot per direction");
        for (int i = 0; i < plots.getLength(); i++) {
            Element svg = (Element) plots.item(i);
            assertEquals(LogLogPlot.CSS_CLASS, svg.getAttribute("class"));
            Element figure = (Element) svg.getParentNode();
            assertEquals("figure", figure.getLocalName());
            String caption = figure.getElementsByTagName("figcaption").item(0).getTextContent();
            assertTrue(caption.matches(".*class (GENUINE_SINGULARITY|FLAT_GAUGE|REGULAR|UNRESOLVED).*"), caption);
        }
        String text = Files.readString(html);
        assertTrue(!text.contains("src=") && !text.contains("href=") && !text.contains("<script"),
                name + ": self-contained (no external references)");
        assertTrue(text.contains("lambda (learning coefficient)"), name + ": the global summary");
    }
}
