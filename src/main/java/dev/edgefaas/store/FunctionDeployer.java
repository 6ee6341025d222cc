package dev.edgefaas.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.FunctionName;
import dev.edgefaas.function.ManifestException;
import dev.edgefaas.function.ManifestParser;
import dev.edgefaas.host.StateDirectory;
import dev.edgefaas.image.ContainerImages;
import dev.edgefaas.image.ImageConfig;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.image.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Deploys, removes and restores functions, keeping them in the {@link FunctionStore} where the
 * platform has one. A deploy is: copy the artifact into the store, parse the manifest that names
 * the copy, prepare it (the dispatcher, which builds images), and only then record it; a deploy
 * that fails or is cut short leaves the function's previous record, and so its previous version
 * after a restart. Each deploy gets a version, the digest of its name, manifest and artifact.
 */
public final class FunctionDeployer {
    private static final Logger LOG = Logger.getLogger(FunctionDeployer.class.getName());
    /** As strict as the parser's, so that nothing is pulled for a manifest that it would refuse. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final int VERSION_HEX_DIGITS = 12;
    /** What an upload to a node without a data directory is answered (409 Conflict): a local client then sends the path. */
    public static final int NO_STORE_STATUS = 409;
    /** How a manifest names an uploaded artifact: {@code sha256:} and the digest it is stored under. */
    public static final String REFERENCE_PREFIX = "sha256:";

    private final Dispatcher dispatcher;
    private final ManifestParser parser;
    private final Optional<FunctionStore> store;
    private final Map<String, String> versions = new ConcurrentHashMap<>();
    /** Where each function's artifact came from, as {@link #source} tells. */
    private final Map<String, String> sources = new ConcurrentHashMap<>();
    /** Each function's manifest as JSON that deploys it again (artifact absolute, an image resolved): what {@link #scale} changes. */
    private final Map<String, String> deployable = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** What a deploy did. */
    public record Deployed(FunctionManifest manifest, String version, boolean replaced) {
    }

    /** An uploaded artifact, stored: what a manifest names it by ({@code sha256:DIGEST}), and what was sent. */
    public record Uploaded(String reference, long bytes, String uploadSha256) {
    }

    /** An upload that was refused as sent; {@link #status()} is the HTTP status that says so. */
    public static final class UploadRefused extends RuntimeException {
        private final int status;

        UploadRefused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** What a restore at start found: the functions it deployed, and why each other one was not. */
    public record Restored(List<String> deployed, Map<String, String> failed) {
    }

    /** @param store where deployed functions are kept; empty for a platform that forgets them (tests, benchmarks) */
    public FunctionDeployer(Dispatcher dispatcher, ManifestParser parser, Optional<FunctionStore> store) {
        this.dispatcher = dispatcher;
        this.parser = parser;
        this.store = store;
    }

    /**
     * Deploys {@code json} as {@code name}, replacing the function of that name (its instances drain).
     *
     * @param baseDirectory what a relative {@code artifact} is resolved against
     * @throws ManifestException if the manifest is invalid, naming the field; a {@code SandboxException} if its
     *                           sandbox cannot run it; an {@code UncheckedIOException} if the store cannot keep it
     *                           (a full disk, say). Whatever fails, the function's previous version stays.
     */
    public Deployed deploy(String name, String json, Path baseDirectory) {
        synchronized (locks.computeIfAbsent(name, key -> new Object())) {
            Optional<ObjectNode> image = imageOf(json);
            Optional<ArtifactStore.Stored> uploaded = image.isPresent() ? Optional.empty() : uploadedArtifact(json);
            String source = image.isPresent() ? "image " + image.get().path("image").asText()
                    : uploaded.map(stored -> "upload " + REFERENCE_PREFIX + stored.digest()).orElse(null);
            if (uploaded.isPresent()) {
                json = withArtifact(json, uploaded.get().path());
            }
            if (image.isPresent() && store.isPresent()) {
                ImageDeploy pulled = pull(image.get());
                uploaded = Optional.of(pulled.rootfs());
                json = pulled.manifest();
            }
            FunctionManifest given = parser.parse(name, json, baseDirectory);
            if (source == null) {
                // A redeploy of the manifest as the node has it (the dashboard's scaling) keeps where it came from.
                boolean sameArtifact = dispatcher.function(name).map(running -> running.artifact().equals(given.artifact()))
                        .orElse(false);
                source = sameArtifact && sources.containsKey(name) ? sources.get(name) : "path " + given.artifact();
            }
            if (store.isEmpty()) {
                String resolved = withArtifact(json, given.artifact());
                return activate(given, version(name, resolved, ""), source, resolved);
            }
            ArtifactStore.Stored artifact = uploaded.isPresent() ? uploaded.get() : store.get().storeArtifact(given.artifact());
            String stored = withArtifact(json, artifact.path());
            FunctionManifest manifest = parser.parse(name, stored, artifact.path().getParent());
            String version = version(name, stored, artifact.digest());
            FunctionStore kept = store.get();
            Optional<String> replacedArtifact = kept.recorded(name).map(FunctionStore.StoredFunction::artifactDigest)
                    .filter(digest -> !digest.equals(artifact.digest()));
            // The replaced version's artifact goes once its instances have (they may still start from
            // it) and the new record is in force (until then the old one names it): whichever is last.
            AtomicInteger untilReleased = new AtomicInteger(2);
            Runnable oneDone = () -> {
                if (untilReleased.decrementAndGet() == 0) {
                    replacedArtifact.ifPresent(kept::releaseArtifact);
                }
            };
            Deployed deployed = recordAndActivate(manifest,
                    new FunctionStore.StoredFunction(name, stored, version, artifact.digest(), Instant.now(), source), oneDone);
            oneDone.run();
            return deployed;
        }
    }

    /**
     * Deploys a manifest that is not kept (a sample that serve deploys at every start), under the
     * version {@code sample}; a kept function of the same name wins over it.
     */
    public Optional<Deployed> deployUnlessKept(FunctionManifest manifest, String json) {
        synchronized (locks.computeIfAbsent(manifest.name().value(), key -> new Object())) {
            if (versions.containsKey(manifest.name().value())) {
                return Optional.empty();
            }
            return Optional.of(activate(manifest, "sample", "sample " + manifest.artifact(),
                    withArtifact(json, manifest.artifact())));
        }
    }

    /**
     * Changes a deployed function's {@code min-instances} and {@code max-instances} (either may be
     * absent): a deploy of its manifest as the node has it, with those changed, so a new version
     * that is kept (a sample so scaled becomes a kept function). Where it came from stays.
     *
     * @throws NoSuchElementException if no function {@code name} is deployed
     * @throws ManifestException      for bounds the manifest refuses, naming the field
     */
    public Deployed scale(String name, OptionalInt minInstances, OptionalInt maxInstances) {
        synchronized (locks.computeIfAbsent(name, key -> new Object())) {
            String json = deployable.get(name);
            if (json == null) {
                throw new NoSuchElementException(name);
            }
            ObjectNode manifest;
            try {
                manifest = (ObjectNode) JSON.readTree(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            minInstances.ifPresent(min -> manifest.put("min-instances", min));
            maxInstances.ifPresent(max -> manifest.put("max-instances", max));
            Optional<FunctionStore.StoredFunction> kept = store.flatMap(s -> s.recorded(name));
            if (kept.isEmpty()) {
                // A sample, or a node that keeps nothing: an ordinary deploy (a sample's artifact goes into the store).
                return deploy(name, manifest.toString(), Path.of("/"));
            }
            // Its artifact is in the store already (an image's root filesystem among them): recorded anew, not copied.
            String changed = manifest.toString();
            FunctionManifest parsed = parser.parse(name, changed, Path.of("/"));
            String digest = kept.get().artifactDigest();
            return recordAndActivate(parsed, new FunctionStore.StoredFunction(name, changed, version(name, changed, digest),
                    digest, Instant.now(), sources.getOrDefault(name, kept.get().source())), () -> { });
        }
    }

    /**
     * Records {@code function} in the store, then puts {@code manifest} live; if it cannot go live
     * the record is dropped. Written before the version goes live, so that a full disk fails the
     * deploy while nothing changed.
     */
    private Deployed recordAndActivate(FunctionManifest manifest, FunctionStore.StoredFunction function,
                                       Runnable whenReplacedDrained) {
        FunctionStore.PendingRecord record = store.orElseThrow().stage(function);
        Deployed deployed;
        try {
            deployed = activate(manifest, function.version(), function.source(), function.manifest(), whenReplacedDrained);
        } catch (RuntimeException e) {
            record.abandon();
            throw e;
        }
        record.commit();
        return deployed;
    }

    private Deployed activate(FunctionManifest manifest, String version, String source, String json) {
        return activate(manifest, version, source, json, () -> { });
    }

    private Deployed activate(FunctionManifest manifest, String version, String source, String json,
                              Runnable whenReplacedDrained) {
        boolean replaced = dispatcher.deploy(manifest, whenReplacedDrained);
        versions.put(manifest.name().value(), version);
        sources.put(manifest.name().value(), source);
        deployable.put(manifest.name().value(), json);
        return new Deployed(manifest, version, replaced);
    }

    /**
     * Receives an artifact sent to the node and stores it; a manifest names it by the returned
     * reference. Nothing of a refused or failed upload is kept.
     *
     * @throws UploadRefused for a body over {@code limitBytes} (413), a malformed archive or name (400), or a
     *                       platform that keeps no artifacts ({@link #NO_STORE_STATUS})
     */
    public Uploaded upload(InputStream body, String contentType, String name, boolean executable, long limitBytes) {
        FunctionStore kept = store.orElseThrow(() -> new UploadRefused(NO_STORE_STATUS, "this node keeps no artifacts (it was"
                + " started without a data directory): give the manifest's artifact as a path on the node"));
        Path scratch = kept.newUploadDirectory();
        try {
            ArtifactUpload.Received received = ArtifactUpload.receive(body, contentType, name, executable, limitBytes, scratch);
            ArtifactStore.Stored stored = kept.storeArtifact(received.artifact());
            return new Uploaded(REFERENCE_PREFIX + stored.digest(), received.bytes(), received.uploadSha256());
        } catch (ArtifactUpload.TooLarge e) {
            throw new UploadRefused(413, e.getMessage());
        } catch (ArtifactUpload.Malformed e) {
            throw new UploadRefused(400, e.getMessage());
        } finally {
            StateDirectory.deleteTree(scratch);
        }
    }

    /** The manifest as an object if it names an {@code image}; the parser reports any other shape. */
    private static Optional<ObjectNode> imageOf(String json) {
        try {
            return JSON.readTree(json) instanceof ObjectNode object && object.has("image") ? Optional.of(object) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private record ImageDeploy(String manifest, ArtifactStore.Stored rootfs) {
    }

    /** Pulls the manifest's image into the store and returns the manifest that runs it; see {@link ImageManifests}. */
    private ImageDeploy pull(ObjectNode given) {
        if (given.has("artifact")) {
            throw new ManifestException("image", "a manifest gives an image or an artifact, not both");
        }
        if (given.has("runtime") && !given.get("runtime").asText().equals("image")) {
            throw new ManifestException("runtime", "an image brings its own runtime; leave runtime out");
        }
        FunctionStore kept = store.orElseThrow();
        String reference = given.get("image").asText();
        if (reference.startsWith(REFERENCE_PREFIX)) {
            // An image archive uploaded before (POST /api/images), kept under its manifest's digest.
            ArtifactStore.Stored image = kept.stored(reference.substring(REFERENCE_PREFIX.length()))
                    .orElseThrow(() -> new ManifestException("image", reference + " was not uploaded to this node (or was"
                            + " collected at a restart): upload the archive with POST /api/images first"));
            return imageDeploy(given, image, ContainerImages.configIn(image.path()));
        }
        Path scratch = kept.newUploadDirectory();
        try {
            ContainerImages.Pulled pulled = ContainerImages.pull(reference, kept.registryAuth(), scratch);
            RootfsBuilder.addMountPoints(pulled.rootfs());
            return imageDeploy(given, kept.adoptImage(pulled.image(), pulled.manifestDigest()), pulled.config());
        } catch (ContainerImages.ImageException e) {
            throw new ManifestException("image", e.getMessage().replaceFirst("^image: ", ""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the root file system of " + reference + ": " + e.getMessage(), e);
        } finally {
            StateDirectory.deleteTree(scratch);
        }
    }

    private static ImageDeploy imageDeploy(ObjectNode given, ArtifactStore.Stored image, ImageConfig config) {
        Path rootfs = image.path().resolve("rootfs");
        return new ImageDeploy(ImageManifests.resolve(given, config, rootfs).toString(),
                new ArtifactStore.Stored(rootfs, image.digest()));
    }

    /**
     * Receives an image archive ({@code docker save}, or an OCI layout as a tar) and keeps it
     * unpacked under its manifest's digest; a manifest then names it as {@code "image": "sha256:DIGEST"}.
     *
     * @throws UploadRefused as {@link #upload} does, and 400 for an archive that is no image
     */
    public Uploaded uploadImage(InputStream body, long limitBytes) {
        FunctionStore kept = store.orElseThrow(() -> new UploadRefused(NO_STORE_STATUS, "this node keeps no images (it was"
                + " started without a data directory)"));
        Path scratch = kept.newUploadDirectory();
        try {
            Path archive = scratch.resolve("image.tar");
            long bytes = ArtifactUpload.save(body, archive, limitBytes);
            ContainerImages.Pulled image = ContainerImages.importArchive(archive, ImageArchives.isOciLayout(archive),
                    scratch.resolve("import"));
            RootfsBuilder.addMountPoints(image.rootfs());
            ArtifactStore.Stored stored = kept.adoptImage(image.image(), image.manifestDigest());
            return new Uploaded(REFERENCE_PREFIX + stored.digest(), bytes, "");
        } catch (ArtifactUpload.TooLarge e) {
            throw new UploadRefused(413, e.getMessage());
        } catch (ContainerImages.ImageException | ArtifactUpload.Malformed e) {
            throw new UploadRefused(400, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the uploaded image: " + e.getMessage(), e);
        } finally {
            StateDirectory.deleteTree(scratch);
        }
    }

    /** The stored artifact a manifest names by reference ({@code "artifact": "sha256:DIGEST"}), if it does. */
    private Optional<ArtifactStore.Stored> uploadedArtifact(String json) {
        String artifact;
        try {
            artifact = JSON.readTree(json).path("artifact").asText("");
        } catch (IOException e) {
            return Optional.empty(); // The parser says what is wrong with it.
        }
        if (!artifact.startsWith(REFERENCE_PREFIX)) {
            return Optional.empty();
        }
        String digest = artifact.substring(REFERENCE_PREFIX.length());
        return Optional.of(store.flatMap(kept -> kept.stored(digest)).orElseThrow(() -> new ManifestException("artifact",
                artifact + " was not uploaded to this node (or was collected at a restart): upload it with"
                        + " POST /api/artifacts first, which edgefaas deploy does")));
    }

    /**
     * Removes {@code name} from the store, then drains it and removes its artifact unless another
     * function uses it; false if no such function is deployed.
     */
    public boolean remove(String name, Duration grace) {
        if (FunctionName.problemWith(name) != null) {
            // Never deployed, and no file name in the store: a name too long for one would fail there.
            return false;
        }
        synchronized (locks.computeIfAbsent(name, key -> new Object())) {
            Optional<String> artifact = store.flatMap(s -> s.recorded(name)).map(FunctionStore.StoredFunction::artifactDigest);
            store.ifPresent(s -> s.forget(name));
            versions.remove(name);
            sources.remove(name);
            deployable.remove(name);
            boolean removed = dispatcher.remove(name, grace);
            artifact.ifPresent(digest -> store.get().releaseArtifact(digest));
            return removed;
        }
    }

    /** The version of the deployed function {@code name}. */
    public Optional<String> version(String name) {
        return Optional.ofNullable(versions.get(name));
    }

    /**
     * Where deployed function {@code name}'s artifact came from: {@code image REFERENCE}, {@code
     * upload sha256:DIGEST}, {@code path PATH} (a file on the node), or {@code sample PATH}.
     */
    public Optional<String> source(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    /**
     * Deploys every function the store keeps, as it was recorded; one that fails now (its sandbox
     * is gone, say) keeps its record and is reported, the others still start.
     */
    public Restored restore() {
        List<String> deployed = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (FunctionStore.StoredFunction function : store.map(FunctionStore::all).orElse(List.of())) {
            try {
                FunctionManifest manifest = parser.parse(function.name(), function.manifest(), Path.of("/"));
                activate(manifest, function.version(), function.source(), function.manifest());
                deployed.add(function.name());
            } catch (RuntimeException e) {
                failed.put(function.name(), e.getMessage());
                LOG.warning(() -> "function " + function.name() + " (version " + function.version() + ") is kept but"
                        + " not running: " + e.getMessage());
            }
        }
        return new Restored(deployed, failed);
    }

    /** {@code json} with its {@code artifact} replaced by {@code artifact}'s absolute path. */
    private static String withArtifact(String json, Path artifact) {
        try {
            JsonNode node = JSON.readTree(json);
            ((ObjectNode) node).put("artifact", artifact.toAbsolutePath().toString());
            return node.toString();
        } catch (IOException | ClassCastException e) {
            throw new ManifestException("manifest", "must be a JSON object: " + e.getMessage());
        }
    }

    private static String version(String name, String manifest, String artifactDigest) {
        return Sha256.start().add(name).add(manifest).add(artifactDigest).hex().substring(0, VERSION_HEX_DIGITS);
    }
}
