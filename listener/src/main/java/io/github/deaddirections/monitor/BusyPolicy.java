package io.github.deaddirections.monitor;

import io.github.deaddirections.config.YamlNamed;

/** What the listener does when a read is due while the previous one is still running. */
public enum BusyPolicy implements YamlNamed {
    /** Skip the new read and count it as skipped: training never waits. */
    SKIP("skip"),
    /** Keep at most one read waiting behind the running one; further ones are skipped. */
    QUEUE_ONE("queue-one"),
    /** Read on the training thread: training waits for every read, none is skipped. */
    SYNCHRONOUS("synchronous");

    private final String yamlName;

    BusyPolicy(String yamlName) {
        this.yamlName = yamlName;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }
}
