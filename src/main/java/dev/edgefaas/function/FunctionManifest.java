package dev.edgefaas.function;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A deployed function's manifest: what to run and how to scale and limit it. Immutable and
 * valid by construction; {@link ManifestParser} turns JSON into one with field-named errors.
 *
 * @param artifact     absolute path of the binary, script, or a directory holding the
 *                     entry point and the files it needs
 * @param sandbox      name of the sandbox backend every instance runs in
 * @param keepalive    how long an idle instance stays warm before it is stopped
 * @param concurrency  requests one instance serves at once
 * @param singleUse    every request gets a fresh instance, stopped after it
 * @param readyTimeout how long a starting instance has to call back before it is failed
 * @param queueTimeout how long a request waits for capacity at {@code maxInstances}
 * @param maxQueue     how many requests may wait so at once; more are refused at once (429)
 * @param network      {@code isolated} (own network namespace, where the sandbox has them) or {@code host}
 * @param launch       command, args, port and readiness of an app not written for edgefaas; {@link LaunchSpec#CONTRACT} else
 * @param snapshot     whether instances may be restored from a snapshot instead of booted
 * @param snapshotPrime the request a guest answers before it is saved, so that its clones do not each do that work
 */
public record FunctionManifest(
        FunctionName name,
        Runtime runtime,
        Path artifact,
        String sandbox,
        Duration keepalive,
        int concurrency,
        boolean singleUse,
        int minInstances,
        int maxInstances,
        int memoryMib,
        double vcpus,
        Map<String, String> env,
        Duration readyTimeout,
        Duration queueTimeout,
        int maxQueue,
        Network network,
        LaunchSpec launch,
        Snapshot snapshot,
        SnapshotPrime snapshotPrime) {

    /**
     * Whether instances start from a snapshot of a booted one where the sandbox can restore one
     * ({@code auto}, the default) or always boot ({@code off}).
     */
    public enum Snapshot {
        AUTO,
        OFF;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The request a booted guest is sent, once it is ready, before it is saved. What answering
     * a first request sets up (under TCG most of all: the server's code paths run and touch their
     * pages for the first time) is then in the snapshot, done once instead of in every clone.
     * {@code OPTIONS *} by default: it asks about the server, not a resource, and Go's net/http
     * answers it without calling the function's handler (Node.js hands it to the handler like
     * any request). A path ({@code "/warm"}) sends a GET of it instead, for a function with a
     * warm-up route of its own; {@code off} sends nothing.
     *
     * @param method        the request's method, "" for none
     * @param requestTarget {@code *} or a path
     */
    public record SnapshotPrime(String method, String requestTarget) {
        public static final SnapshotPrime OPTIONS = new SnapshotPrime("OPTIONS", "*");
        public static final SnapshotPrime OFF = new SnapshotPrime("", "");

        public static SnapshotPrime get(String path) {
            return new SnapshotPrime("GET", path);
        }

        public boolean off() {
            return method.isEmpty();
        }

        /** As the manifest says it: {@code options}, {@code off} or the path. */
        public String key() {
            return off() ? "off" : equals(OPTIONS) ? "options" : requestTarget;
        }
    }

    /** How an instance is attached to the network. */
    public enum Network {
        /** Its own network namespace and /30 link: it reaches only the platform's callback port. */
        ISOLATED,
        /** The host's network, a loopback port per instance: faster to set up, no isolation. */
        HOST;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public FunctionManifest {
        env = Map.copyOf(env);
        if (!artifact.isAbsolute()) {
            throw new ManifestException("artifact", "must be resolved to an absolute path, got " + artifact);
        }
        if (singleUse && concurrency != 1) {
            throw new ManifestException("concurrency",
                    "a single-use function serves one request per instance; set concurrency to 1 or single-use to false");
        }
        if (minInstances > maxInstances) {
            throw new ManifestException("min-instances",
                    minInstances + " is more than max-instances " + maxInstances + "; lower it or raise max-instances");
        }
        if (singleUse && minInstances > 0) {
            throw new ManifestException("min-instances",
                    "a single-use function cannot keep instances warm; set min-instances to 0");
        }
    }

    /** The file that is executed (Go, binary) or interpreted (Node.js). */
    public Path entryPoint() {
        return Files.isDirectory(artifact) ? artifact.resolve(runtime.defaultEntryPoint()) : artifact;
    }

    /** The directory whose files an instance may read (the artifact's directory). */
    public Path artifactDirectory() {
        return Files.isDirectory(artifact) ? artifact : artifact.getParent();
    }

    /**
     * GOMAXPROCS for a Go instance: the vCPUs it is given, rounded up. Go before 1.25 sizes its
     * scheduler by the host's cores, not the CPU limit, and burns the difference spinning.
     */
    public int goMaxProcs() {
        return Math.max(1, (int) Math.ceil(vcpus));
    }

    public FunctionManifest withSandbox(String otherSandbox) {
        return new FunctionManifest(name, runtime, artifact, otherSandbox, keepalive, concurrency, singleUse,
                minInstances, maxInstances, memoryMib, vcpus, env, readyTimeout, queueTimeout, maxQueue, network,
                launch, snapshot, snapshotPrime);
    }
}
