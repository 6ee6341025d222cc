package dev.edgefaas.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a cpio archive in the {@code newc} format, the one the Linux kernel unpacks as an
 * initramfs. Reproducible by construction: owner root, time 0 and inode numbers by order of
 * writing, so the same entries in the same order give the same bytes.
 */
public final class CpioWriter implements AutoCloseable {
    private static final String MAGIC = "070701";
    private static final int HEADER_LENGTH = 110;
    private static final int DIRECTORY = 0040000;
    private static final int REGULAR = 0100000;

    private final OutputStream out;
    private int nextInode = 1;
    private boolean finished;

    CpioWriter(OutputStream out) {
        this.out = out;
    }

    /** A directory; {@code path} is relative, without a leading slash, e.g. {@code etc/edgefaas}. */
    void directory(String path, int permissions) throws IOException {
        header(path, DIRECTORY | permissions, 0, 2);
    }

    void file(String path, int permissions, byte[] content) throws IOException {
        header(path, REGULAR | permissions, content.length, 1);
        out.write(content);
        pad(content.length);
    }

    private void header(String path, int mode, long size, int links) throws IOException {
        if (path.startsWith("/") || path.isEmpty()) {
            throw new IllegalArgumentException("cpio paths are relative and not empty: '" + path + "'");
        }
        if (size > 0xFFFFFFFFL) {
            throw new IllegalArgumentException(path + " is larger than newc's 4 GiB limit");
        }
        byte[] name = (path + "\0").getBytes(StandardCharsets.UTF_8);
        long[] fields = {nextInode++, mode, 0, 0, links, 0, size, 0, 0, 0, 0, name.length, 0};
        StringBuilder header = new StringBuilder(HEADER_LENGTH).append(MAGIC);
        for (long field : fields) {
            header.append(String.format("%08X", field));
        }
        out.write(header.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(name);
        pad(HEADER_LENGTH + name.length);
    }

    private void pad(long written) throws IOException {
        int padding = (int) ((4 - written % 4) % 4);
        out.write(new byte[padding]);
    }

    /** Writes the trailer; the archive is complete after it. */
    void finish() throws IOException {
        if (!finished) {
            finished = true;
            header("TRAILER!!!", 0, 0, 1);
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }
}
