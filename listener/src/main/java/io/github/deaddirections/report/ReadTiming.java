package io.github.deaddirections.report;

/** Cost of a read: wall time and the number of batched forward passes over the probe set. */
public record ReadTiming(double totalMillis, long forwardPasses) {
}
