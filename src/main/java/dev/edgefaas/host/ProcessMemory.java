package dev.edgefaas.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Another process's memory, as root sees it through {@code /proc}: its mappings ({@code maps}),
 * which of their pages are in memory and whether as a file's or as the process's own
 * ({@code pagemap}), and faulting pages in ahead of the process's own use ({@code mem}).
 * See https://docs.kernel.org/admin-guide/mm/pagemap.html.
 */
public final class ProcessMemory {
    public static final int PAGE_BYTES = 4096;
    private static final long PRESENT = 1L << 63;
    /** Set for a page of a file (the page cache), clear for an anonymous one: in a private file mapping, one the process wrote. */
    private static final long FILE_OR_SHARED = 1L << 61;
    /** How much {@link #touch} copies at a time. */
    private static final int CHUNK_BYTES = 1 << 20;

    /**
     * One line of {@code /proc/PID/maps}.
     *
     * @param path the mapped file, or empty for anonymous memory (or a name such as {@code [heap]})
     */
    public record Mapping(long start, long end, String permissions, String path) {
        public boolean anonymous() {
            return path.isEmpty();
        }

        public long pages() {
            return (end - start) / PAGE_BYTES;
        }
    }

    /** A run of pages, counted from the start of their mapping. */
    public record PageRange(long first, long count) {
    }

    /** The pages of a mapping in memory: its own ({@code written}, in a private file mapping) and the file's ({@code read}). */
    public record PresentPages(List<PageRange> written, List<PageRange> read) {
    }

    private final long pid;

    public ProcessMemory(long pid) {
        this.pid = pid;
    }

    /** The first mapping that matches, in address order. */
    public Optional<Mapping> mapping(Predicate<Mapping> matching) throws IOException {
        for (String line : Files.readAllLines(proc("maps"))) {
            // start-end perms offset dev inode [path]
            String[] fields = line.trim().split("\\s+", 6);
            String[] range = fields[0].split("-");
            Mapping mapping = new Mapping(Long.parseUnsignedLong(range[0], 16), Long.parseUnsignedLong(range[1], 16),
                    fields[1], fields.length == 6 ? fields[5] : "");
            if (matching.test(mapping)) {
                return Optional.of(mapping);
            }
        }
        return Optional.empty();
    }

    /** Which pages of {@code mapping} are in memory now, in runs. */
    public PresentPages present(Mapping mapping) throws IOException {
        List<PageRange> written = new ArrayList<>();
        List<PageRange> read = new ArrayList<>();
        try (FileChannel pagemap = FileChannel.open(proc("pagemap"), StandardOpenOption.READ)) {
            ByteBuffer entries = ByteBuffer.allocate(Long.BYTES * (int) Math.min(mapping.pages(), CHUNK_BYTES / Long.BYTES))
                    .order(ByteOrder.nativeOrder());
            long page = 0;
            Runs writtenRuns = new Runs(written);
            Runs readRuns = new Runs(read);
            while (page < mapping.pages()) {
                entries.clear().limit((int) Math.min(entries.capacity(), (mapping.pages() - page) * Long.BYTES));
                readFully(pagemap, entries, (mapping.start() / PAGE_BYTES + page) * Long.BYTES);
                entries.flip();
                while (entries.hasRemaining()) {
                    long entry = entries.getLong();
                    boolean present = (entry & PRESENT) != 0;
                    writtenRuns.add(page, present && (entry & FILE_OR_SHARED) == 0);
                    readRuns.add(page, present && (entry & FILE_OR_SHARED) != 0);
                    page++;
                }
            }
            writtenRuns.end(page);
            readRuns.end(page);
        }
        return new PresentPages(List.copyOf(written), List.copyOf(read));
    }

    /**
     * Faults {@code ranges} of {@code mapping} into the process, as its own use would: reading
     * maps them, writing (back what was read) gives the process its own copy of each, as its first
     * write to a private mapping would. Only for memory the process itself does not change
     * meanwhile: a write of the process's between the read and the write back would be lost.
     * Ranges beyond the mapping's end are cut short.
     */
    public void touch(Mapping mapping, List<PageRange> ranges, boolean write) throws IOException {
        try (FileChannel memory = FileChannel.open(proc("mem"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.allocateDirect(CHUNK_BYTES);
            for (PageRange range : ranges) {
                long from = mapping.start() + range.first() * PAGE_BYTES;
                long to = Math.min(mapping.end(), from + range.count() * PAGE_BYTES);
                for (long at = from; at < to; at += bytes.capacity()) {
                    bytes.clear().limit((int) Math.min(bytes.capacity(), to - at));
                    readFully(memory, bytes, at);
                    if (write) {
                        bytes.flip();
                        while (bytes.hasRemaining()) {
                            memory.write(bytes, at + bytes.position());
                        }
                    }
                }
            }
        }
    }

    private Path proc(String file) {
        return Path.of("/proc", Long.toString(pid), file);
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into, position + into.position()) <= 0) {
                throw new IOException("cannot read at " + Long.toHexString(position + into.position()));
            }
        }
    }

    /** Collects the pages for which a condition holds into runs. */
    private static final class Runs {
        private final List<PageRange> into;
        private long start = -1;

        Runs(List<PageRange> into) {
            this.into = into;
        }

        void add(long page, boolean holds) {
            if (holds && start < 0) {
                start = page;
            } else if (!holds && start >= 0) {
                end(page);
            }
        }

        void end(long page) {
            if (start >= 0) {
                into.add(new PageRange(start, page - start));
                start = -1;
            }
        }
    }
}
