package dev.edgefaas.sandbox.microvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Moves a saved guest's clocks forward by the time its snapshot waited, so that a clone tells
 * the host's time, not the snapshot's. A guest's clocks stand still from the save to the
 * restore: under TCG its TSC and QEMU's virtual clock (which the HPET, the PIT and the APIC
 * timers count) resume from the values the migration stream holds, QEMU's {@code timer}
 * section ({@code cpu_ticks_offset}, {@code cpu_clock_offset}), and the HPET's counter is saved
 * as it was ({@code hpet_counter}). Adding the wait to those three is what a guest that ran on
 * would have seen: its timers that fell due meanwhile fire at once. A guest that reads its wall
 * clock from any of those counters (Linux, Nanos and OSv all do) then has the right time.
 *
 * <p>The stream is QEMU's own format (big-endian fields after a section header of type, id,
 * name, instance and version); the layouts found are checked against the description QEMU
 * appends to the stream, and a stream that does not match is refused, not patched blindly.
 */
final class SnapshotClock {
    private static final byte SECTION_FULL = 0x04;
    /** QEMU's HPET counts at 100 MHz. */
    private static final long HPET_NANOS_PER_TICK = 10;
    private static final String TIMER_LAYOUT = "{\"name\": \"timer\", \"instance_id\": 0, \"vmsd_name\": \"timer\","
            + " \"version\": 2, \"fields\": [{\"name\": \"cpu_ticks_offset\", \"type\": \"int64\", \"size\": 8},"
            + " {\"name\": \"unused\", \"type\": \"unused_buffer\", \"size\": 8}, {\"name\": \"cpu_clock_offset\","
            + " \"type\": \"int64\", \"size\": 8}]}";
    private static final String HPET_LAYOUT = "{\"name\": \"hpet\", \"instance_id\": 0, \"vmsd_name\": \"hpet\","
            + " \"version\": 2, \"fields\": [{\"name\": \"config\", \"type\": \"uint64\", \"size\": 8}, {\"name\":"
            + " \"isr\", \"type\": \"uint64\", \"size\": 8}, {\"name\": \"hpet_counter\", \"type\": \"uint64\",";

    private final int ticksAt;
    private final int clockAt;
    /** -1 for a machine without an HPET (microvm). */
    private final int hpetCounterAt;

    private SnapshotClock(int ticksAt, int clockAt, int hpetCounterAt) {
        this.ticksAt = ticksAt;
        this.clockAt = clockAt;
        this.hpetCounterAt = hpetCounterAt;
    }

    /**
     * Where the clocks are in {@code state}, a stream QEMU saved.
     *
     * @throws IOException if the stream has no timer section of the layout this knows
     */
    static SnapshotClock locate(byte[] state) throws IOException {
        String description = new String(state, StandardCharsets.ISO_8859_1);
        if (!description.contains(TIMER_LAYOUT)) {
            throw new IOException("QEMU's saved state has no timer section of the known layout (version 2);"
                    + " a restored guest's clock cannot be set");
        }
        int timer = fieldsOf(state, "timer", 2);
        int hpet = description.contains(HPET_LAYOUT) ? fieldsOf(state, "hpet", 2) : -1;
        return new SnapshotClock(timer, timer + 16, hpet < 0 ? -1 : hpet + 16);
    }

    /** A copy of {@code state} whose guest resumes {@code waited} later than it was saved. */
    byte[] advanced(byte[] state, Duration waited) {
        byte[] copy = state.clone();
        ByteBuffer fields = ByteBuffer.wrap(copy);
        long ticks = fields.getLong(ticksAt);
        long nanos = fields.getLong(clockAt);
        long waitedNanos = waited.toNanos();
        // The guest's TSC runs at the host's rate, which its two counters, both zero at boot, give.
        double ticksPerNano = nanos > 0 ? (double) ticks / nanos : 0;
        fields.putLong(ticksAt, ticks + Math.round(waitedNanos * ticksPerNano));
        fields.putLong(clockAt, nanos + waitedNanos);
        if (hpetCounterAt >= 0) {
            fields.putLong(hpetCounterAt, fields.getLong(hpetCounterAt) + waitedNanos / HPET_NANOS_PER_TICK);
        }
        return copy;
    }

    /** Where the fields of section {@code name} (instance 0, {@code version}) start; -1 if there is none. */
    private static int fieldsOf(byte[] state, String name, int version) throws IOException {
        byte[] name8 = name.getBytes(StandardCharsets.US_ASCII);
        // type, section id (4), name length, name, instance id (4, zero), version (4)
        int headerLength = 1 + 4 + 1 + name8.length + 4 + 4;
        for (int at = 0; at + headerLength <= state.length; at++) {
            if (state[at] == SECTION_FULL && state[at + 5] == name8.length && matches(state, at + 6, name8)
                    && ByteBuffer.wrap(state, at + 6 + name8.length, 8).getLong() == version) {
                return at + headerLength;
            }
        }
        throw new IOException("QEMU's saved state describes a " + name + " section but holds none");
    }

    private static boolean matches(byte[] state, int at, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (state[at + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
