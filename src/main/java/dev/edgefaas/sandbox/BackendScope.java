package dev.edgefaas.sandbox;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.FunctionManifest.Network;
import dev.edgefaas.function.Runtime;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a backend runs: the runtimes and network modes of the manifests it accepts, each with
 * the fix a refused manifest's author is told. A backend declares it once; {@link
 * SandboxBackend#runs} and the refusals of {@code prepare} derive from it.
 *
 * @param runtimes   the runtimes it runs
 * @param runtimeFix what to do instead, told with a refused runtime
 * @param networks   the network modes it has
 * @param networkFix what to do instead, told with a refused network mode
 * @param ownLaunch  whether it runs a manifest's own {@code command}, {@code args} and {@code port}
 * @param launchFix  what to do instead, told with a refused launch
 */
public record BackendScope(Set<Runtime> runtimes, String runtimeFix, Set<Network> networks, String networkFix,
                           boolean ownLaunch, String launchFix) {
    /** What image-based sandboxes tell a function of runtime binary, which only a host process can run. */
    public static final String BINARY_NEEDS_A_PROCESS = "runtime binary runs only in the process sandbox; build the"
            + " function as a static Go binary (runtime go) or a Node.js script (runtime node)";

    public BackendScope {
        runtimes = Set.copyOf(runtimes);
        networks = Set.copyOf(networks);
        if (runtimes.isEmpty() || networks.isEmpty()) {
            throw new IllegalArgumentException("a backend runs at least one runtime in one network mode");
        }
    }

    /** What an image function is told by a sandbox without root file systems of images. */
    public static final String IMAGE_NEEDS_A_CONTAINER_OR_VM = "runtime image (a container image) runs in runc, crun,"
            + " runsc, qemu-microvm and firecracker, and in nanos (an ELF entry point) and osv (a PIE entry point)";

    /** Every host program in every network mode: the process sandbox (no container images). */
    public static BackendScope hostPrograms() {
        return new BackendScope(EnumSet.of(Runtime.GO, Runtime.NODE, Runtime.BINARY), IMAGE_NEEDS_A_CONTAINER_OR_VM,
                EnumSet.allOf(Network.class), "", true, "");
    }

    /** Go and Node.js functions and container images, each run from a root file system, in every network mode. */
    public static BackendScope rootFileSystems() {
        return new BackendScope(EnumSet.of(Runtime.GO, Runtime.NODE, Runtime.IMAGE), BINARY_NEEDS_A_PROCESS,
                EnumSet.allOf(Network.class), "", true, "");
    }

    /** This scope without the host network mode, telling {@code fix} to a manifest that asks for it. */
    public BackendScope isolatedOnly(String fix) {
        return new BackendScope(runtimes, runtimeFix, EnumSet.of(Network.ISOLATED), fix, ownLaunch, launchFix);
    }

    /** This scope with only {@code only}, telling {@code fix} to the others. */
    public BackendScope onlyRuntimes(Set<Runtime> only, String fix) {
        return new BackendScope(only, fix, networks, networkFix, ownLaunch, launchFix);
    }

    /** This scope for a sandbox that runs only the entry point as built, telling {@code fix} to a manifest with its own. */
    public BackendScope entryPointOnly(String fix) {
        return new BackendScope(runtimes, runtimeFix, networks, networkFix, false, fix);
    }

    /** Why {@code sandbox} refuses {@code manifest}, naming the field and the fix; empty if it runs it. */
    public Optional<String> refusal(String sandbox, FunctionManifest manifest) {
        if (!runtimes.contains(manifest.runtime())) {
            String fix = switch (manifest.runtime()) {
                case BINARY -> BINARY_NEEDS_A_PROCESS;
                case IMAGE -> IMAGE_NEEDS_A_CONTAINER_OR_VM;
                default -> runtimeFix;
            };
            return Optional.of("runtime: " + sandbox + " runs " + keys(runtimes.stream().map(Runtime::key))
                    + " functions, not " + manifest.runtime().key() + "; " + fix);
        }
        if (!ownLaunch && manifest.launch().overridesLaunch()) {
            return Optional.of("command, args, port: " + sandbox + " runs the function's entry point as its image was"
                    + " built, on $PORT; " + launchFix);
        }
        if (!networks.contains(manifest.network())) {
            return Optional.of("network: " + sandbox + " has no " + manifest.network().key() + " network mode; "
                    + networkFix);
        }
        return Optional.empty();
    }

    private static String keys(Stream<String> keys) {
        return keys.sorted().collect(Collectors.joining(" and "));
    }
}
