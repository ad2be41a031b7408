package io.github.deaddirections.monitor;

import io.github.deaddirections.report.DeadDirectionReport;

/** One finished read: when its parameters were copied, and what it found. */
public record ReadResult(int epoch, long iteration, DeadDirectionReport report) {
}
