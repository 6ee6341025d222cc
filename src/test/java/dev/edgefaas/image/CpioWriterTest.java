package dev.edgefaas.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpioWriterTest {

    private record Entry(String name, int mode, byte[] content) {
    }

    @Test
    void entriesReadBackWithTheirModesAndContentAndTheTrailerEndsTheArchive() throws IOException {
        byte[] archive = write();

        List<Entry> entries = read(archive);

        assertThat(entries).extracting(Entry::name).containsExactly("etc", "etc/edgefaas", "init", "etc/edgefaas/env", "TRAILER!!!");
        assertThat(entries.get(0).mode()).isEqualTo(0040755);
        assertThat(entries.get(2).mode()).isEqualTo(0100755);
        assertThat(new String(entries.get(3).content(), StandardCharsets.UTF_8)).isEqualTo("HOST=0.0.0.0\n");
        assertThat(archive.length % 4).isZero();
    }

    @Test
    void theSameEntriesGiveTheSameBytes() throws IOException {
        assertThat(write()).isEqualTo(write());
    }

    @Test
    void absolutePathsAreRefused() {
        assertThatThrownBy(() -> new CpioWriter(new ByteArrayOutputStream()).file("/init", 0755, new byte[0]))
                .hasMessageContaining("relative");
    }

    private static byte[] write() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CpioWriter cpio = new CpioWriter(out)) {
            cpio.directory("etc", 0755);
            cpio.directory("etc/edgefaas", 0755);
            cpio.file("init", 0755, new byte[] {1, 2, 3, 4, 5});
            cpio.file("etc/edgefaas/env", 0644, "HOST=0.0.0.0\n".getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** A newc reader as the kernel's: 110-byte header of hex fields, name, padding to 4, data, padding to 4. */
    private static List<Entry> read(byte[] archive) {
        List<Entry> entries = new ArrayList<>();
        int offset = 0;
        while (true) {
            String header = new String(archive, offset, 110, StandardCharsets.US_ASCII);
            assertThat(header).startsWith("070701");
            int mode = Integer.parseInt(header.substring(14, 22), 16);
            int size = Integer.parseInt(header.substring(54, 62), 16);
            int nameSize = Integer.parseInt(header.substring(94, 102), 16);
            String name = new String(archive, offset + 110, nameSize - 1, StandardCharsets.UTF_8);
            offset = align(offset + 110 + nameSize);
            entries.add(new Entry(name, mode, Arrays.copyOfRange(archive, offset, offset + size)));
            offset = align(offset + size);
            if (name.equals("TRAILER!!!")) {
                return entries;
            }
        }
    }

    private static int align(int offset) {
        return (offset + 3) & ~3;
    }
}
