package io.github.deaddirections.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.github.deaddirections.config.ReadConfig;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code --config} file of a read: a flat YAML (or JSON, which is YAML) mapping whose keys
 * are {@link ReadConfig.Builder} setting names, for example {@code radiusPoints: 24}. Settings not
 * named keep their defaults; the builder validates the values. Kept small on purpose: the
 * listener's own configuration loader is the general one.
 */
public final class ConfigFile {

    private ConfigFile() {
    }

    public static ReadConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("config file " + file + " does not exist");
        }
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new BadInputException("config file " + file + " is not valid YAML or JSON (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new BadInputException("config file " + file + " cannot be read (" + e.getMessage() + ")", e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return ReadConfig.defaults();
        }
        if (!root.isObject()) {
            throw new BadInputException("config file " + file + " must be a mapping of setting: value");
        }
        Map<String, Method> setters = setters();
        ReadConfig.Builder builder = ReadConfig.builder();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Method setter = setters.get(e.getKey());
            if (setter == null) {
                throw new BadInputException("config file " + file + ": unknown setting '" + e.getKey() + "'; known settings are "
                        + String.join(", ", setters.keySet()));
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
