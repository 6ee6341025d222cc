package dev.edgefaas.sandbox;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.Runtime;

/**
 * The skeleton of every backend: it declares what it runs ({@link BackendScope}) and checks what
 * it needs of the host ({@link #checkHost}); {@link #probe}, {@link #prepare} and its refusals
 * derive from those two, so no backend writes them again. {@code doctor} thereby lists every
 * unmet need, and a manifest the backend cannot run is refused before anything is built.
 *
 * @param <H> what the host check found and preparing uses (binaries, toolchains, accelerator)
 */
public abstract class DeclaredBackend<H> implements SandboxBackend {
    private final String name;
    private final BackendScope scope;

    protected DeclaredBackend(String name, BackendScope scope) {
        this.name = name;
        this.scope = scope;
    }

    /**
     * Checks every need, noting each unmet one in {@code needs}; called by every probe and
     * prepare, so it should be cheap (cache slow detections).
     *
     * @return what was found; ignored unless every need is met
     */
    protected abstract H checkHost(HostNeeds needs);

    /** The availability of a host that meets every need: what the backend will use, for {@code doctor}. */
    protected abstract Availability describe(H host);

    /**
     * Readies a manifest within the scope, on a host that meets every need: builds its images.
     *
     * @throws SandboxException for what only the backend knows to refuse (a missing PIE build, say)
     */
    protected abstract PreparedFunction prepareOn(H host, FunctionManifest manifest);

    /**
     * Refuses a fixed {@code port} with more than one instance where instances share the host's
     * ports (the process sandbox, a host-network container): the second would not bind.
     */
    protected static void requireOneInstancePerFixedPort(String sandbox, FunctionManifest manifest) {
        int port = manifest.launch().port();
        if (port != 0 && manifest.maxInstances() > 1) {
            throw new SandboxException("port: " + sandbox + " instances share the host's ports, so the fixed port " + port
                    + " allows one instance at a time; set \"max-instances\": 1, let the app take $PORT, or choose"
                    + " a sandbox with a network of its own per instance (runc, crun, qemu-microvm)");
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean runs(Runtime runtime) {
        return scope.runtimes().contains(runtime);
    }

    public final BackendScope scope() {
        return scope;
    }

    @Override
    public final Availability probe() {
        HostNeeds needs = new HostNeeds();
        H host = checkHost(needs);
        return needs.met() ? describe(host) : Availability.unusable(needs.unmet());
    }

    /** Refuses a manifest out of scope, then a host that lacks a need (all of them said), then prepares. */
    @Override
    public final PreparedFunction prepare(FunctionManifest manifest) {
        scope.refusal(name, manifest).ifPresent(refusal -> {
            throw new SandboxException(refusal);
        });
        HostNeeds needs = new HostNeeds();
        H host = checkHost(needs);
        if (!needs.met()) {
            throw new SandboxException(name + " cannot run here: " + String.join("; ", needs.unmet()));
        }
        return prepareOn(host, manifest);
    }
}
