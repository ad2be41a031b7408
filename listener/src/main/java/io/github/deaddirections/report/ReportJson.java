package io.github.deaddirections.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;

import io.github.deaddirections.resolve.Phase;
import io.github.deaddirections.resolve.Resolution;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Writes a report in the {@code dead-directions/v2} JSON schema, field by field in a fixed order
 * (other tools and dashboards parse it). The same report always gives the same bytes, timing
 * aside. Non-finite numbers are written as null.
 */
public final class ReportJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private ReportJson() {
    }

    public static String toJson(DeadDirectionReport report) {
        StringWriter w = new StringWriter();
        write(report, w);
        return w.toString();
    }

    /** Writes to a file atomically: a temporary file next to it, moved into place when complete. */
    public static void write(DeadDirectionReport report, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, toJson(report), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the report to " + file, e);
        }
    }

    public static void write(DeadDirectionReport report, Writer out) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            g.writeStartObject();
            g.writeStringField("schema", DeadDirectionReport.SCHEMA);
            g.writeNumberField("parameters", report.parameters());
            g.writeNumberField("probeSamples", report.probeSamples());
            g.writeFieldName("fisherRank");
            integer(g, report.fisherRank());
            g.writeArrayFieldStart("structures");
            for (StructureReport s : report.structures()) {
                structure(g, s);
            }
            g.writeEndArray();
            GlobalReport gl = report.global();
            g.writeObjectFieldStart("global");
            g.writeFieldName("learningCoefficient");
            number(g, gl.learningCoefficient());
            g.writeNumberField("multiplicity", gl.multiplicity());
            g.writeFieldName("singularFluctuation");
            number(g, gl.singularFluctuation());
            g.writeNumberField("regularDimension", gl.regularDimension());
            g.writeNumberField("gaugeDimension", gl.gaugeDimension());
            g.writeNumberField("genuineStructures", gl.genuineStructures());
            g.writeNumberField("unresolvedDirections", gl.unresolvedDirections());
            g.writeArrayFieldStart("uncoveredLayers");
            for (String l : gl.uncoveredLayers()) {
                g.writeString(l);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("skippedDetectors");
            for (String s : gl.skippedDetectors()) {
                g.writeString(s);
            }
            g.writeEndArray();
            g.writeBooleanField("exact", gl.exact());
            g.writeNumberField("structuresRead", gl.structuresRead());
            g.writeNumberField("structuresClaimedByLaw", gl.structuresClaimedByLaw());
            g.writeEndObject();
            resolution(g, report.resolution());
            g.writeObjectFieldStart("timing");
            g.writeFieldName("totalMillis");
            number(g, report.timing().totalMillis());
            g.writeNumberField("forwardPasses", report.timing().forwardPasses());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** v2: lambda(n), m(n) and every phase compared (METHOD 8); null when the read was not resolved. */
    private static void resolution(JsonGenerator g, Resolution r) throws IOException {
        if (r == null) {
            g.writeNullField("resolution");
            return;
        }
        g.writeObjectFieldStart("resolution");
        g.writeNumberField("sampleSize", r.sampleSize());
        g.writeStringField("sampleSizeSource", r.sampleSizeSource());
        g.writeFieldName("noiseVariance");
        number(g, r.noiseVariance());
        if (r.noiseVarianceSource() == null) {
            g.writeNullField("noiseVarianceSource");
        } else {
            g.writeStringField("noiseVarianceSource", r.noiseVarianceSource());
        }
        g.writeFieldName("learningCoefficient");
        number(g, r.learningCoefficient());
        g.writeFieldName("multiplicity");
        integer(g, r.multiplicity());
        g.writeArrayFieldStart("phases");
        for (Phase p : r.phases()) {
            g.writeStartObject();
            g.writeArrayFieldStart("structures");
            for (String s : p.structures()) {
                g.writeString(s);
            }
            g.writeEndArray();
            g.writeFieldName("kl");
            number(g, p.kl());
            g.writeFieldName("learningCoefficient");
            number(g, p.learningCoefficient());
            g.writeNumberField("multiplicity", p.multiplicity());
            g.writeFieldName("deltaLambda");
            number(g, p.deltaLambda());
            g.writeFieldName("deltaFreeEnergy");
            number(g, p.deltaFreeEnergy());
            g.writeBooleanField("eligible", p.eligible());
            g.writeBooleanField("chosen", p.chosen());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("phasesNotRead", r.phasesNotRead());
        g.writeNumberField("forwardPasses", r.forwardPasses());
        g.writeFieldName("millis");
        number(g, r.millis());
        g.writeStringField("note", r.note());
        g.writeEndObject();
    }

    private static void structure(JsonGenerator g, StructureReport s) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", s.id());
        g.writeStringField("mechanism", s.mechanism());
        g.writeStringField("class", s.structureClass().name());
        g.writeArrayFieldStart("layers");
        for (String l : s.layers()) {
            g.writeString(l);
        }
        g.writeEndArray();
        g.writeNumberField("dimension", s.dimension());
        g.writeFieldName("order");
        integer(g, s.order());
        g.writeFieldName("learningCoefficient");
        number(g, s.learningCoefficient());
        g.writeFieldName("multiplicity");
        integer(g, s.multiplicity());
        g.writeFieldName("singularFluctuation");
        number(g, s.singularFluctuation());
        if (s.certifiedBy() == null) {
            g.writeNullField("certifiedBy");
        } else {
            g.writeStringField("certifiedBy", s.certifiedBy().label());
        }
        g.writeBooleanField("claimedByLaw", s.claimedByLaw());
        g.writeArrayFieldStart("directions");
        for (DirectionReport d : s.directions()) {
            g.writeStartObject();
            g.writeStringField("role", d.role());
            g.writeFieldName("order");
            integer(g, d.order());
            g.writeFieldName("orderEstimate");
            number(g, d.orderEstimate());
            g.writeFieldName("slope");
            number(g, d.slope());
            g.writeFieldName("fitR2");
            number(g, d.fitR2());
            array(g, "radii", d.radii());
            array(g, "fisher", d.fisher());
            array(g, "kl", d.kl());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void array(JsonGenerator g, String name, List<Double> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (Double v : values) {
            number(g, v);
        }
        g.writeEndArray();
    }

    private static void number(JsonGenerator g, Double v) throws IOException {
        if (v == null || !Double.isFinite(v)) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }

    private static void integer(JsonGenerator g, Integer v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else {
            g.writeNumber(v);
        }
    }
}
