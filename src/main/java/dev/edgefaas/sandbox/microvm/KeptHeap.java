package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.image.BuildOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a QEMU that restores a snapshot runs with so that the memory its start touched is still
 * its own when the state comes: glibc's {@code malloc_trim} made a no-op by a preloaded library
 * ({@code functions/vmm/keep-heap.c}, which says why QEMU trims), and one malloc arena for all
 * its threads, so that the vCPU thread's first allocations, as it translates the clone's code,
 * reuse that heap instead of faulting in an arena of their own. Each page fault costs about
 * 15 µs here; an OSv clone took about 1,000 from its state to its first answer, 440 with this.
 * The price is the heap a waiting VMM keeps: 3-7 MiB more of its own.
 *
 * @param library the preloaded library; null where the build made none (no C compiler), and
 *                restoring QEMUs trim their heap as QEMU does by default
 */
record KeptHeap(Path library) {
    /** The build's library, if it made one. */
    static KeptHeap fromBuild() {
        Path built = built();
        return new KeptHeap(Files.isRegularFile(built) ? built : null);
    }

    /** Where the project's build puts the library, beside the sample functions. */
    private static Path built() {
        return BuildOutput.functionsDirectory().resolve("vmm").resolve("keep-heap.so");
    }

    /** The variables QEMU is started with ({@code env NAME=VALUE ...}); none without the library. */
    List<String> environment() {
        return library == null ? List.of()
                : List.of("LD_PRELOAD=" + library, "GLIBC_TUNABLES=glibc.malloc.arena_max=1");
    }

    /** For an instance's details. */
    String describe() {
        return library == null
                ? "trimmed by QEMU (no " + built() + ": the build makes it where gcc is installed); restores are slower"
                : "kept while a restoring QEMU waits (" + library + " preloaded, one malloc arena)";
    }
}
