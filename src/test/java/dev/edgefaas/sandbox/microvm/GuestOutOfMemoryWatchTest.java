package dev.edgefaas.sandbox.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgefaas.logs.LineSink;
import dev.edgefaas.logs.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A guest's console on its way to the log: every line passes, and the first out-of-memory line stops the guest. */
class GuestOutOfMemoryWatchTest {
    private final List<String> logged = new ArrayList<>();
    private final AtomicInteger stops = new AtomicInteger();
    private final GuestOutOfMemoryWatch watch = new GuestOutOfMemoryWatch(line -> logged.add(line.text()),
            stops::incrementAndGet);

    @Test
    void theFirstLineSayingTheGuestRanOutOfMemoryStopsItOnce() {
        watch.append(line("[3.833526] en1: assigned 192.168.127.2"));
        assertThat(stops).as("an ordinary line").hasValue(0);

        watch.append(line("[65.287453] page fill failed with (result:out of memory)"));
        watch.append(line("[65.318814] page fill failed with (result:out of memory)"));

        assertThat(stops).hasValue(1);
        assertThat(logged).hasSize(3);
    }

    @Test
    void linuxsOomKillerNamesTheCauseOfAnExitButStopsNothing() {
        // It may have killed a child of the function, which goes on.
        String line = "[12.345678] Out of memory: Killed process 212 (worker) total-vm:1048576kB";

        watch.append(line(line));

        assertThat(stops).hasValue(0);
        assertThat(GuestOutOfMemoryWatch.saysOutOfMemory(line)).isTrue();
    }

    @Test
    void aLogThatRefusesTheLineDoesNotKeepTheGuestRunning() {
        LineSink closed = line -> {
            throw new IllegalStateException("the function's log is closed");
        };
        GuestOutOfMemoryWatch watching = new GuestOutOfMemoryWatch(closed, stops::incrementAndGet);

        try {
            watching.append(line("fatal error: runtime: out of memory"));
        } catch (IllegalStateException expected) {
            // the pump swallows it; the guest must be stopped all the same
        }

        assertThat(stops).hasValue(1);
    }

    private static LogLine line(String text) {
        return new LogLine(Instant.now(), "hog-1", text);
    }
}
