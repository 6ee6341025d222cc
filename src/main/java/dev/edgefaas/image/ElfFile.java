package dev.edgefaas.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a unikernel needs to know of a program before it is put in an image: whether it is a
 * 64-bit ELF binary at all, whether it is position-independent and whether it is dynamically
 * linked (OSv loads a program with its own dynamic linker and gives it its libc; a static
 * binary makes raw system calls OSv does not have).
 *
 * @param positionIndependent {@code ET_DYN}: a PIE (or a shared object)
 * @param dynamicallyLinked   it names an interpreter ({@code PT_INTERP})
 */
public record ElfFile(boolean positionIndependent, boolean dynamicallyLinked) {
    private static final int HEADER_BYTES = 64;
    private static final int ELFCLASS64 = 2;
    private static final int ET_DYN = 3;
    private static final int PT_INTERP = 3;
    private static final int MAX_PROGRAM_HEADERS = 256;

    /** The program at {@code path}, or empty if it is not a 64-bit little-endian ELF file. */
    public static Optional<ElfFile> read(Path path) throws IOException {
        try (FileChannel file = FileChannel.open(path)) {
            ByteBuffer header = readAt(file, 0, HEADER_BYTES);
            if (header.remaining() < HEADER_BYTES || header.getInt(0) != 0x464c457f || header.get(4) != ELFCLASS64
                    || header.get(5) != 1) {
                return Optional.empty();
            }
            boolean positionIndependent = Short.toUnsignedInt(header.getShort(16)) == ET_DYN;
            long programHeaders = header.getLong(32);
            int entrySize = Short.toUnsignedInt(header.getShort(54));
            int entries = Math.min(Short.toUnsignedInt(header.getShort(56)), MAX_PROGRAM_HEADERS);
            ByteBuffer table = readAt(file, programHeaders, entrySize * entries);
            boolean interpreter = false;
            for (int i = 0; entrySize >= 4 && i + 4 <= table.remaining(); i += entrySize) {
                interpreter |= table.getInt(i) == PT_INTERP;
            }
            return Optional.of(new ElfFile(positionIndependent, interpreter));
        }
    }

    private static ByteBuffer readAt(FileChannel file, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining() && file.read(buffer, position + buffer.position()) > 0) {
            // read until full or at the end of the file
        }
        return buffer.flip();
    }
}
