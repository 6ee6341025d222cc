package dev.edgefaas.logs;

import dev.edgefaas.host.StateDirectory;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The logs of every function of a platform, one directory each below a root (in the data
 * directory, where there is one, so that a function's log outlives a restart of the node, as
 * the function does). A function's log stays while it is replaced by new versions, and goes
 * when it is removed.
 */
public final class FunctionLogs implements AutoCloseable {
    private final Path root;
    private final long fileBytes;
    private final int keptFiles;
    private final Map<String, FunctionLog> logs = new ConcurrentHashMap<>();

    public FunctionLogs(Path root) {
        this(root, FunctionLog.DEFAULT_FILE_BYTES, FunctionLog.DEFAULT_KEPT_FILES);
    }

    public FunctionLogs(Path root, long fileBytes, int keptFiles) {
        this.root = root;
        this.fileBytes = fileBytes;
        this.keptFiles = keptFiles;
    }

    /** The log of {@code function}, opened on first use. */
    public FunctionLog of(String function) {
        return logs.computeIfAbsent(function, name -> new FunctionLog(name, root.resolve(name), fileBytes, keptFiles));
    }

    /** The log of {@code function} if it has one open. */
    public Optional<FunctionLog> existing(String function) {
        return Optional.ofNullable(logs.get(function));
    }

    /** Closes and deletes the log of a function that is gone. */
    public void remove(String function) {
        FunctionLog log = logs.remove(function);
        if (log != null) {
            log.close();
        }
        StateDirectory.deleteTree(root.resolve(function));
    }

    @Override
    public void close() {
        logs.values().forEach(FunctionLog::close);
        logs.clear();
    }
}
