package dev.edgefaas.logs;

/** Where an instance's output lines go: its function's log, or nowhere. */
@FunctionalInterface
public interface LineSink {
    /** Keeps no line: an instance started outside a platform (a benchmark's reference run, a test). */
    LineSink NONE = line -> { };

    void append(LogLine line);
}
