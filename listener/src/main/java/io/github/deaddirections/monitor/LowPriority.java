package io.github.deaddirections.monitor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the operating-system priority of the calling thread, so that on a machine with no idle
 * core the background read gives way to training instead of sharing the CPU with it equally.
 * Java thread priorities are ignored on Linux, so this renices the thread's own task
 * ({@code /proc/thread-self}); elsewhere, or when {@code renice} is missing, it does nothing.
 */
final class LowPriority {

    private static final Logger LOG = LoggerFactory.getLogger(LowPriority.class);
    private static final int NICENESS = 19;

    private LowPriority() {
    }

    static void applyToCurrentThread() {
        Path self = Path.of("/proc/thread-self");
        if (!Files.exists(self)) {
            return;
        }
        try {
            String tid = Files.readSymbolicLink(self).getFileName().toString();
            Process renice = new ProcessBuilder("renice", "-n", String.valueOf(NICENESS), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(5, TimeUnit.SECONDS) || renice.exitValue() != 0) {
                renice.destroy();
                LOG.debug("dead-directions: could not lower the read thread's priority; reads run at normal priority");
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debug("dead-directions: could not lower the read thread's priority ({}); reads run at normal priority",
                    e.toString());
        }
    }
}
