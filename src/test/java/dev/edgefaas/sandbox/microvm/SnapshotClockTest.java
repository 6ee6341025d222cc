package dev.edgefaas.sandbox.microvm;

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
 * The clocks of a saved stream laid out as QEMU 7.2 writes it (section headers, big-endian
 * fields, the JSON description at the end): moved on by the wait, the TSC at the rate its own
 * two counters give; a stream of another layout is refused, not patched.
 */
class SnapshotClockTest {
    private static final String TIMER = "{\"name\": \"timer\", \"instance_id\": 0, \"vmsd_name\": \"timer\","
            + " \"version\": 2, \"fields\": [{\"name\": \"cpu_ticks_offset\", \"type\": \"int64\", \"size\": 8},"
            + " {\"name\": \"unused\", \"type\": \"unused_buffer\", \"size\": 8}, {\"name\": \"cpu_clock_offset\","
            + " \"type\": \"int64\", \"size\": 8}]}";
    private static final String HPET = "{\"name\": \"hpet\", \"instance_id\": 0, \"vmsd_name\": \"hpet\","
            + " \"version\": 2, \"fields\": [{\"name\": \"config\", \"type\": \"uint64\", \"size\": 8}, {\"name\":"
            + " \"isr\", \"type\": \"uint64\", \"size\": 8}, {\"name\": \"hpet_counter\", \"type\": \"uint64\","
            + " \"size\": 8}]}";

    /** QEVM, a timer section (2.5e9 ticks in 1 s: 2.5 GHz), an HPET section, the description. */
    private static byte[] stream(boolean withHpet, String description) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("QEVM".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(3);
        section(out, 7, "timer");
        out.writeLong(2_500_000_000L);
        out.writeLong(0);
        out.writeLong(1_000_000_000L);
        if (withHpet) {
            section(out, 15, "hpet");
            out.writeLong(1);
            out.writeLong(0);
            out.writeLong(100_000_000L);
        }
        out.write(description.getBytes(StandardCharsets.US_ASCII));
        return bytes.toByteArray();
    }

    private static void section(DataOutputStream out, int id, String name) throws IOException {
        out.writeByte(0x04);
        out.writeInt(id);
        out.writeByte(name.length());
        out.write(name.getBytes(StandardCharsets.US_ASCII));
        out.writeInt(0);
        out.writeInt(2);
    }

    private static long fieldAfter(byte[] state, String name, int offset) {
        String text = new String(state, StandardCharsets.ISO_8859_1);
        int fields = text.indexOf((char) name.length() + name) + 1 + name.length() + 8;
        return ByteBuffer.wrap(state).getLong(fields + offset);
    }

    @Test
    void theTscTheVirtualClockAndTheHpetMoveOnByTheWait() throws IOException {
        byte[] saved = stream(true, "{\"devices\": [" + TIMER + ", " + HPET + "]}");

        byte[] advanced = SnapshotClock.locate(saved).advanced(saved, Duration.ofSeconds(10));

        assertThat(fieldAfter(advanced, "timer", 0)).as("TSC: 10 s at 2.5 GHz more").isEqualTo(27_500_000_000L);
        assertThat(fieldAfter(advanced, "timer", 16)).as("virtual clock, ns").isEqualTo(11_000_000_000L);
        assertThat(fieldAfter(advanced, "hpet", 16)).as("HPET at 100 MHz").isEqualTo(1_100_000_000L);
        assertThat(advanced).hasSameSizeAs(saved);
        assertThat(fieldAfter(saved, "timer", 16)).as("the saved stream itself is left as it was").isEqualTo(1_000_000_000L);
    }

    @Test
    void aMachineWithoutAnHpetHasItsTimerMovedOn() throws IOException {
        byte[] saved = stream(false, "{\"devices\": [" + TIMER + "]}");

        byte[] advanced = SnapshotClock.locate(saved).advanced(saved, Duration.ofMillis(500));

        assertThat(fieldAfter(advanced, "timer", 16)).isEqualTo(1_500_000_000L);
    }

    @Test
    void aStreamOfAnotherLayoutIsRefused() throws IOException {
        byte[] saved = stream(true, "{\"devices\": [" + TIMER.replace("\"version\": 2", "\"version\": 3") + "]}");

        assertThatThrownBy(() -> SnapshotClock.locate(saved)).isInstanceOf(IOException.class)
                .hasMessageContaining("timer section of the known layout");
    }
}
