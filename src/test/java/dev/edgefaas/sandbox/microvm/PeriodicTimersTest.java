package dev.edgefaas.sandbox.microvm;

import static dev.edgefaas.sandbox.microvm.MigrationStream.fieldsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A restore moves a saved guest's clocks on by the wait, but its periodic timers, QEMU's PIT and
 * local APIC timer, stand still: their times move with the clocks, so that QEMU has no missed
 * periods to make up for. One-shot timers are left to fire once, as due. Streams laid out as
 * QEMU 7.2 writes them.
 */
class PeriodicTimersTest {
    private static final String TIMER = "{\"name\": \"timer\", \"instance_id\": 0, \"vmsd_name\": \"timer\","
            + " \"version\": 2, \"fields\": [{\"name\": \"cpu_ticks_offset\", \"type\": \"int64\", \"size\": 8},"
            + " {\"name\": \"unused\", \"type\": \"unused_buffer\", \"size\": 8}, {\"name\": \"cpu_clock_offset\","
            + " \"type\": \"int64\", \"size\": 8}]}";
    private static final long WAITED = Duration.ofHours(1).toNanos();
    private static final long SAVED_AT = 2_600_000_000L;
    private static final int PIT_RATE_GENERATOR = 2;
    private static final int PIT_ONE_SHOT = 0;
    private static final int APIC_PERIODIC = 1 << 17;
    private static final int APIC_TSC_DEADLINE = 2 << 17;

    /** A PIT whose channel 0 is in {@code mode}, due at {@code next}; an APIC timer per vCPU of {@code lvtTimers}. */
    private static byte[] stream(int pitMode, long next, int... lvtTimers) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("QEVM".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(3);
        section(out, 7, "timer", 0, 2);
        out.writeLong(6_500_000_000L);
        out.writeLong(0);
        out.writeLong(SAVED_AT);
        section(out, 12, "i8254", 0, 3);
        out.writeInt(0);
        for (int channel = 0; channel < 3; channel++) {
            out.writeInt(65536);
            out.write(new byte[2 + 7]);
            out.writeByte(channel == 0 ? pitMode : 3);
            out.write(new byte[2]);
            out.writeLong(26_000_000L);
            out.writeLong(channel == 0 ? next : 0);
        }
        out.writeLong(next);
        StringBuilder description = new StringBuilder("{\"devices\": [" + TIMER + ", " + PeriodicTimers.PIT_LAYOUT);
        for (int cpu = 0; cpu < lvtTimers.length; cpu++) {
            section(out, 20 + cpu, "apic", cpu, 3);
            out.write(new byte[109]);
            out.writeInt(lvtTimers[cpu]);
            out.write(new byte[153 - 113]);
            out.writeInt(249_999);
            out.writeLong(1_000_000_000L);
            out.writeLong(next);
            out.writeLong(next);
            description.append(", {\"name\": \"apic\", \"instance_id\": ").append(cpu).append(", ")
                    .append(PeriodicTimers.APIC_FIELDS).append("}");
        }
        out.write(description.append("]}").toString().getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }

    private static void section(DataOutputStream out, int id, String name, int instance, int version) throws IOException {
        out.writeByte(0x04);
        out.writeInt(id);
        out.writeByte(name.length());
        out.write(name.getBytes(StandardCharsets.US_ASCII));
        out.writeInt(instance);
        out.writeInt(version);
    }

    private static long longAt(byte[] state, int at) {
        return ByteBuffer.wrap(state).getLong(at);
    }

    private static byte[] restoredAnHourLater(byte[] saved) throws IOException {
        return SnapshotClock.locate(saved).advanced(saved, Duration.ofNanos(WAITED));
    }

    @Test
    void aPeriodicPitAndPeriodicApicTimersStandStillWhileTheClockMovesOn() throws IOException {
        long next = SAVED_AT + 20_000_000L;
        byte[] saved = stream(PIT_RATE_GENERATOR, next, APIC_PERIODIC, APIC_PERIODIC);

        byte[] restored = restoredAnHourLater(saved);

        assertThat(longAt(restored, fieldsOf(restored, "timer", 0, 2) + 16)).as("virtual clock").isEqualTo(SAVED_AT + WAITED);
        int pit = fieldsOf(restored, "i8254", 0, 3);
        assertThat(longAt(restored, pit + 4 + 16)).as("channel 0 loaded").isEqualTo(26_000_000L + WAITED);
        assertThat(longAt(restored, pit + 4 + 24)).as("channel 0's next transition").isEqualTo(next + WAITED);
        assertThat(longAt(restored, pit + 100)).as("channel 0's timer").isEqualTo(next + WAITED);
        assertThat(longAt(restored, pit + 4 + 32 + 16)).as("channels 1 and 2 have no timer").isEqualTo(26_000_000L);
        for (int cpu = 0; cpu < 2; cpu++) {
            int apic = fieldsOf(restored, "apic", cpu, 3);
            assertThat(longAt(restored, apic + 157)).as("APIC %d timer loaded", cpu).isEqualTo(1_000_000_000L + WAITED);
            assertThat(longAt(restored, apic + 165)).as("APIC %d next", cpu).isEqualTo(next + WAITED);
            assertThat(longAt(restored, apic + 173)).as("APIC %d expiry", cpu).isEqualTo(next + WAITED);
        }
    }

    @Test
    void oneShotTimersFireOnceAsTheyFellDue() throws IOException {
        long next = SAVED_AT + 2_000_000_000L;
        byte[] saved = stream(PIT_ONE_SHOT, next, APIC_TSC_DEADLINE);

        byte[] restored = restoredAnHourLater(saved);

        assertThat(longAt(restored, fieldsOf(restored, "i8254", 0, 3) + 100)).isEqualTo(next);
        assertThat(longAt(restored, fieldsOf(restored, "apic", 0, 3) + 173)).isEqualTo(next);
    }

    @Test
    void aTimerThatIsNotArmedStaysSo() throws IOException {
        byte[] saved = stream(PIT_RATE_GENERATOR, PeriodicTimers.NEVER, APIC_PERIODIC);

        byte[] restored = restoredAnHourLater(saved);

        assertThat(longAt(restored, fieldsOf(restored, "i8254", 0, 3) + 100)).isEqualTo(PeriodicTimers.NEVER);
        assertThat(longAt(restored, fieldsOf(restored, "apic", 0, 3) + 173)).isEqualTo(PeriodicTimers.NEVER);
    }

    @Test
    void aPitOfAnotherLayoutIsRefused() throws IOException {
        byte[] saved = stream(PIT_RATE_GENERATOR, SAVED_AT, APIC_PERIODIC);
        String text = MigrationStream.text(saved).replace("\"name\": \"gate\"", "\"name\": \"gate2\"");
        byte[] changed = text.getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> SnapshotClock.locate(changed)).isInstanceOf(IOException.class)
                .hasMessageContaining("PIT (i8254 version 3) of a layout this does not know");
    }
}
