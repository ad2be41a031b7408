package io.github.deaddirections.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.deaddirections.monitor.BusyPolicy;
import io.github.deaddirections.monitor.ReadSchedule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Loads a {@link ListenerConfig} from YAML (the format of {@code config/dead-directions.yaml}).
 * Missing settings keep their defaults. An unknown key, or a value of the wrong type or out of
 * range, is a {@link ConfigException} naming the dotted key and what it may be.
 */
public final class ListenerConfigYaml {

    private static final YAMLMapper MAPPER = new YAMLMapper();

    /** Every key, dotted, with how it is applied; the order is the order of the defaults file. */
    private static final Map<String, BiConsumer<Draft, JsonNode>> SETTINGS = settings();

    private ListenerConfigYaml() {
    }

    public static ListenerConfig load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the dead-directions configuration " + file, e);
        }
    }

    public static ListenerConfig parse(String yaml) {
        return parseBuilder(yaml).build();
    }

    /** The builder the YAML describes, for callers who add programmatic settings before building. */
    public static ListenerConfig.Builder parseBuilder(String yaml) {
        JsonNode root;
        try {
            root = MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("(file)", "is not valid YAML: " + e.getOriginalMessage());
        }
        Draft draft = new Draft();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            apply(root, "", draft);
        }
        return draft.toBuilder();
    }

    /** Every dotted key the YAML may hold, in file order. */
    public static Set<String> keys() {
        return SETTINGS.keySet();
    }

    private static void apply(JsonNode node, String prefix, Draft draft) {
        if (!node.isObject()) {
            throw new ConfigException(prefix.isEmpty() ? "(file)" : prefix.substring(0, prefix.length() - 1),
                    "must be a section of settings: " + childrenOf(prefix));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            BiConsumer<Draft, JsonNode> setting = SETTINGS.get(key);
            if (setting != null) {
                setting.accept(draft, e.getValue());
            } else if (!childrenOf(key + ".").isEmpty()) {
                apply(e.getValue(), key + ".", draft);
            } else {
                throw new ConfigException(key, "is not a setting; allowed " + (prefix.isEmpty() ? "at the top level" : "in '"
                        + prefix.substring(0, prefix.length() - 1) + "'") + " are " + childrenOf(prefix));
            }
        }
    }

    /** The next key segments below a dotted prefix. */
    private static Set<String> childrenOf(String prefix) {
        Set<String> out = new LinkedHashSet<>();
        for (String k : SETTINGS.keySet()) {
            if (k.startsWith(prefix)) {
                String rest = k.substring(prefix.length());
                int dot = rest.indexOf('.');
                out.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return out;
    }

    /** The schedule is three keys that make one value; they are collected, then validated together. */
    private static final class Draft {
        final ListenerConfig.Builder builder = ListenerConfig.builder();
        ReadSchedule.Mode mode = ReadSchedule.Mode.EPOCHS;
        int every = 5;
        List<Integer> epochs = List.of();

        ListenerConfig.Builder toBuilder() {
            return builder.schedule(new ReadSchedule(mode, every, new TreeSet<>(epochs)));
        }
    }

    private static Map<String, BiConsumer<Draft, JsonNode>> settings() {
        Map<String, BiConsumer<Draft, JsonNode>> m = new LinkedHashMap<>();
        m.put("model", (d, n) -> d.builder.model(text("model", n)));
        m.put("schedule.mode", (d, n) -> d.mode = YamlNamed.parse(ReadSchedule.Mode.class, "schedule.mode",
                text("schedule.mode", n)));
        m.put("schedule.every", (d, n) -> d.every = integer("schedule.every", n));
        m.put("schedule.epochs", (d, n) -> d.epochs = integers("schedule.epochs", n));
        m.put("probe.examples", (d, n) -> d.builder.probeExamples(integer("probe.examples", n)));
        m.put("whenBusy", (d, n) -> d.builder.whenBusy(YamlNamed.parse(BusyPolicy.class, "whenBusy", text("whenBusy", n))));
        m.put("shutdownTimeoutSeconds", (d, n) -> d.builder.shutdownTimeout(
                Duration.ofMillis(Math.round(1000 * number("shutdownTimeoutSeconds", n)))));
        m.put("reportDirectory", (d, n) -> d.builder.reportDirectory(
                n.isNull() || text("reportDirectory", n).isBlank() ? null : Path.of(n.asText())));
        m.put("metrics.maxLayerTags", (d, n) -> d.builder.maxLayerTags(integer("metrics.maxLayerTags", n)));
        m.put("metrics.maxOrderTag", (d, n) -> d.builder.maxOrderTag(integer("metrics.maxOrderTag", n)));
        m.put("resolution.sampleSize", (d, n) -> d.builder.sampleSize(integer("resolution.sampleSize", n)));
        m.put("resolution.noiseVariance", (d, n) -> d.builder.noiseVariance(n.isNull() ? null
                : number("resolution.noiseVariance", n)));
        readSettings(m);
        return m;
    }

    /** The read settings of {@link ReadConfig}, under {@code read.}, with the names of its builder. */
    private static void readSettings(Map<String, BiConsumer<Draft, JsonNode>> m) {
        intSetting(m, "fisherNullLimit", ReadConfig.Builder::fisherNullLimit);
        intSetting(m, "radiusPoints", ReadConfig.Builder::radiusPoints);
        doubleSetting(m, "radiusLow", ReadConfig.Builder::radiusLow);
        doubleSetting(m, "radiusHigh", ReadConfig.Builder::radiusHigh);
        doubleSetting(m, "stencilFraction", ReadConfig.Builder::stencilFraction);
        doubleSetting(m, "jacobianStep", ReadConfig.Builder::jacobianStep);
        doubleSetting(m, "slopeTolerance", ReadConfig.Builder::slopeTolerance);
        intSetting(m, "minWindow", ReadConfig.Builder::minWindow);
        doubleSetting(m, "roundingTolerance", ReadConfig.Builder::roundingTolerance);
        doubleSetting(m, "minR2", ReadConfig.Builder::minR2);
        doubleSetting(m, "nullSearchBelow", ReadConfig.Builder::nullSearchBelow);
        doubleSetting(m, "fixedNullCut", ReadConfig.Builder::fixedNullCut);
        doubleSetting(m, "narrowGapDecades", ReadConfig.Builder::narrowGapDecades);
        doubleSetting(m, "clearDecades", ReadConfig.Builder::clearDecades);
        doubleSetting(m, "gaugeTestEpsilon", ReadConfig.Builder::gaugeTestEpsilon);
        intSetting(m, "gaugeTestLimit", ReadConfig.Builder::gaugeTestLimit);
        doubleSetting(m, "gaugeTestTolerance", ReadConfig.Builder::gaugeTestTolerance);
        intSetting(m, "gaugeTestExtraPoints", ReadConfig.Builder::gaugeTestExtraPoints);
        doubleSetting(m, "deadWeightTolerance", ReadConfig.Builder::deadWeightTolerance);
        doubleSetting(m, "activationNullTolerance", ReadConfig.Builder::activationNullTolerance);
        doubleSetting(m, "outputNullTolerance", ReadConfig.Builder::outputNullTolerance);
        intSetting(m, "outputNullMaxWidth", ReadConfig.Builder::outputNullMaxWidth);
        m.put("read.activationNullMaxCells",
                (d, n) -> d.builder.read().activationNullMaxCells(whole("read.activationNullMaxCells", n)));
        m.put("read.gaussianFallback", (d, n) -> d.builder.read().gaussianFallback(bool("read.gaussianFallback", n)));
        doubleSetting(m, "gaussianVariance", ReadConfig.Builder::gaussianVariance);
        m.put("read.seed", (d, n) -> d.builder.read().seed(whole("read.seed", n)));
        intSetting(m, "maxReadsPerStructure", ReadConfig.Builder::maxReadsPerStructure);
        intSetting(m, "maxReadsPerKind", ReadConfig.Builder::maxReadsPerKind);
        intSetting(m, "gaugeTestMaxPasses", ReadConfig.Builder::gaugeTestMaxPasses);
        doubleSetting(m, "gaugeTestFisherMultiple", ReadConfig.Builder::gaugeTestFisherMultiple);
        doubleSetting(m, "noiseFloor", ReadConfig.Builder::noiseFloor);
        intSetting(m, "parallelism", ReadConfig.Builder::parallelism);
        doubleSetting(m, "cpuShare", ReadConfig.Builder::cpuShare);
        m.put("read.gaugeCrossCheck", (d, n) -> d.builder.read().gaugeCrossCheck(bool("read.gaugeCrossCheck", n)));
        m.put("read.readComponents", (d, n) -> d.builder.read().readComponents(bool("read.readComponents", n)));
    }

    private interface IntSetter {
        void set(ReadConfig.Builder b, int v);
    }

    private interface DoubleSetter {
        void set(ReadConfig.Builder b, double v);
    }

    private static void intSetting(Map<String, BiConsumer<Draft, JsonNode>> m, String name, IntSetter setter) {
        String key = "read." + name;
        m.put(key, (d, n) -> setter.set(d.builder.read(), integer(key, n)));
    }

    private static void doubleSetting(Map<String, BiConsumer<Draft, JsonNode>> m, String name, DoubleSetter setter) {
        String key = "read." + name;
        m.put(key, (d, n) -> setter.set(d.builder.read(), number(key, n)));
    }

    private static String text(String key, JsonNode n) {
        if (!n.isTextual()) {
            throw new ConfigException(key, "'" + n + "' must be text");
        }
        return n.asText();
    }

    private static long whole(String key, JsonNode n) {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new ConfigException(key, "'" + n.asText() + "' must be a whole number");
        }
        return n.asLong();
    }

    private static int integer(String key, JsonNode n) {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ConfigException(key, "'" + n.asText() + "' must be a whole number between "
                    + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
        }
        return n.asInt();
    }

    /** A number; YAML 1.1 reads {@code 1e-3} (no dot) as text, so numeric text is accepted too. */
    private static double number(String key, JsonNode n) {
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isTextual()) {
            try {
                return Double.parseDouble(n.asText().trim());
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new ConfigException(key, "'" + n.asText() + "' must be a number");
    }

    private static boolean bool(String key, JsonNode n) {
        if (!n.isBoolean()) {
            throw new ConfigException(key, "'" + n.asText() + "' is not one of [true, false]");
        }
        return n.asBoolean();
    }

    private static List<Integer> integers(String key, JsonNode n) {
        if (!n.isArray()) {
            throw new ConfigException(key, "'" + n.asText() + "' must be a list of epochs, e.g. [1, 10, 50]");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : n) {
            out.add(integer(key, e));
        }
        return out;
    }
}
