package io.github.deaddirections.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Loads a model zip written by DL4J's {@code ModelSerializer} (directly, or through
 * {@code CheckpointListener}), telling a MultiLayerNetwork from a ComputationGraph by its
 * {@code configuration.json}: a graph configuration has {@code vertices}, a layer list
 * {@code confs}. The updater state is not loaded: a read needs only the parameters.
 */
public final class ModelLoader {

    /** What kind of network a zip holds. */
    public enum Kind { MULTI_LAYER_NETWORK, COMPUTATION_GRAPH }

    private static final String CONFIGURATION = "configuration.json";
    private static final String COEFFICIENTS = "coefficients.bin";

    private ModelLoader() {
    }

    public static Model load(Path file) {
        Kind kind = kindOf(file);
        try {
            return kind == Kind.COMPUTATION_GRAPH
                    ? ModelSerializer.restoreComputationGraph(file.toFile(), false)
                    : ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
        } catch (Exception e) {
            throw notAModel(file, "DL4J could not restore it: " + rootMessage(e), e);
        }
    }

    /** Checks the file and reads the kind of network from its configuration entry. */
    public static Kind kindOf(Path file) {
        if (!Files.exists(file)) {
            throw new BadInputException("model file " + file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new BadInputException("model file " + file + " is a directory, not a model zip");
        }
        if (!Files.isReadable(file)) {
            throw new BadInputException("model file " + file + " is not readable");
        }
        JsonNode configuration;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(CONFIGURATION);
            if (entry == null) {
                throw notAModel(file, "it has no " + CONFIGURATION + " entry", null);
            }
            if (zip.getEntry(COEFFICIENTS) == null) {
                throw notAModel(file, "it has no " + COEFFICIENTS + " entry (the parameters)", null);
            }
            try (InputStream in = zip.getInputStream(entry)) {
                configuration = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw notAModel(file, CONFIGURATION + " is not valid JSON", e);
            }
        } catch (ZipException e) {
            throw notAModel(file, "not a zip archive", e);
        } catch (IOException e) {
            throw notAModel(file, e.getMessage(), e);
        }
        if (configuration != null && configuration.has("vertices")) {
            return Kind.COMPUTATION_GRAPH;
        }
        if (configuration != null && configuration.has("confs")) {
            return Kind.MULTI_LAYER_NETWORK;
        }
        throw notAModel(file, CONFIGURATION + " describes neither a MultiLayerNetwork nor a ComputationGraph", null);
    }

    private static BadInputException notAModel(Path file, String why, Throwable cause) {
        return new BadInputException("model file " + file + " is not a DL4J model zip (" + why + ")", cause);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
