package io.github.deaddirections.config;

/** A setting has a value it cannot take; the message names the key and what is allowed. */
public class ConfigException extends IllegalArgumentException {
    private final String key;

    public ConfigException(String key, String problem) {
        super("setting '" + key + "': " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
