package dev.edgefaas.sandbox;

import java.util.List;
import java.util.OptionalInt;

/**
 * What was seen of an instance that failed.
 *
 * @param exitCode    the exit status, if it exited and the sandbox reports it (128+n for a signal n)
 * @param outOfMemory whether the kernel killed it at its memory limit
 * @param lastLines   the end of its output, oldest first
 * @param stopped     whether it has stopped, even where its status is not known (OSv tells none)
 */
public record Diagnosis(OptionalInt exitCode, boolean outOfMemory, List<String> lastLines, boolean stopped) {
    public Diagnosis {
        lastLines = List.copyOf(lastLines);
    }

    /** An instance that has stopped if and only if it has an exit code. */
    public Diagnosis(OptionalInt exitCode, boolean outOfMemory, List<String> lastLines) {
        this(exitCode, outOfMemory, lastLines, exitCode.isPresent());
    }

    /** One human sentence, then the output's last lines indented. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        if (outOfMemory) {
            text.append("killed out of memory at its memory limit");
        } else if (exitCode.isPresent()) {
            text.append("exited with code ").append(exitCode.getAsInt());
        } else if (stopped) {
            text.append("stopped (its sandbox does not report an exit status)");
        } else {
            text.append("still running");
        }
        if (lastLines.isEmpty()) {
            text.append("; it printed nothing");
        } else {
            text.append("; its last output:");
            lastLines.forEach(line -> text.append("\n    ").append(line));
        }
        return text.toString();
    }
}
