package io.github.deaddirections.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An indeterminate progress indicator on a terminal: a spinner and the elapsed time, redrawn in
 * place on one line, replaced by a final line when the phase ends.
 */
final class TerminalProgress implements Progress {

    private static final char[] FRAMES = {'|', '/', '-', '\\'};
    private static final long REDRAW_MILLIS = 125;

    private final PrintWriter err;

    TerminalProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public <T> T phase(String description, Callable<T> work) throws Exception {
        long start = System.nanoTime();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dead-directions-progress");
            t.setDaemon(true);
            return t;
        });
        int[] frame = {0};
        ScheduledFuture<?> spinner = timer.scheduleAtFixedRate(() -> draw(
                FRAMES[frame[0]++ % FRAMES.length] + " " + description + " (" + Progress.seconds(start) + ")"),
                0, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
        boolean ok = false;
        try {
            T result = work.call();
            ok = true;
            return result;
        } finally {
            spinner.cancel(false);
            timer.shutdown();
            timer.awaitTermination(1, TimeUnit.SECONDS);
            draw((ok ? "done " : "failed ") + description + " (" + Progress.seconds(start) + ")");
            err.println();
            err.flush();
        }
    }

    private synchronized void draw(String line) {
        // \r returns to the line start; \033[K clears what a longer earlier frame left behind.
        err.print("\r" + line + "\033[K");
        err.flush();
    }
}
