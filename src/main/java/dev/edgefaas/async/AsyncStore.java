package dev.edgefaas.async;

import dev.edgefaas.host.StateDirectory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * The queue on disk, one directory per invocation: {@code request.json}, {@code body},
 * {@code status.json} and, once it ran, {@code result}. An invocation is written whole in a
 * staging directory, synced, and moved into place in one rename before the client is told it
 * was accepted: after a crash it is there whole or not at all. Its status is replaced the same
 * way, so a reader never sees half of one.
 */
final class AsyncStore {
    private static final Logger LOG = Logger.getLogger(AsyncStore.class.getName());
    /** Of a function's answer this much is kept for the status API and the callback; the rest is counted. */
    static final int MAX_RESULT_BYTES = 1024 * 1024;
    private static final String STAGING = ".incoming";
    private static final String REQUEST = "request.json";
    private static final String STATUS = "status.json";
    private static final String BODY = "body";
    private static final String RESULT = "result";

    private final Path root;

    AsyncStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root.resolve(STAGING));
            // Bodies and answers may hold what the clients would tell no one else.
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the asynchronous invocations' directory " + root, e);
        }
    }

    Path root() {
        return root;
    }

    /** A fresh staging directory for invocation {@code id}; its body is written to {@link #stagedBody}. */
    OutputStream stage(String id) throws IOException {
        Path staging = root.resolve(STAGING).resolve(id);
        Files.createDirectory(staging);
        return Files.newOutputStream(staging.resolve(BODY));
    }

    /** Makes a staged invocation part of the queue, durably; throws if the disk refuses (nothing is then kept). */
    void commit(AsyncRequest request, AsyncStatus status) throws IOException {
        Path staging = root.resolve(STAGING).resolve(request.id());
        sync(staging.resolve(BODY));
        write(staging.resolve(REQUEST), request.toJson().toString(), true);
        write(staging.resolve(STATUS), status.toJson().toString(), true);
        sync(staging);
        Files.move(staging, root.resolve(request.id()), StandardCopyOption.ATOMIC_MOVE);
        sync(root);
    }

    /** Removes what {@link #stage} left of an invocation that was not accepted. */
    void discardStaged(String id) {
        StateDirectory.deleteTree(root.resolve(STAGING).resolve(id));
    }

    Path body(String id) {
        return root.resolve(id).resolve(BODY);
    }

    Path result(String id) {
        return root.resolve(id).resolve(RESULT);
    }

    /**
     * Replaces invocation {@code id}'s status; the previous one stays if the disk refuses. Not
     * synced: a status lost in a crash only makes the next start run the invocation again, which
     * the previous status allows.
     */
    void writeStatus(String id, AsyncStatus status) throws IOException {
        Path temporary = root.resolve(id).resolve(STATUS + ".tmp");
        write(temporary, status.toJson().toString(), false);
        Files.move(temporary, root.resolve(id).resolve(STATUS), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    void delete(String id) {
        StateDirectory.deleteTree(root.resolve(id));
    }

    /** One invocation as the disk has it. */
    record Kept(AsyncRequest request, AsyncStatus status) {
    }

    /**
     * Every invocation kept here. What a crash left half-staged goes; a damaged directory (a
     * disk that failed under it) is moved aside as {@code ID.damaged} and said, not loaded.
     */
    List<Kept> load() {
        StateDirectory.deleteTree(root.resolve(STAGING));
        List<Kept> kept = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".") || name.endsWith(".damaged") || !Files.isDirectory(entry)) {
                    continue;
                }
                try {
                    kept.add(new Kept(AsyncRequest.fromJson(AsyncJson.MAPPER.readTree(entry.resolve(REQUEST).toFile())),
                            AsyncStatus.fromJson(AsyncJson.MAPPER.readTree(entry.resolve(STATUS).toFile()))));
                } catch (IOException | RuntimeException e) {
                    LOG.warning("asynchronous invocation " + entry + " is damaged (" + e.getMessage() + "); moved aside as "
                            + name + ".damaged");
                    Files.move(entry, root.resolve(name + ".damaged"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.createDirectories(root.resolve(STAGING));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the asynchronous invocations in " + root, e);
        }
        return kept;
    }

    private static void write(Path file, String text, boolean sync) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            if (sync) {
                channel.force(true);
            }
        }
    }

    private static void sync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
