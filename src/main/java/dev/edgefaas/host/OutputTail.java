package dev.edgefaas.host;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Reads the last lines of an instance's output file, for diagnoses. */
public final class OutputTail {
    private static final int MAX_BYTES = 16 * 1024;

    private OutputTail() {
    }

    /** The last {@code lines} lines of {@code file}, oldest first; empty if it does not exist. */
    public static List<String> lastLines(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try (RandomAccessFile input = new RandomAccessFile(file.toFile(), "r")) {
            long length = input.length();
            int size = (int) Math.min(length, MAX_BYTES);
            byte[] bytes = new byte[size];
            input.seek(length - size);
            input.readFully(bytes);
            List<String> all = Arrays.stream(new String(bytes, StandardCharsets.UTF_8).split("\\R"))
                    .filter(line -> !line.isBlank())
                    .toList();
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }
}
