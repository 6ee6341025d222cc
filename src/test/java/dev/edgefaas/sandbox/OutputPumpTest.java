package dev.edgefaas.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

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

        pump.handTo("f-1", after::add);
        process.write("restored\n".getBytes(StandardCharsets.UTF_8));
        process.close();
        pump.awaitEnd(Duration.ofSeconds(10));

        assertThat(before).extracting(LogLine::instance, LogLine::text).containsExactly(tuple("vmm-1", "waiting"));
        assertThat(after).extracting(LogLine::instance, LogLine::text).containsExactly(tuple("f-1", "restored"));
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
