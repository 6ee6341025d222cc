package dev.edgefaas.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionLogTest {
    private static final Instant T = Instant.parse("2026-12-01T18:00:00.120Z");

    @TempDir
    Path directory;

    @Test
    void linesAreStampedWithTheirTimeAndInstanceAndReadBackInOrder() throws Exception {
        try (FunctionLog log = new FunctionLog("f", directory, FunctionLog.DEFAULT_FILE_BYTES, 2)) {
            log.append(new LogLine(T, "f-1", "first"));
            log.append(new LogLine(T.plusMillis(5), "f-2", "second"));
            log.append(new LogLine(T.plusMillis(9), "f-1", "third"));

            assertThat(Files.readAllLines(log.currentFile())).containsExactly(
                    "2026-12-01T18:00:00.120Z f-1 first", "2026-12-01T18:00:00.125Z f-2 second",
                    "2026-12-01T18:00:00.129Z f-1 third");
            assertThat(log.tail(2, Optional.empty())).extracting(LogLine::text).containsExactly("second", "third");
            assertThat(log.tail(10, Optional.of("f-1"))).extracting(LogLine::text).containsExactly("first", "third");
        }
    }

    @Test
    void rotationKeepsTheNewestLinesWithinTheCap() throws Exception {
        long cap = 200;
        try (FunctionLog log = new FunctionLog("f", directory, cap, 2)) {
            for (int i = 0; i < 100; i++) {
                log.append(new LogLine(T.plusMillis(i), "f-1", "line " + i));
            }
            try (Stream<Path> files = Files.list(directory)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("log", "log.1", "log.2");
            }
            for (String file : List.of("log", "log.1", "log.2")) {
                assertThat(Files.size(directory.resolve(file))).isLessThanOrEqualTo(cap);
            }
            List<LogLine> kept = log.tail(1000, Optional.empty());
            assertThat(kept.getLast().text()).isEqualTo("line 99");
            // What is kept is one unbroken run up to the newest line.
            int first = Integer.parseInt(kept.getFirst().text().substring(5));
            assertThat(kept).extracting(LogLine::text).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(first, 100).mapToObj(i -> "line " + i).toList());
        }
    }

    @Test
    void aFollowerGetsWhatIsAppendedAfterItSubscribedOfItsInstance() throws Exception {
        try (FunctionLog log = new FunctionLog("f", directory, FunctionLog.DEFAULT_FILE_BYTES, 2)) {
            log.append(new LogLine(T, "f-1", "before"));
            try (FunctionLog.Follower follower = log.follow(Optional.of("f-1"))) {
                log.append(new LogLine(T, "f-2", "other instance"));
                log.append(new LogLine(T, "f-1", "after"));

                assertThat(follower.next(1_000)).map(LogLine::text).contains("after");
                assertThat(follower.next(10)).isEmpty();
            }
        }
    }

    @Test
    void controlCharactersCannotForgeLinesAndATornLineIsSkipped() throws Exception {
        try (FunctionLog log = new FunctionLog("f", directory, FunctionLog.DEFAULT_FILE_BYTES, 2)) {
            log.append(new LogLine(T, "f-1", "a\r\n2026-12-01T00:00:00.000Z f-9 forged\u001b[31m"));
            Files.writeString(log.currentFile(), "2026-12-01T18:0", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);

            assertThat(log.tail(10, Optional.empty())).singleElement().satisfies(line -> {
                assertThat(line.instance()).isEqualTo("f-1");
                assertThat(line.text()).doesNotContain("\n", "\r", "\u001b");
            });
        }
    }

    @Test
    void aVeryLongLineIsCut() throws Exception {
        LogLine line = new LogLine(T, "f-1", "x".repeat(100_000));
        assertThat(line.text()).hasSize(LogLine.MAX_TEXT_CHARS + " [cut]".length()).endsWith("[cut]");
    }
}
