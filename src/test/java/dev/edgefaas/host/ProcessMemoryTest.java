package dev.edgefaas.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.host.ProcessMemory.Mapping;
import dev.edgefaas.host.ProcessMemory.PageRange;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** This JVM's own private mapping of a file, seen and touched through its {@code /proc} files as any process's. */
class ProcessMemoryTest {
    private static final int PAGES = 32;

    @TempDir
    Path directory;

    @Test
    void pagesTouchedForWritingBecomeTheProcesssOwnCopiesOfTheFilesPagesAndTheFileStaysAsItWas() throws Exception {
        Path file = fileOfNumberedPages();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer privately = channel.map(FileChannel.MapMode.PRIVATE, 0, (long) PAGES * ProcessMemory.PAGE_BYTES);
            ProcessMemory memory = new ProcessMemory(ProcessHandle.current().pid());
            String path = file.toRealPath().toString();
            Mapping mapping = memory.mapping(m -> m.path().equals(path)).orElseThrow();
            assertThat(mapping.end() - mapping.start()).isEqualTo((long) PAGES * ProcessMemory.PAGE_BYTES);
            assertThat(memory.present(mapping).written()).as("before any write").isEmpty();

            memory.touch(mapping, List.of(new PageRange(3, 2), new PageRange(20, 1)), true);
            memory.touch(mapping, List.of(new PageRange(26, 2)), false);

            ProcessMemory.PresentPages present = memory.present(mapping);
            assertThat(present.written()).containsExactly(new PageRange(3, 2), new PageRange(20, 1));
            assertThat(present.read()).as("pages read, 26 and 27 among them")
                    .anyMatch(range -> range.first() <= 26 && range.first() + range.count() >= 28);
            for (int page : new int[] {3, 4, 20, 26}) {
                assertThat(privately.get(page * ProcessMemory.PAGE_BYTES + 7)).as("page %d", page).isEqualTo((byte) page);
            }
            // The copies are the process's: a write to one reaches neither the file nor the other pages.
            privately.put(3 * ProcessMemory.PAGE_BYTES, (byte) 99);
            assertThat(readByte(channel, 3 * ProcessMemory.PAGE_BYTES)).isEqualTo((byte) 3);
        }
    }

    @Test
    void aMappingThatIsNotThereIsNotFound() throws Exception {
        ProcessMemory memory = new ProcessMemory(ProcessHandle.current().pid());

        assertThat(memory.mapping(m -> m.path().equals(directory.resolve("nothing").toString()))).isEmpty();
    }

    private Path fileOfNumberedPages() throws Exception {
        ByteBuffer pages = ByteBuffer.allocate(PAGES * ProcessMemory.PAGE_BYTES);
        for (int page = 0; page < PAGES; page++) {
            for (int i = 0; i < ProcessMemory.PAGE_BYTES; i++) {
                pages.put((byte) page);
            }
        }
        Path file = directory.resolve("pages");
        Files.write(file, pages.array());
        return file;
    }

    private static byte readByte(FileChannel channel, long position) throws Exception {
        ByteBuffer one = ByteBuffer.allocate(1);
        channel.read(one, position);
        return one.get(0);
    }
}
