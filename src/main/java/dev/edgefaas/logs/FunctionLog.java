package dev.edgefaas.logs;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The log of one function: every line its instances print, stamped ({@link LogLine}), appended
 * to {@code log} in a directory of its own. When that file passes its cap it becomes
 * {@code log.1} ({@code log.1} becomes {@code log.2}, and so on), and the oldest beyond the kept
 * count goes, so a function that prints without end costs at most cap × (kept + 1) of disk.
 * Readers {@linkplain #tail tail} the files and may {@linkplain #follow follow} what comes after.
 * A disk that is full loses lines, counted and said once in the platform's log, never the
 * instance: printing must not fail a function. Thread-safe.
 */
public final class FunctionLog implements LineSink, AutoCloseable {
    /** Each file's cap, and how many rotated files are kept: 4 MiB now plus 8 MiB before. */
    public static final long DEFAULT_FILE_BYTES = 4L * 1024 * 1024;
    public static final int DEFAULT_KEPT_FILES = 2;
    /** Lines a follower that does not keep up may fall behind by before it misses some. */
    private static final int FOLLOWER_BACKLOG = 10_000;
    private static final String CURRENT = "log";
    private static final Logger LOG = Logger.getLogger(FunctionLog.class.getName());

    private final String function;
    private final Path directory;
    private final long fileBytes;
    private final int keptFiles;
    private final List<Follower> followers = new CopyOnWriteArrayList<>();
    private final AtomicLong lost = new AtomicLong();
    private OutputStream out;
    private long size;

    /** A reader of the lines appended after it subscribed; close it when done. */
    public final class Follower implements AutoCloseable {
        private final Optional<String> instance;
        private final BlockingQueue<LogLine> lines = new ArrayBlockingQueue<>(FOLLOWER_BACKLOG);
        private volatile boolean closed;

        private Follower(Optional<String> instance) {
            this.instance = instance;
        }

        /** The next line, waiting up to {@code timeoutMillis}; empty if none came. */
        public Optional<LogLine> next(long timeoutMillis) throws InterruptedException {
            return closed ? Optional.ofNullable(lines.poll()) : Optional.ofNullable(lines.poll(timeoutMillis, TimeUnit.MILLISECONDS));
        }

        /** Whether it gets no more lines: closed, or its log closed with the node. */
        public boolean closed() {
            return closed;
        }

        private void offer(LogLine line) {
            if (instance.map(line.instance()::equals).orElse(true) && !lines.offer(line)) {
                // A reader that fell this far behind misses the oldest, not the newest.
                lines.poll();
                lines.offer(line);
            }
        }

        @Override
        public void close() {
            closed = true;
            followers.remove(this);
        }
    }

    /**
     * @param directory the function's own; made if missing
     * @param fileBytes when {@code log} is rotated
     * @param keptFiles how many rotated files are kept
     */
    public FunctionLog(String function, Path directory, long fileBytes, int keptFiles) {
        if (fileBytes < 1 || keptFiles < 0) {
            throw new IllegalArgumentException("fileBytes must be positive and keptFiles not negative");
        }
        this.function = function;
        this.directory = directory;
        this.fileBytes = fileBytes;
        this.keptFiles = keptFiles;
    }

    public Path directory() {
        return directory;
    }

    /** Where the newest lines are. */
    public Path currentFile() {
        return directory.resolve(CURRENT);
    }

    /** Appends {@code line} and hands it to every follower. */
    @Override
    public void append(LogLine line) {
        byte[] bytes = (line.format() + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            try {
                if (out == null) {
                    Files.createDirectories(directory);
                    out = Files.newOutputStream(currentFile(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    size = Files.size(currentFile());
                }
                if (size > 0 && size + bytes.length > fileBytes) {
                    rotate();
                }
                out.write(bytes);
                out.flush();
                size += bytes.length;
            } catch (IOException e) {
                if (lost.getAndIncrement() == 0) {
                    LOG.warning(() -> "the log of " + function + " in " + directory + " loses lines: " + e.getMessage()
                            + " (is the disk full?)");
                }
                closeQuietly();
            }
        }
        followers.forEach(follower -> follower.offer(line));
    }

    /** Lines that could not be written since the log was opened. */
    public long lostLines() {
        return lost.get();
    }

    private void rotate() throws IOException {
        closeQuietly();
        Files.deleteIfExists(rotated(keptFiles));
        for (int i = keptFiles - 1; i >= 1; i--) {
            Path older = rotated(i);
            if (Files.exists(older)) {
                Files.move(older, rotated(i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (keptFiles > 0) {
            Files.move(currentFile(), rotated(1), StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(currentFile());
        }
        out = Files.newOutputStream(currentFile(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        size = 0;
    }

    /** The last {@code count} lines, oldest first, of every instance or only of {@code instance}. */
    public List<LogLine> tail(int count, Optional<String> instance) {
        Deque<LogLine> last = new ArrayDeque<>(Math.min(count, 1024));
        synchronized (this) {
            for (Path file : filesOldestFirst()) {
                try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
                    lines.map(LogLine::parse).flatMap(Optional::stream)
                            .filter(line -> instance.map(line.instance()::equals).orElse(true))
                            .forEach(line -> {
                                last.addLast(line);
                                if (last.size() > count) {
                                    last.removeFirst();
                                }
                            });
                } catch (IOException | UncheckedIOException e) {
                    // A file rotated away or unreadable: the others still tell what they hold.
                }
            }
        }
        return new ArrayList<>(last);
    }

    /** The {@code n}th file rotated away, {@code log.1} the newest of them. */
    private Path rotated(int n) {
        return directory.resolve(CURRENT + "." + n);
    }

    private List<Path> filesOldestFirst() {
        List<Path> files = new ArrayList<>();
        for (int i = keptFiles; i >= 1; i--) {
            Path rotated = rotated(i);
            if (Files.exists(rotated)) {
                files.add(rotated);
            }
        }
        if (Files.exists(currentFile())) {
            files.add(currentFile());
        }
        return files;
    }

    /** Subscribes to the lines appended from now on, of every instance or only of {@code instance}. */
    public Follower follow(Optional<String> instance) {
        Follower follower = new Follower(instance);
        followers.add(follower);
        return follower;
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // The file is given up either way; the next append opens it again.
            }
            out = null;
        }
    }

    /** Closes the file; the lines stay on disk. Followers get nothing more. */
    @Override
    public synchronized void close() {
        closeQuietly();
        followers.forEach(Follower::close);
    }
}
