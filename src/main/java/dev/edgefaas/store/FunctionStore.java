package dev.edgefaas.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.image.ArtifactCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * What a node was given, kept across restarts and crashes in its data directory
 * ({@code /var/lib/edgefaas} as root): each deployed function's manifest as a record
 * ({@code functions/<name>.json}) naming its artifact's copy in the {@link ArtifactStore}
 * ({@code artifacts/<digest>/}). A record is replaced by writing a new file, syncing it and
 * renaming it over the old one: a node killed at any moment finds the old record or the new
 * one, never half of either. Thread-safe for different names; one name at a time per caller.
 */
public final class FunctionStore {
    private static final Logger LOG = Logger.getLogger(FunctionStore.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where an operator puts registry credentials: {@code skopeo login --authfile DATA_DIR/registry-auth.json}. */
    public static final String REGISTRY_AUTH_FILE = "registry-auth.json";

    private final Path functions;
    private final Path uploads;
    /** Held while an artifact is filed or removed and while a record comes into force or goes. */
    private final Object keeping = new Object();
    private final ArtifactStore artifacts;

    /**
     * One deployed function as the store keeps it.
     *
     * @param manifest       the manifest as deployed, its {@code artifact} the stored copy's path
     * @param version        the digest of name, manifest and artifact, shortened; what {@code list} shows
     * @param artifactDigest the digest its artifact is filed under
     * @param source         where the artifact came from, as {@link FunctionDeployer#source} says
     */
    public record StoredFunction(String name, String manifest, String version, String artifactDigest, Instant deployed,
                                 String source) {
    }

    private FunctionStore(Path root) {
        this.functions = root.resolve("functions");
        this.uploads = root.resolve("uploads");
        this.artifacts = new ArtifactStore(root.resolve("artifacts"), keeping);
    }

    /**
     * Opens (creating) the store at {@code root}, removing what a crash left half-written and every
     * artifact no record names.
     *
     * @throws UncheckedIOException if the directory cannot be made or read
     */
    public static FunctionStore open(Path root) {
        try {
            Files.createDirectories(root.resolve("functions"));
            Files.createDirectories(root.resolve("artifacts"));
            Files.createDirectories(root.resolve("uploads"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + root + ": " + e.getMessage()
                    + "; give serve a writable --data-dir", e);
        }
        FunctionStore store = new FunctionStore(root);
        store.collectGarbage();
        return store;
    }

    /** Where serve keeps its functions unless told: {@code /var/lib/edgefaas} as root, else below the temporary directory. */
    public static Path defaultRoot() {
        return "root".equals(System.getProperty("user.name")) ? Path.of("/var/lib/edgefaas")
                : Path.of(System.getProperty("java.io.tmpdir"), "edgefaas-data-" + System.getProperty("user.name"));
    }

    /** Copies {@code artifact} into the store; see {@link ArtifactStore#put}. */
    ArtifactStore.Stored storeArtifact(Path artifact) {
        return artifacts.put(artifact);
    }

    /** Files an unpacked image (its {@code rootfs/} and {@code config.json}) under its manifest's digest; see {@link ArtifactStore#adopt}. */
    ArtifactStore.Stored adoptImage(Path image, String manifestDigest) {
        return artifacts.adopt(image, manifestDigest, "image");
    }

    /** Credentials for private registries, if the operator put them here (the containers' auth.json format). */
    Optional<Path> registryAuth() {
        Path file = functions.getParent().resolve(REGISTRY_AUTH_FILE);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /**
     * The stored artifact filed under {@code digest}, if there is one, for a deploy that names it:
     * kept as unrecorded until that deploy's record names it, should its last user go meanwhile.
     */
    Optional<ArtifactStore.Stored> stored(String digest) {
        synchronized (keeping) {
            Optional<ArtifactStore.Stored> found = artifacts.find(digest);
            found.ifPresent(stored -> artifacts.unrecorded(stored.digest()));
            return found;
        }
    }

    /** A new directory for receiving one upload; the caller removes it, and the next open removes any left. */
    Path newUploadDirectory() {
        try {
            return Files.createTempDirectory(uploads, "upload-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot receive an upload in " + uploads + ": " + e.getMessage(), e);
        }
    }

    /**
     * A record written and synced beside the one it replaces, not yet in force: a deploy writes it
     * before its version goes live (so a full disk fails the deploy while nothing has changed) and
     * puts it in force after. Until {@link #commit} a restart finds the previous record.
     */
    final class PendingRecord {
        private final Path temporary;
        private final Path target;
        private final String name;

        private PendingRecord(Path temporary, Path target, String name) {
            this.temporary = temporary;
            this.target = target;
            this.name = name;
        }

        /** Puts the record in force by an atomic rename over the previous one. */
        void commit() {
            try {
                synchronized (keeping) {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                sync(functions);
            } catch (IOException e) {
                deleteQuietly(temporary);
                throw new UncheckedIOException("cannot record function " + name + " in " + functions + ": "
                        + e.getMessage(), e);
            }
        }

        /** Drops the record: the deploy it was for failed. */
        void abandon() {
            deleteQuietly(temporary);
        }
    }

    /** Writes {@code function}'s record, to be put in force by {@link PendingRecord#commit}. */
    PendingRecord stage(StoredFunction function) {
        ObjectNode node = JSON.createObjectNode()
                .put("name", function.name())
                .put("version", function.version())
                .put("artifact-digest", function.artifactDigest())
                .put("deployed", function.deployed().toString())
                .put("source", function.source());
        node.set("manifest", readTree(function.manifest()));
        Path target = functions.resolve(function.name() + ".json");
        Path temporary = functions.resolve("." + function.name() + ".json.tmp");
        try {
            Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
            sync(temporary);
            synchronized (keeping) {
                artifacts.recorded(function.artifactDigest());
            }
            return new PendingRecord(temporary, target, function.name());
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException("cannot record function " + function.name() + " in " + functions + ": "
                    + e.getMessage() + (ArtifactCache.diskFull(e) ? " (the disk is full)" : ""), e);
        }
    }

    /** Records {@code function}, replacing its name's record atomically. */
    void record(StoredFunction function) {
        stage(function).commit();
    }

    /** Forgets {@code name}; its artifact stays until {@link #releaseArtifact} or the next open. */
    void forget(String name) {
        try {
            synchronized (keeping) {
                Files.deleteIfExists(functions.resolve(name + ".json"));
            }
            sync(functions);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the record of " + name + ": " + e.getMessage(), e);
        }
    }

    /** The record of {@code name}, if it has one that can be read. */
    Optional<StoredFunction> recorded(String name) {
        Path file = functions.resolve(name + ".json");
        return Files.isRegularFile(file) ? read(file) : Optional.empty();
    }

    /**
     * Removes the artifact filed under {@code digest} (a removed or replaced version's) if no
     * record, in force or staged, names it and no upload or deploy is still to record it.
     * Whether it was removed.
     */
    boolean releaseArtifact(String digest) {
        synchronized (keeping) {
            boolean removed = artifacts.removeUnless(digest, this::anyRecordNames);
            if (removed) {
                LOG.info(() -> "removed artifact " + digest + ", which no function uses any more");
            }
            return removed;
        }
    }

    /**
     * Whether a record names {@code digest}. An unreadable record in force might, so it counts as
     * naming every one; a staged one still being written does not need to: its artifact stays
     * unrecorded until it is written.
     */
    private boolean anyRecordNames(String digest) {
        try (Stream<Path> files = Files.list(functions)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".json")) {
                    Optional<StoredFunction> record = read(file);
                    if (record.isEmpty() || record.get().artifactDigest().equals(digest)) {
                        return true;
                    }
                } else if (name.endsWith(".json.tmp") && stagedNames(file, digest)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean stagedNames(Path file, String digest) {
        try {
            return parse(file).artifactDigest().equals(digest);
        } catch (IOException | RuntimeException stillBeingWritten) {
            return false;
        }
    }

    /** Every recorded function, by name; a record that cannot be read is skipped and logged, not deleted. */
    public List<StoredFunction> all() {
        List<StoredFunction> all = new ArrayList<>();
        recordFiles().forEach(file -> read(file).ifPresent(all::add));
        return all;
    }

    private List<Path> recordFiles() {
        try (Stream<Path> files = Files.list(functions)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json") && !f.getFileName().toString().startsWith("."))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + functions + ": " + e.getMessage(), e);
        }
    }

    /** Removes half-written records, copies and uploads, and every artifact that no record names. */
    public List<String> collectGarbage() {
        try (Stream<Path> leftovers = Files.list(uploads)) {
            leftovers.forEach(StateDirectory::deleteTree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + uploads + ": " + e.getMessage(), e);
        }
        try (Stream<Path> files = Files.list(functions)) {
            files.filter(f -> f.getFileName().toString().endsWith(".tmp")).forEach(FunctionStore::deleteQuietly);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + functions + ": " + e.getMessage(), e);
        }
        List<StoredFunction> readable = all();
        if (readable.size() < recordFiles().size()) {
            // An artifact an unreadable record names is unknown: keep them all until it is mended or removed.
            LOG.warning(() -> "artifacts are not collected while a record in " + functions + " cannot be read");
            return List.of();
        }
        Set<String> referenced = new HashSet<>();
        readable.forEach(function -> referenced.add(function.artifactDigest()));
        List<String> removed = artifacts.keepOnly(referenced);
        if (!removed.isEmpty()) {
            LOG.info(() -> "removed " + removed.size() + " artifacts no function uses");
        }
        return removed;
    }

    private Optional<StoredFunction> read(Path file) {
        try {
            return Optional.of(parse(file));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "cannot read the function record " + file + "; it is kept, and not restored", e);
            return Optional.empty();
        }
    }

    private static StoredFunction parse(Path file) throws IOException {
        JsonNode node = JSON.readTree(file.toFile());
        return new StoredFunction(node.path("name").asText(), node.path("manifest").toString(),
                node.path("version").asText(), node.path("artifact-digest").asText(),
                Instant.parse(node.path("deployed").asText()),
                // Records written before sources were kept have none.
                node.path("source").asText("kept (source not recorded)"));
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("a stored manifest must be JSON: " + e.getMessage(), e);
        }
    }

    /** Makes what was written to {@code path} (a file, or a directory's entries) durable. */
    private static void sync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + file, e);
        }
    }
}
