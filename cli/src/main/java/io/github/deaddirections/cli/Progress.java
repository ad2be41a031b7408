package io.github.deaddirections.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Tells the user what a command is doing, phase by phase (load model, load probe, read, write).
 * The read engine has no progress callback, so a phase is shown as indeterminate: a spinner with
 * the elapsed time on a terminal, one log line at its start and end otherwise (CI logs, pipes).
 * Progress goes to standard error; standard output carries only the report.
 */
public interface Progress {

    /** Runs one phase of work, showing it while it runs. */
    <T> T phase(String description, Callable<T> work) throws Exception;

    /** A spinner on a terminal, plain lines otherwise; nothing when quiet. */
    static Progress choose(PrintWriter err, boolean quiet, boolean terminal) {
        if (quiet) {
            return new Progress() {
                @Override
                public <T> T phase(String description, Callable<T> work) throws Exception {
                    return work.call();
                }
            };
        }
        return terminal ? new TerminalProgress(err) : new LogProgress(err);
    }

    /** Elapsed seconds since {@code startNanos}, for people. */
    static String seconds(long startNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }
}
