package dev.edgefaas.sandbox.microvm;

import dev.edgefaas.logs.LineSink;
import dev.edgefaas.logs.LogLine;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Passes a guest's console lines on to the function's log and stops the guest, once, at the first
 * that says the function ran out of the VM's memory (its limit) and cannot go on. Most guests end by
 * themselves then, but Nanos retries the page fault it cannot serve ("page fill failed with
 * (result:out of memory)", many times a second) for minutes, and every request the instance holds
 * waits as long: a restored clone, whose host memory is below its cgroup's limit, is not killed
 * by the host's kernel either.
 */
final class GuestOutOfMemoryWatch implements LineSink {
    /**
     * What a guest prints when the function outgrows the VM's memory and cannot go on: the
     * kernel's panic for want of a victim, Go's runtime refused a mapping, V8's heap could not
     * grow, Nanos killed the program or found no page for a fault.
     */
    private static final List<String> FUNCTION_CANNOT_GO_ON = List.of("Out of memory and no killable processes",
            "System is deadlocked on memory", "fatal error: runtime: out of memory", "JavaScript heap out of memory",
            "page fault: out of memory, program killed", "(result:out of memory)");
    /**
     * Linux's OOM killer: it may have killed another process than the function, which then goes
     * on; if it was the function, the guest's init reports that and the VM ends by itself. So it
     * names the cause of an exit, but stops nothing.
     */
    private static final String KILLED_A_PROCESS = "Out of memory: Killed process";

    private final LineSink log;
    private final Runnable stopGuest;
    private final AtomicBoolean stopped = new AtomicBoolean();

    GuestOutOfMemoryWatch(LineSink log, Runnable stopGuest) {
        this.log = log;
        this.stopGuest = stopGuest;
    }

    /** Whether {@code consoleText} says the guest's function ran out of memory. */
    static boolean saysOutOfMemory(String consoleText) {
        return consoleText.contains(KILLED_A_PROCESS) || saysFunctionCannotGoOn(consoleText);
    }

    private static boolean saysFunctionCannotGoOn(String consoleText) {
        return FUNCTION_CANNOT_GO_ON.stream().anyMatch(consoleText::contains);
    }

    @Override
    public void append(LogLine line) {
        try {
            log.append(line);
        } finally {
            if (saysFunctionCannotGoOn(line.text()) && stopped.compareAndSet(false, true)) {
                stopGuest.run();
            }
        }
    }
}
