package dev.edgefaas.sandbox.microvm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Saving and restoring a Firecracker guest through its snapshot API, with the bodies of its
 * published schema ({@code src/firecracker/swagger/firecracker.yaml}: {@code Vm},
 * {@code SnapshotCreateParams}, {@code SnapshotLoadParams}, {@code MemoryBackend}) as records.
 * A save pauses the guest and writes a full snapshot: its state, and its memory to a file that
 * every clone then maps privately (copy-on-write), as QEMU's clones map theirs. A restore goes
 * to a Firecracker started with no configuration, which only a load may configure.
 */
final class FirecrackerSnapshots {
    /**
     * The first release whose load takes {@code clock_realtime}; earlier ones refuse the field, and
     * on hosts with Linux 5.16 or later advance the guest's kvm-clock by the time since the save
     * anyway (their changelog calls it a bug: 1.17 made it the flag).
     */
    static final Version CLOCK_REALTIME_SINCE = new Version(1, 17);

    private FirecrackerSnapshots() {
    }

    /** {@code PATCH /vm}. */
    record Vm(@JsonProperty("state") String state) {
    }

    /** {@code PUT /snapshot/create}. */
    record SnapshotCreateParams(@JsonProperty("snapshot_type") String snapshotType,
                                @JsonProperty("snapshot_path") String snapshotPath,
                                @JsonProperty("mem_file_path") String memFilePath) {
    }

    /** {@code PUT /snapshot/load}; {@code clockRealtime} is null where the release does not know it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SnapshotLoadParams(@JsonProperty("snapshot_path") String snapshotPath,
                              @JsonProperty("mem_backend") MemoryBackend memBackend,
                              @JsonProperty("resume_vm") boolean resumeVm,
                              @JsonProperty("clock_realtime") Boolean clockRealtime) {
    }

    record MemoryBackend(@JsonProperty("backend_type") String backendType,
                         @JsonProperty("backend_path") String backendPath) {
    }

    /** A Firecracker release, from {@code firecracker --version} ({@code Firecracker v1.16.1}). */
    record Version(int major, int minor) implements Comparable<Version> {
        private static final Pattern RELEASE = Pattern.compile("v?(\\d+)\\.(\\d+)");

        /** The version {@code text} names; 0.0 when it names none. */
        static Version of(String text) {
            Matcher found = RELEASE.matcher(text);
            return found.find() ? new Version(Integer.parseInt(found.group(1)), Integer.parseInt(found.group(2)))
                    : new Version(0, 0);
        }

        @Override
        public int compareTo(Version other) {
            return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
        }
    }

    /** Pauses the running guest and writes its state to {@code state} and its memory to {@code memory}. */
    static void save(FirecrackerApi api, Path state, Path memory) throws IOException {
        api.patch("/vm", new Vm("Paused"));
        api.put("/snapshot/create", new SnapshotCreateParams("Full", state.toString(), memory.toString()));
    }

    /**
     * Loads {@code state} with {@code memory} mapped copy-on-write, and runs the guest; its wall
     * clock moves on by the time since the save where {@code release} can be told so.
     */
    static void restore(FirecrackerApi api, Path state, Path memory, Version release) throws IOException {
        api.put("/snapshot/load", load(state, memory, release));
    }

    static SnapshotLoadParams load(Path state, Path memory, Version release) {
        return new SnapshotLoadParams(state.toString(), new MemoryBackend("File", memory.toString()), true,
                release.compareTo(CLOCK_REALTIME_SINCE) >= 0 ? Boolean.TRUE : null);
    }
}
