package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.host.ProcessMemory;
import dev.edgefaas.host.ProcessMemory.Mapping;
import dev.edgefaas.host.ProcessMemory.PageRange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The VMM memory a clone touches from its restore to its first answer, recorded once per
 * snapshot ({@link SnapshotRehearsal}) and faulted into every standby VMM of the snapshot while it
 * waits, so that its clone finds it there: the "record and prefetch" of REAP (Ustiugov et al.,
 * ASPLOS 2021) for Firecracker snapshots, done before the restore instead of at it. Page faults
 * are dear in the virtual machines this runs on, and dearest for a huge page of TCG's
 * translation buffer in memory the hypervisor has not backed yet. It covers the
 * guest RAM pages the clone writes (each a copy of the snapshot's page) or only reads, and,
 * under TCG, the pages of the translation buffer its code is translated into. Not QEMU's own
 * heap: QEMU changes it itself, and a write from here could undo one of its own.
 *
 * @param ramWritten the guest RAM pages the clone wrote: a standby gets its own copy of each
 * @param ramRead    those it only read: a standby maps each, shared with every clone
 * @param translated the pages of TCG's translation buffer the clone used (none under KVM)
 */
record WorkingSet(List<PageRange> ramWritten, List<PageRange> ramRead, List<PageRange> translated) {
    WorkingSet {
        ramWritten = List.copyOf(ramWritten);
        ramRead = List.copyOf(ramRead);
        translated = List.copyOf(translated);
    }

    /**
     * What the VMM of {@code pid}, a clone of the snapshot whose RAM is {@code ram} that has
     * answered its first request, has in memory of its guest's RAM and of its translation buffer.
     */
    static WorkingSet of(long pid, Path ram) throws IOException {
        ProcessMemory memory = new ProcessMemory(pid);
        ProcessMemory.PresentPages guest = memory.present(guestRam(memory, ram)
                .orElseThrow(() -> new IOException("the VMM (pid " + pid + ") has not mapped " + ram)));
        Optional<Mapping> buffer = translationBuffer(memory);
        List<PageRange> translated = buffer.isPresent() ? memory.present(buffer.get()).written() : List.of();
        return new WorkingSet(guest.written(), guest.read(), translated);
    }

    /**
     * Faults this working set into the standby VMM of {@code pid}, which, waiting for a state,
     * writes neither its guest's RAM nor its translation buffer: the pages are written back as
     * they are, and nothing of the VMM's own can be lost. A VMM without one of the mappings gets
     * the other.
     */
    void prefetchInto(long pid, Path ram) throws IOException {
        ProcessMemory memory = new ProcessMemory(pid);
        Optional<Mapping> guest = guestRam(memory, ram);
        if (guest.isPresent()) {
            memory.touch(guest.get(), ramWritten, true);
            memory.touch(guest.get(), ramRead, false);
        }
        Optional<Mapping> buffer = translationBuffer(memory);
        if (buffer.isPresent()) {
            memory.touch(buffer.get(), translated, true);
        }
    }

    /** How much of the VMM's own memory a prefetch gives it, in pages: its copies and the translation buffer. */
    long ownPages() {
        return pages(ramWritten) + pages(translated);
    }

    private static long pages(List<PageRange> ranges) {
        return ranges.stream().mapToLong(PageRange::count).sum();
    }

    private static Optional<Mapping> guestRam(ProcessMemory memory, Path ram) throws IOException {
        String path = ram.toAbsolutePath().toString();
        return memory.mapping(mapping -> mapping.path().equals(path));
    }

    /**
     * QEMU's TCG writes the host code it translates into one anonymous mapping that is writable
     * and executable at once (without {@code split-wx}, the default on x86 hosts); there is none
     * under KVM.
     */
    private static Optional<Mapping> translationBuffer(ProcessMemory memory) throws IOException {
        return memory.mapping(mapping -> mapping.anonymous() && mapping.permissions().startsWith("rwx"));
    }
}
