package dev.edgefaas.image;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes OSv's read-only file system ({@code rofs}), as OSv's {@code scripts/gen-rofs-img.py}
 * lays it out: a superblock in block 0, file contents from block 1 on, each padded to a block,
 * then the structure (directory entries, symbolic links, inodes) after the last file. Blocks
 * are 512 bytes; all numbers little-endian. Entries are written in name order, so the same
 * tree gives the same bytes.
 */
public final class RofsWriter {
    static final int BLOCK = 512;
    private static final long MAGIC = 0xDEADBEADL;
    private static final long DIRECTORY = 0x4000;
    private static final long REGULAR = 0x8000;
    private static final long SYMLINK = 0xA000;

    /** A tree to write: a directory maps names to nodes. */
    sealed interface Node permits Directory, HostFile, Symlink {
    }

    record Directory(Map<String, Node> children) implements Node {
        Directory() {
            this(new TreeMap<>());
        }

        /** The directory at {@code path} below this one ({@code a/b}), made if missing. */
        Directory directory(String path) {
            Directory current = this;
            for (String name : path.split("/")) {
                if (!name.isEmpty()) {
                    current = (Directory) current.children().computeIfAbsent(name, n -> new Directory());
                }
            }
            return current;
        }
    }

    record HostFile(Path source) implements Node {
    }

    record Symlink(String target) implements Node {
    }

    private record Inode(long mode, long number, long dataOffset, long count) {
    }

    private record Entry(String name, long inode) {
    }

    private final List<Inode> inodes = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private final List<String> symlinks = new ArrayList<>();
    private long block;
    private byte[] superblock;

    private RofsWriter() {
    }

    /**
     * Writes {@code root} as a rofs image into {@code file} from byte {@code offset} on (where a
     * disk's partition starts); returns the image's size in bytes.
     */
    static long write(Directory root, Path file, long offset) throws IOException {
        RofsWriter writer = new RofsWriter();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel.position(offset + BLOCK)), 1 << 16);
            long size = writer.image(root, out);
            out.flush();
            // The superblock counts what came after it, so it is written last, in the block left for it.
            channel.write(ByteBuffer.wrap(writer.superblock), offset);
            return size;
        }
    }

    private long image(Directory root, OutputStream out) throws IOException {
        block = 1;
        int rootIndex = reserveInode();
        long[] listing = directory(root, out);
        inodes.set(rootIndex, new Inode(DIRECTORY, rootIndex + 1L, listing[1], listing[0]));
        long structureFirstBlock = block;
        ByteBuffer structure = structure();
        out.write(structure.array(), 0, structure.position());
        int tail = structure.position() % BLOCK;
        long structureBlocks = structure.position() / BLOCK + (tail > 0 ? 1 : 0);
        out.write(new byte[tail > 0 ? BLOCK - tail : 0]);
        superblock = superblock(structureFirstBlock, structureBlocks);
        return (structureFirstBlock + structureBlocks) * BLOCK;
    }

    /** Writes the files of {@code directory} (depth first), then lists its entries; returns {count, first entry index}. */
    private long[] directory(Directory directory, OutputStream out) throws IOException {
        List<Entry> own = new ArrayList<>();
        for (Map.Entry<String, Node> child : directory.children().entrySet()) {
            int index = reserveInode();
            long number = index + 1L;
            own.add(new Entry(child.getKey(), number));
            switch (child.getValue()) {
                case Directory sub -> {
                    long[] listing = directory(sub, out);
                    inodes.set(index, new Inode(DIRECTORY, number, listing[1], listing[0]));
                }
                case Symlink link -> {
                    inodes.set(index, new Inode(SYMLINK, number, symlinks.size(), 1));
                    symlinks.add(link.target());
                }
                case HostFile file -> {
                    long first = block;
                    long size = copy(file.source(), out);
                    inodes.set(index, new Inode(REGULAR, number, first, size));
                }
            }
        }
        long firstEntry = entries.size();
        entries.addAll(own);
        return new long[] {own.size(), firstEntry};
    }

    private int reserveInode() {
        inodes.add(null);
        return inodes.size() - 1;
    }

    private long copy(Path source, OutputStream out) throws IOException {
        long total = 0;
        byte[] buffer = new byte[BLOCK * 128];
        try (InputStream in = Files.newInputStream(source)) {
            for (int n = in.readNBytes(buffer, 0, buffer.length); n > 0; n = in.readNBytes(buffer, 0, buffer.length)) {
                out.write(buffer, 0, n);
                total += n;
            }
        }
        int tail = (int) (total % BLOCK);
        if (tail > 0) {
            out.write(new byte[BLOCK - tail]);
        }
        block += (total + BLOCK - 1) / BLOCK;
        return total;
    }

    private ByteBuffer structure() {
        int size = 0;
        for (Entry entry : entries) {
            size += 8 + 2 + entry.name().getBytes(StandardCharsets.UTF_8).length;
        }
        for (String link : symlinks) {
            size += 2 + link.getBytes(StandardCharsets.UTF_8).length;
        }
        size += inodes.size() * 32;
        ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry entry : entries) {
            byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
            buffer.putLong(entry.inode()).putShort((short) name.length).put(name);
        }
        for (String link : symlinks) {
            byte[] target = link.getBytes(StandardCharsets.UTF_8);
            buffer.putShort((short) target.length).put(target);
        }
        for (Inode inode : inodes) {
            buffer.putLong(inode.mode()).putLong(inode.number()).putLong(inode.dataOffset()).putLong(inode.count());
        }
        return buffer;
    }

    private byte[] superblock(long structureFirstBlock, long structureBlocks) {
        ByteBuffer buffer = ByteBuffer.allocate(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(MAGIC).putLong(1).putLong(BLOCK).putLong(structureFirstBlock).putLong(structureBlocks)
                .putLong(entries.size()).putLong(symlinks.size()).putLong(inodes.size());
        return buffer.array();
    }
}
