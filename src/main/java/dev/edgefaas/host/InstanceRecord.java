package dev.edgefaas.host;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The write-ahead list of host resources one instance holds (pid, cgroup, directories, ...).
 * A backend {@linkplain #put records} a resource before it creates it, so that after a crash of
 * the platform the reaper can remove everything an instance had. Deleted when the instance is closed.
 */
public final class InstanceRecord {
    public static final String ID = "id";
    public static final String BACKEND = "backend";
    static final String OWNER_PID = "owner-pid";
    static final String OWNER_STARTED = "owner-started";
    /** Of a record's new text, until it is moved over the old one. */
    static final String UNFINISHED_SUFFIX = ".tmp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, String> values;

    private InstanceRecord(Path file, Map<String, String> values) {
        this.file = file;
        this.values = values;
    }

    /** Creates the record of a new instance owned by this process. */
    static InstanceRecord create(Path file, String instanceId, String backend) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(ID, instanceId);
        values.put(BACKEND, backend);
        ProcessHandle self = ProcessHandle.current();
        values.put(OWNER_PID, Long.toString(self.pid()));
        values.put(OWNER_STARTED, ProcessIdentity.startedOf(self).orElse(""));
        InstanceRecord record = new InstanceRecord(file, values);
        record.write();
        return record;
    }

    static InstanceRecord read(Path file) throws IOException {
        Map<String, String> values = JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, String>>() { });
        return new InstanceRecord(file, values);
    }

    public String instanceId() {
        return values.get(ID);
    }

    public String backend() {
        return values.get(BACKEND);
    }

    public synchronized Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Records {@code key}; durable when this returns. Call before creating the resource. */
    public synchronized void put(String key, String value) {
        values.put(key, value);
        write();
    }

    /** Whether the platform process that wrote this record still runs. */
    boolean ownerAlive() {
        String pid = values.get(OWNER_PID);
        return pid != null && ProcessIdentity.alive(Long.parseLong(pid), values.getOrDefault(OWNER_STARTED, ""));
    }

    /** Removes the record: every resource in it is gone. Idempotent. */
    public synchronized void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete instance record " + file, e);
        }
    }

    private void write() {
        Path temporary = file.resolveSibling(file.getFileName() + UNFINISHED_SUFFIX);
        try {
            JSON.writeValue(temporary.toFile(), values);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                // A half-written record must not be taken for a whole one by the next start's reaper.
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // The file system refuses even that: the reaper skips unreadable records.
            }
            throw new UncheckedIOException("cannot write instance record " + file + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public synchronized String toString() {
        return values.toString();
    }
}
