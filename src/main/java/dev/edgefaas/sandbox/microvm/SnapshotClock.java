package dev.edgefaas.sandbox.microvm;

import java.io.IOException;
import java.nio.ByteBuffer;
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
 * Periodic device timers are the exception: they stand still over the wait instead
 * ({@link PeriodicTimers}), as QEMU would otherwise make up for it one period at a time.
 *
 * <p>The layouts found in the stream ({@link MigrationStream}) are checked against the
 * description QEMU appends to it, and a stream that does not match is refused, not patched blindly.
 */
final class SnapshotClock {
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
    /** Virtual-clock times, in ns, of the periodic timers that stand still over the wait. */
    private final int[] standingStill;

    private SnapshotClock(int ticksAt, int clockAt, int hpetCounterAt, int[] standingStill) {
        this.ticksAt = ticksAt;
        this.clockAt = clockAt;
        this.hpetCounterAt = hpetCounterAt;
        this.standingStill = standingStill;
    }

    /**
     * Where the clocks are in {@code state}, a stream QEMU saved.
     *
     * @throws IOException if the stream has no timer section of the layout this knows, or devices
     *                     with timers of a layout it does not know
     */
    static SnapshotClock locate(byte[] state) throws IOException {
        String description = MigrationStream.text(state);
        if (!description.contains(TIMER_LAYOUT)) {
            throw new IOException("QEMU's saved state has no timer section of the known layout (version 2);"
                    + " a restored guest's clock cannot be set");
        }
        int timer = MigrationStream.fieldsOf(state, "timer", 0, 2);
        int hpet = description.contains(HPET_LAYOUT) ? MigrationStream.fieldsOf(state, "hpet", 0, 2) : -1;
        return new SnapshotClock(timer, timer + 16, hpet < 0 ? -1 : hpet + 16,
                PeriodicTimers.timesIn(state, description));
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
        for (int at : standingStill) {
            long time = fields.getLong(at);
            if (time != PeriodicTimers.NEVER) {
                fields.putLong(at, time + waitedNanos);
            }
        }
        return copy;
    }
}
