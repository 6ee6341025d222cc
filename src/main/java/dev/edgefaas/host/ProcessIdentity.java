package dev.edgefaas.host;

import java.util.Optional;

/**
 * A process named by pid and start time, so that a recycled pid is never mistaken for it
 * (a reaper must not kill an unrelated process that got an old instance's pid).
 */
public final class ProcessIdentity {
    private ProcessIdentity() {
    }

    /** The start time of {@code process} as text, if the OS tells it. */
    public static Optional<String> startedOf(ProcessHandle process) {
        return process.info().startInstant().map(Object::toString);
    }

    /** Whether {@code pid} runs and, when {@code started} is known, started at that time. */
    public static boolean alive(long pid, String started) {
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(process -> started.isEmpty() || startedOf(process).map(started::equals).orElse(true))
                .isPresent();
    }

    /** Kills {@code pid} and its descendants if it is still the process that started at {@code started}. */
    public static void killTree(long pid, String started) {
        ProcessHandle.of(pid)
                .filter(process -> started.isEmpty() || startedOf(process).map(started::equals).orElse(true))
                .ifPresent(ProcessIdentity::killTree);
    }

    /** Kills {@code process} and every descendant, children first seen before the parent dies. */
    public static void killTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
