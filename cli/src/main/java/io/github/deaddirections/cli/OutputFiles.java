package io.github.deaddirections.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The output files of one command, written all or nothing. Each file is first written to a
 * hidden temporary file in its target directory; {@link #commit()} moves them all into place.
 * If anything fails before or during the commit, the temporaries and any file already moved are
 * removed, so a failed run never leaves a half-written (or half-complete) set of outputs.
 */
public final class OutputFiles implements AutoCloseable {

    /** Writes the content of one output to the given (temporary) path. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(Path file) throws IOException;
    }

    private record Staged(Path temporary, Path target) {
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final List<Staged> staged = new ArrayList<>();
    private final List<Path> moved = new ArrayList<>();
    private boolean committed;

    /** Stages a text file (UTF-8). */
    public void stage(Path target, String content) throws IOException {
        stage(target, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
    }

    /** Stages a file written by {@code writer}; nothing appears at {@code target} before the commit. */
    public void stage(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path dir = absolute.getParent();
        if (Files.exists(absolute) && Files.isDirectory(absolute)) {
            throw new BadInputException("output " + target + " is a directory, not a file");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BadInputException("cannot create the output directory " + dir + " (" + e.getMessage() + ")", e);
        }
        Path tmp;
        try {
            tmp = temporaryNextTo(absolute);
        } catch (IOException e) {
            throw new BadInputException("cannot write to the output directory " + dir + " (" + e.getMessage() + ")", e);
        }
        staged.add(new Staged(tmp, absolute));
        writer.writeTo(tmp);
    }

    /** Moves every staged file into place; on failure removes everything this run wrote. */
    public void commit() throws IOException {
        try {
            for (Staged s : staged) {
                move(s.temporary(), s.target());
                moved.add(s.target());
            }
            committed = true;
        } finally {
            if (!committed) {
                for (Path p : moved) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Removes the temporaries that were not committed. */
    @Override
    public void close() throws IOException {
        for (Staged s : staged) {
            Files.deleteIfExists(s.temporary());
        }
    }

    /**
     * A new hidden file next to the target. Unlike Files.createTempFile (owner-only permissions),
     * createFile honours the umask, so the final output gets the usual permissions.
     */
    private static Path temporaryNextTo(Path target) throws IOException {
        while (true) {
            Path tmp = target.resolveSibling("." + target.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another run picked the same name: draw again
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
