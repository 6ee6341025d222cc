package dev.edgefaas.sandbox;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.Runtime;
import dev.edgefaas.host.InstanceRecord;
import java.util.Optional;

/**
 * A kind of isolation that function instances run in (process, runc, runsc, microVM, ...).
 * Backends never know the dispatcher or each other; the dispatcher knows them only through
 * this interface.
 *
 * <p>Lifecycle: {@link #prepare} once per function version (slow work such as building an
 * image happens here), then {@link PreparedFunction#start} once per instance.
 */
public interface SandboxBackend {

    /** The name manifests use in {@code sandbox}, e.g. {@code process} or {@code runc}. */
    String name();

    /** Whether this backend runs functions of {@code runtime} at all (OSv: Go only); {@link #prepare} refuses the others. */
    default boolean runs(Runtime runtime) {
        return true;
    }

    /** Whether this backend can run here, and if not why and how to fix it. Cheap enough to call often. */
    Availability probe();

    /**
     * Readies {@code manifest} for starting instances: checks the artifact, builds images.
     *
     * @throws SandboxException if the function cannot run in this sandbox, saying why
     */
    PreparedFunction prepare(FunctionManifest manifest);

    /**
     * Removes every host resource that {@code record} lists, left behind by an earlier run that
     * crashed. Called at startup for records of this backend whose owner is gone; idempotent.
     */
    void reap(InstanceRecord record);

    /**
     * Whether instances of functions that allow it ({@code "snapshot": "auto"}) are restored from
     * a snapshot of a booted one rather than booted, here.
     */
    default boolean restoresSnapshots() {
        return false;
    }

    /**
     * The same function started by this sandbox's own tool, without the platform, for benchmarks;
     * empty where the sandbox has no such tool of its own.
     *
     * @throws SandboxException if the sandbox cannot run {@code manifest} here
     */
    default Optional<ReferenceRun> referenceRun(FunctionManifest manifest) {
        return Optional.empty();
    }
}
