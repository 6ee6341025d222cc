package dev.edgefaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.edgefaas.logs.LineSink;
import dev.edgefaas.logs.LogLine;
import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputPumpTest {
    @TempDir
    Path directory;

    @Test
    void theFileGetsTheBytesAsTheyAreAndTheLogOneLineEachWithoutItsEnd() throws Exception {
        String output = "console line\r\nplain line\n\nno end";
        List<LogLine> lines = new CopyOnWriteArrayList<>();
        Path file = directory.resolve("output.log");

        OutputPump pump = OutputPump.start(new ByteArrayInputStream(output.getBytes(StandardCharsets.UTF_8)), file,
                "f-1", lines::add);
        pump.awaitEnd(Duration.ofSeconds(10));

        assertThat(Files.readString(file)).isEqualTo(output);
        assertThat(lines).extracting(LogLine::text).containsExactly("console line", "plain line", "", "no end");
        assertThat(lines).extracting(LogLine::instance).containsOnly("f-1");
    }

    @Test
    void linesAfterAHandOverAreTheNewInstancesInItsLog() throws Exception {
        PipedOutputStream process = new PipedOutputStream();
        PipedInputStream output = new PipedInputStream(process);
        List<LogLine> before = new CopyOnWriteArrayList<>();
        List<LogLine> after = new CopyOnWriteArrayList<>();
        OutputPump pump = OutputPump.start(output, directory.resolve("console.log"), "vmm-1", before::add);
        process.write("waiting\n".getBytes(StandardCharsets.UTF_8));
        process.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> before.size() == 1);

        Path moved = Files.move(directory.resolve("console.log"), directory.resolve("instance-console.log"));
        pump.handTo("f-1", after::add, moved);
        process.write("restored\n".getBytes(StandardCharsets.UTF_8));
        process.close();
        pump.awaitEnd(Duration.ofSeconds(10));

        assertThat(before).extracting(LogLine::instance, LogLine::text).containsExactly(tuple("vmm-1", "waiting"));
        assertThat(after).extracting(LogLine::instance, LogLine::text).containsExactly(tuple("f-1", "restored"));
        assertThat(Files.readString(moved)).isEqualTo("waiting\nrestored\n");
    }

    @Test
    void theOutputFileIsRotatedAtItsCapAndKeepsTheNewestBytes() throws Exception {
        StringBuilder output = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            output.append("line ").append(i).append('\n');
        }
        Path file = directory.resolve("output.log");
        PipedOutputStream process = new PipedOutputStream();
        OutputPump pump = OutputPump.start(new PipedInputStream(process), file, "f-1", LineSink.NONE, 100);
        for (String line : output.toString().split("(?<=\n)")) {
            process.write(line.getBytes(StandardCharsets.UTF_8));
            process.flush();
        }
        process.close();
        pump.awaitEnd(Duration.ofSeconds(10));

        try (var files = Files.list(directory)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("output.log", "output.log.1");
        }
        String kept = Files.readString(directory.resolve("output.log.1")) + Files.readString(file);
        assertThat(output.toString()).endsWith(kept);
        assertThat(kept).endsWith("line 49\n");
        // Rotated after the read that passed the cap: over it by less than one read.
        assertThat(Files.size(directory.resolve("output.log.1"))).isBetween(100L, 100L + 8192);
    }

    @Test
    void aLogThatRefusesLosesNoByteOfTheFile() throws Exception {
        Path file = directory.resolve("output.log");
        OutputPump pump = OutputPump.start(new ByteArrayInputStream("x\ny\n".getBytes(StandardCharsets.UTF_8)), file,
                "f-1", line -> {
                    throw new IllegalStateException("closed with its function");
                });
        pump.awaitEnd(Duration.ofSeconds(10));

        assertThat(Files.readString(file)).isEqualTo("x\ny\n");
    }
}
