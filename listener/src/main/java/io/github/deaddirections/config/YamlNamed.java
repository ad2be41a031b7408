package io.github.deaddirections.config;

import java.util.Arrays;
import java.util.List;

/** An enum constant with the lower-case name it has in the YAML configuration. */
public interface YamlNamed {

    String yamlName();

    /** Every YAML name of an enum, in declaration order. */
    static <E extends Enum<E> & YamlNamed> List<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(YamlNamed::yamlName).toList();
    }

    /** The constant with this YAML name; otherwise an error naming the key and the allowed names. */
    static <E extends Enum<E> & YamlNamed> E parse(Class<E> type, String key, String name) {
        for (E e : type.getEnumConstants()) {
            if (e.yamlName().equals(name)) {
                return e;
            }
        }
        throw new ConfigException(key, "'" + name + "' is not one of " + names(type));
    }
}
