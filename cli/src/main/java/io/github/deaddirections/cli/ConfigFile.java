package io.github.deaddirections.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.deaddirections.config.ConfigException;
import io.github.deaddirections.config.ListenerConfigYaml;
import io.github.deaddirections.config.ReadConfig;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code --config} file of a read, in one of two formats:
 * <ul>
 *   <li>the listener's file ({@code config/dead-directions.yaml}): its {@code read:} section
 *       gives the read settings; the listener-only settings (model, schedule, probe, ...) are
 *       checked as the listener checks them and then ignored, with a note;</li>
 *   <li>a flat YAML (or JSON, which is YAML) mapping of {@link ReadConfig.Builder} setting names,
 *       for example {@code radiusPoints: 24}.</li>
 * </ul>
 * A file with a {@code read} key, or any listener setting, is taken as the listener's file.
 * Settings not named keep their defaults; the builders validate the values.
 */
public final class ConfigFile {

    private ConfigFile() {
    }

    /** The read settings of a file, and the listener-only settings it held (ignored by a read). */
    public record Loaded(ReadConfig config, List<String> ignoredListenerSettings) {

        /** One line for standard error, or null when nothing was ignored. */
        public String note(Path file) {
            return ignoredListenerSettings.isEmpty() ? null
                    : "note: config file " + file + " is a listener configuration; a checkpoint read uses its 'read' "
                    + "section and ignores " + String.join(", ", ignoredListenerSettings);
        }
    }

    public static ReadConfig load(Path file) {
        return loadWithNotes(file).config();
    }

    public static Loaded loadWithNotes(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("config file " + file + " does not exist");
        }
        JsonNode root;
        String text;
        try {
            text = Files.readString(file);
            root = new YAMLMapper().readTree(text);
        } catch (JacksonException e) {
            throw new BadInputException("config file " + file + " is not valid YAML or JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new BadInputException("config file " + file + " cannot be read (" + e.getMessage() + ")", e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new Loaded(ReadConfig.defaults(), List.of());
        }
        if (!root.isObject()) {
            throw new BadInputException("config file " + file + " must be a mapping of setting: value");
        }
        List<String> listenerSettings = listenerSettings(root);
        if (root.has("read") || !listenerSettings.isEmpty()) {
            return listenerFile(file, text, listenerSettings);
        }
        return new Loaded(flatFile(file, root), List.of());
    }

    /** The top-level keys of the listener's file other than {@code read}, in file order. */
    private static List<String> listenerSettings(JsonNode root) {
        List<String> sections = new ArrayList<>();
        for (String key : ListenerConfigYaml.keys()) {
            String top = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
            if (!top.equals("read") && !sections.contains(top)) {
                sections.add(top);
            }
        }
        List<String> found = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (sections.contains(name)) {
                found.add(name);
            }
        });
        return found;
    }

    private static Loaded listenerFile(Path file, String text, List<String> listenerSettings) {
        try {
            return new Loaded(ListenerConfigYaml.parse(text).read(), List.copyOf(listenerSettings));
        } catch (ConfigException e) {
            throw new BadInputException("config file " + file + " (read as a listener configuration, the format of "
                    + "config/dead-directions.yaml): " + e.getMessage(), e);
        }
    }

    private static ReadConfig flatFile(Path file, JsonNode root) {
        Map<String, Method> setters = setters();
        ReadConfig.Builder builder = ReadConfig.builder();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Method setter = setters.get(e.getKey());
            if (setter == null) {
                throw new BadInputException("config file " + file + ": unknown setting '" + e.getKey() + "'. A --config "
                        + "file is either the listener's YAML (config/dead-directions.yaml, read settings under "
                        + "'read:') or a flat mapping of read settings, whose names are " + String.join(", ", setters.keySet()));
            }
            invoke(builder, setter, value(file, e.getKey(), setter.getParameterTypes()[0], e.getValue()));
        }
        return builder.build();
    }

    /** The builder's one-argument setting methods, by name. */
    private static Map<String, Method> setters() {
        Map<String, Method> out = new TreeMap<>();
        for (Method m : ReadConfig.Builder.class.getMethods()) {
            if (m.getParameterCount() == 1 && m.getReturnType() == ReadConfig.Builder.class) {
                out.put(m.getName(), m);
            }
        }
        return out;
    }

    private static Object value(Path file, String key, Class<?> type, JsonNode node) {
        if (type == int.class && node.isIntegralNumber() && node.canConvertToInt()) {
            return node.intValue();
        }
        if (type == long.class && node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (type == double.class && node.isNumber()) {
            return node.doubleValue();
        }
        if (type == boolean.class && node.isBoolean()) {
            return node.booleanValue();
        }
        String expected = type == boolean.class ? "true or false" : type == double.class ? "a number" : "an integer";
        throw new BadInputException("config file " + file + ": setting '" + key + "' must be " + expected + ", not " + node);
    }

    private static void invoke(ReadConfig.Builder builder, Method setter, Object value) {
        try {
            setter.invoke(builder, value);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot apply setting " + setter.getName(), e);
        }
    }
}
