package dev.edgefaas.sandbox.microvm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The periodic device timers of a saved guest, which stand still over the time its snapshot
 * waited while its clocks move on ({@link SnapshotClock}). QEMU makes up for a periodic timer's
 * missed periods one at a time, each computed from the one before: every period raises the
 * interrupt and kicks the vCPU out of its translated code, in QEMU's main loop, which holds the
 * lock the vCPU needs for every device access meanwhile. Left to run on, a clone's restore grows
 * with the snapshot's age: a snapshot an hour old made a Nanos or OSv clone's first answer take
 * 300-330 ms instead of 105-135, a Linux one's 1.4 s instead of 0.13 (the README has the figures).
 *
 * <p>Two such timers run in every guest here:
 * <ul>
 *   <li>the PIT's channel 0, which the firmware leaves as an 18.2 Hz rate generator or square
 *       wave (modes 2 and 3; 36 transitions a second) that no guest here uses;</li>
 *   <li>a local APIC's timer in periodic mode: Linux's 250 Hz tick. A one-shot or TSC-deadline
 *       timer fires once, as it should, and moves with the clocks.</li>
 * </ul>
 * A guest reading a counter of those timers reads it where it stood, as after any pause.
 */
final class PeriodicTimers {
    /** A timer's expiry when it is not armed. */
    static final long NEVER = -1;

    static final String PIT_LAYOUT = "{\"name\": \"i8254\", \"instance_id\": 0, \"vmsd_name\": \"i8254\","
            + " \"version\": 3, \"fields\": [{\"name\": \"channels[0].irq_disabled\", \"type\": \"uint32\", \"size\": 4},"
            + " {\"name\": \"channels\", \"array_len\": 3, \"type\": \"struct\", \"struct\": {\"vmsd_name\": \"pit channel\","
            + " \"version\": 2, \"fields\": [{\"name\": \"count\", \"type\": \"int32\", \"size\": 4}, {\"name\":"
            + " \"latched_count\", \"type\": \"uint16\", \"size\": 2}, {\"name\": \"count_latched\", \"type\": \"uint8\","
            + " \"size\": 1}, {\"name\": \"status_latched\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"status\","
            + " \"type\": \"uint8\", \"size\": 1}, {\"name\": \"read_state\", \"type\": \"uint8\", \"size\": 1}, {\"name\":"
            + " \"write_state\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"write_latch\", \"type\": \"uint8\","
            + " \"size\": 1}, {\"name\": \"rw_mode\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"mode\", \"type\":"
            + " \"uint8\", \"size\": 1}, {\"name\": \"bcd\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"gate\","
            + " \"type\": \"uint8\", \"size\": 1}, {\"name\": \"count_load_time\", \"type\": \"int64\", \"size\": 8},"
            + " {\"name\": \"next_transition_time\", \"type\": \"int64\", \"size\": 8}]}, \"size\": 32}, {\"name\":"
            + " \"channels[0].next_transition_time\", \"type\": \"int64\", \"size\": 8}]}";
    /** Channel 0 follows the 4-byte irq_disabled; the channel's own offsets. */
    private static final int PIT_CHANNEL_0 = 4;
    private static final int PIT_MODE = 13;
    private static final int PIT_LOAD_TIME = 16;
    private static final int PIT_NEXT_TRANSITION = 24;
    /** After the three channels of 32 bytes: channel 0's next transition again, which its timer is set to. */
    private static final int PIT_TIMER = PIT_CHANNEL_0 + 3 * 32;

    static final String APIC_FIELDS = "\"vmsd_name\": \"apic\", \"version\": 3, \"fields\": [{\"name\":"
            + " \"apicbase\", \"type\": \"uint32\", \"size\": 4}, {\"name\": \"id\", \"type\": \"uint8\", \"size\": 1},"
            + " {\"name\": \"arb_id\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"tpr\", \"type\": \"uint8\", \"size\":"
            + " 1}, {\"name\": \"spurious_vec\", \"type\": \"uint32\", \"size\": 4}, {\"name\": \"log_dest\", \"type\":"
            + " \"uint8\", \"size\": 1}, {\"name\": \"dest_mode\", \"type\": \"uint8\", \"size\": 1}, {\"name\": \"isr\","
            + " \"array_len\": 8, \"type\": \"uint32\", \"size\": 4}, {\"name\": \"tmr\", \"array_len\": 8, \"type\":"
            + " \"uint32\", \"size\": 4}, {\"name\": \"irr\", \"array_len\": 8, \"type\": \"uint32\", \"size\": 4},"
            + " {\"name\": \"lvt\", \"array_len\": 6, \"type\": \"uint32\", \"size\": 4}, {\"name\": \"esr\", \"type\":"
            + " \"uint32\", \"size\": 4}, {\"name\": \"icr\", \"array_len\": 2, \"type\": \"uint32\", \"size\": 4},"
            + " {\"name\": \"divide_conf\", \"type\": \"uint32\", \"size\": 4}, {\"name\": \"count_shift\", \"type\":"
            + " \"int32\", \"size\": 4}, {\"name\": \"initial_count\", \"type\": \"uint32\", \"size\": 4}, {\"name\":"
            + " \"initial_count_load_time\", \"type\": \"int64\", \"size\": 8}, {\"name\": \"next_time\", \"type\":"
            + " \"int64\", \"size\": 8}, {\"name\": \"timer_expiry\", \"type\": \"int64\", \"size\": 8}]";
    /** lvt[0], the timer's local vector table entry: bits 17-18 are its mode, 01 periodic. */
    private static final int APIC_LVT_TIMER = 109;
    private static final int APIC_TIMER_MODE_SHIFT = 17;
    private static final int APIC_TIMER_PERIODIC = 1;
    /** initial_count_load_time, next_time and timer_expiry, one after the other. */
    private static final int APIC_LOAD_TIME = 157;

    private PeriodicTimers() {
    }

    /**
     * Where the virtual-clock times (ns) of {@code state}'s running periodic timers are: those
     * that a restore moves on by the wait, unless {@link #NEVER}.
     *
     * @param description {@code state} as {@link MigrationStream#text} gives it
     * @throws IOException if the stream has a PIT or local APIC of a layout this does not know
     */
    static int[] timesIn(byte[] state, String description) throws IOException {
        List<Integer> times = new ArrayList<>();
        if (description.contains("\"vmsd_name\": \"i8254\"")) {
            requireLayout(description, PIT_LAYOUT, "PIT (i8254 version 3)");
            int channel = MigrationStream.fieldsOf(state, "i8254", 0, 3) + PIT_CHANNEL_0;
            int mode = state[channel + PIT_MODE];
            if (mode == 2 || mode == 3) {
                times.addAll(List.of(channel + PIT_LOAD_TIME, channel + PIT_NEXT_TRANSITION,
                        channel - PIT_CHANNEL_0 + PIT_TIMER));
            }
        }
        // One local APIC per vCPU, instance 0 up.
        for (int cpu = 0; description.contains(apicHeader(cpu)); cpu++) {
            requireLayout(description, apicHeader(cpu) + ", " + APIC_FIELDS, "local APIC (apic version 3)");
            int apic = MigrationStream.fieldsOf(state, "apic", cpu, 3);
            int timerMode = ByteBuffer.wrap(state).getInt(apic + APIC_LVT_TIMER) >>> APIC_TIMER_MODE_SHIFT & 0b11;
            if (timerMode == APIC_TIMER_PERIODIC) {
                times.addAll(List.of(apic + APIC_LOAD_TIME, apic + APIC_LOAD_TIME + 8, apic + APIC_LOAD_TIME + 16));
            }
        }
        return times.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String apicHeader(int cpu) {
        return "{\"name\": \"apic\", \"instance_id\": " + cpu;
    }

    private static void requireLayout(String description, String layout, String device) throws IOException {
        if (!description.contains(layout)) {
            throw new IOException("QEMU's saved state has a " + device + " of a layout this does not know; a restored"
                    + " guest's periodic timer would make up for the snapshot's wait one period at a time");
        }
    }
}
