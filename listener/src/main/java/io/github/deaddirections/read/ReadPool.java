package io.github.deaddirections.read;

import io.github.deaddirections.fisher.Path;
import io.github.deaddirections.snapshot.ForwardModel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads many directions, in parallel when configured. Each worker owns an independent copy of
 * the network (a DL4J network is not safe to share), so results are the same as a sequential
 * read, in the same order.
 */
public final class ReadPool implements AutoCloseable {

    /** One direction to read. */
    public record Task(String role, Path path, double scale, int fromLayer) {
    }

    private final DirectionReader reader;
    private final ExecutorService executor;
    private final ThreadLocal<DirectionReader> local;

    /**
     * @param threads parallel readers; 1 reads on the calling thread
     */
    public ReadPool(DirectionReader reader, ForwardModel model, int threads) {
        this.reader = reader;
        if (threads <= 1) {
            this.executor = null;
            this.local = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.executor = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "dead-directions-read-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.local = ThreadLocal.withInitial(() -> reader.on(model.copy()));
        }
    }

    public DirectionRead read(Task task) {
        return reader.read(task.role(), task.path(), task.scale(), task.fromLayer());
    }

    /** Reads every task; results in task order. */
    public List<DirectionRead> readAll(List<Task> tasks) {
        List<DirectionRead> out = new ArrayList<>(tasks.size());
        if (executor == null || tasks.size() < 2) {
            for (Task t : tasks) {
                out.add(read(t));
            }
            return out;
        }
        List<Future<DirectionRead>> futures = new ArrayList<>();
        for (Task t : tasks) {
            futures.add(executor.submit(() -> local.get().read(t.role(), t.path(), t.scale(), t.fromLayer())));
        }
        try {
            for (Future<DirectionRead> f : futures) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new IllegalStateException("the read was interrupted", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("a parallel direction read failed", cause);
        }
        return out;
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
