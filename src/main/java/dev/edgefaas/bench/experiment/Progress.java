package dev.edgefaas.bench.experiment;

import java.io.PrintStream;
import java.time.Duration;

/** Says on stderr what runs, how far it is, and about how long the rest will take. */
public final class Progress {
    private final PrintStream out;
    private final int totalSteps;
    private final long startNanos = System.nanoTime();
    private int done;

    public Progress(PrintStream out, int totalSteps) {
        this.out = out;
        this.totalSteps = Math.max(1, totalSteps);
    }

    /** One step of {@code what} is done. */
    public synchronized void step(String what) {
        done++;
        long elapsed = System.nanoTime() - startNanos;
        long left = done >= totalSteps ? 0 : elapsed / done * (totalSteps - done);
        out.printf("\r[%3d%%] %-60.60s about %s left   ", done * 100 / totalSteps, what, format(Duration.ofNanos(left)));
        if (done >= totalSteps) {
            out.println();
        }
        out.flush();
    }

    public synchronized void note(String message) {
        out.println();
        out.println(message);
    }

    private static String format(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds >= 60 ? seconds / 60 + " min " + seconds % 60 + " s" : seconds + " s";
    }
}
