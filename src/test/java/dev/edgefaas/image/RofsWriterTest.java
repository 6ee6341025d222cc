package dev.edgefaas.image;

import static org.assertj.core.api.Assertions.assertThat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rofs image read back the way OSv's {@code fs/rofs} reads it: superblock, inodes,
 * directory entries by index and count, file data by block, symbolic links by index.
 */
class RofsWriterTest {
    @TempDir
    Path directory;

    @Test
    void filesDirectoriesAndLinksReadBackAsOsvReadsThem() throws IOException {
        Path small = Files.writeString(directory.resolve("small"), "hello\n");
        Path large = Files.write(directory.resolve("large"), new byte[1300]);
        RofsWriter.Directory root = new RofsWriter.Directory();
        root.directory("app").children().put("function", new RofsWriter.HostFile(small));
        root.directory("app").children().put("data.bin", new RofsWriter.HostFile(large));
        root.directory("etc").children().put("mnttab", new RofsWriter.Symlink("/proc/mounts"));
        root.directory("tmp");
        Path image = directory.resolve("rofs.img");

        long size = RofsWriter.write(root, image, 512);

        ByteBuffer disk = ByteBuffer.wrap(Files.readAllBytes(image)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(disk.capacity()).isEqualTo(512 + size);
        Map<String, String> tree = new LinkedHashMap<>();
        Reader reader = new Reader(disk.slice(512, disk.capacity() - 512).order(ByteOrder.LITTLE_ENDIAN));
        reader.list(1, "", tree);
        assertThat(tree).containsExactly(
                Map.entry("/app/data.bin", "file 1300"),
                Map.entry("/app/function", "file hello\n"),
                Map.entry("/etc/mnttab", "-> /proc/mounts"),
                Map.entry("/tmp", "dir"));
    }

    @Test
    void theSameTreeGivesTheSameBytes() throws IOException {
        Path file = Files.writeString(directory.resolve("f"), "x");
        RofsWriter.Directory root = new RofsWriter.Directory();
        root.directory("a/b").children().put("f", new RofsWriter.HostFile(file));

        RofsWriter.write(root, directory.resolve("one"), 0);
        RofsWriter.write(root, directory.resolve("two"), 0);

        assertThat(Files.readAllBytes(directory.resolve("one"))).isEqualTo(Files.readAllBytes(directory.resolve("two")));
    }

    /** A reader of rofs after OSv's {@code rofs_vfsops.cc}. */
    private static final class Reader {
        private final ByteBuffer image;
        private final long inodesOffset;
        private final long entriesOffset;
        private final long entriesCount;
        private final long symlinksCount;

        Reader(ByteBuffer image) {
            this.image = image;
            assertThat(image.getLong(0)).isEqualTo(0xDEADBEADL);
            assertThat(image.getLong(16)).isEqualTo(512);
            entriesOffset = image.getLong(24) * 512;
            entriesCount = image.getLong(40);
            symlinksCount = image.getLong(48);
            long position = entriesOffset;
            for (long i = 0; i < entriesCount; i++) {
                position += 8 + 2 + Short.toUnsignedInt(image.getShort((int) position + 8));
            }
            long symlinksOffset = position;
            for (long i = 0; i < symlinksCount; i++) {
                position += 2 + Short.toUnsignedInt(image.getShort((int) position));
            }
            inodesOffset = position;
            this.symlinksOffset = symlinksOffset;
        }

        private final long symlinksOffset;

        void list(long inodeNumber, String path, Map<String, String> tree) {
            long mode = inode(inodeNumber, 0);
            long offset = inode(inodeNumber, 16);
            long count = inode(inodeNumber, 24);
            assertThat(inode(inodeNumber, 8)).isEqualTo(inodeNumber);
            if (mode == 0x4000) {
                if (count == 0 && !path.isEmpty()) {
                    tree.put(path, "dir");
                }
                for (long i = offset; i < offset + count; i++) {
                    String[] entry = entry(i);
                    list(Long.parseLong(entry[1]), path + "/" + entry[0], tree);
                }
            } else if (mode == 0x8000) {
                byte[] data = new byte[(int) count];
                image.get((int) (offset * 512), data);
                tree.put(path, "file " + (count < 100 ? new String(data, StandardCharsets.UTF_8) : Long.toString(count)));
            } else {
                tree.put(path, "-> " + symlink(offset));
            }
        }

        private long inode(long number, int field) {
            return image.getLong((int) (inodesOffset + (number - 1) * 32 + field));
        }

        private String[] entry(long index) {
            long position = entriesOffset;
            for (long i = 0; i < index; i++) {
                position += 8 + 2 + Short.toUnsignedInt(image.getShort((int) position + 8));
            }
            long inode = image.getLong((int) position);
            byte[] name = new byte[Short.toUnsignedInt(image.getShort((int) position + 8))];
            image.get((int) position + 10, name);
            return new String[] {new String(name, StandardCharsets.UTF_8), Long.toString(inode)};
        }

        private String symlink(long index) {
            long position = symlinksOffset;
            for (long i = 0; i < index; i++) {
                position += 2 + Short.toUnsignedInt(image.getShort((int) position));
            }
            byte[] target = new byte[Short.toUnsignedInt(image.getShort((int) position))];
            image.get((int) position + 2, target);
            return new String(target, StandardCharsets.UTF_8);
        }
    }
}
