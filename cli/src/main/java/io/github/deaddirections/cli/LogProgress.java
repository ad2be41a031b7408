package io.github.deaddirections.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** Progress as plain lines, for logs and pipes where a spinner would only add noise. */
final class LogProgress implements Progress {

    private final PrintWriter err;

    LogProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public <T> T phase(String description, Callable<T> work) throws Exception {
        long start = System.nanoTime();
        err.println("dead-directions: " + description + " ...");
        err.flush();
        T result = work.call();
        err.println("dead-directions: " + description + ": done in " + Progress.seconds(start));
        err.flush();
        return result;
    }
}
