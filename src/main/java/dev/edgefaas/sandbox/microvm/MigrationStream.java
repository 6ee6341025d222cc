package dev.edgefaas.sandbox.microvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Finds device sections in a state QEMU saved, for the few fields a restore moves on
 * ({@link SnapshotClock}). The stream is QEMU's own format: each device's section has a header
 * of type, section id, name, instance id and version, then the device's fields, big-endian; at
 * its end QEMU describes every section's layout in JSON, which callers check their offsets
 * against before they patch anything.
 */
final class MigrationStream {
    private static final byte SECTION_FULL = 0x04;

    private MigrationStream() {
    }

    /** The stream as text, where its JSON description can be searched; one char per byte. */
    static String text(byte[] state) {
        return new String(state, StandardCharsets.ISO_8859_1);
    }

    /**
     * Where the fields of section {@code name}, {@code instance}, {@code version} start.
     *
     * @throws IOException if the stream holds no such section
     */
    static int fieldsOf(byte[] state, String name, int instance, int version) throws IOException {
        byte[] name8 = name.getBytes(StandardCharsets.US_ASCII);
        // type, section id (4), name length, name, instance id (4), version (4)
        int headerLength = 1 + 4 + 1 + name8.length + 4 + 4;
        for (int at = 0; at + headerLength <= state.length; at++) {
            if (state[at] == SECTION_FULL && state[at + 5] == name8.length
                    && Arrays.equals(state, at + 6, at + 6 + name8.length, name8, 0, name8.length)
                    && ByteBuffer.wrap(state, at + 6 + name8.length, 4).getInt() == instance
                    && ByteBuffer.wrap(state, at + 10 + name8.length, 4).getInt() == version) {
                return at + headerLength;
            }
        }
        throw new IOException("QEMU's saved state describes a " + name + " section (instance " + instance
                + ") but holds none");
    }
}
