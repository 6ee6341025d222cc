package dev.edgefaas.sandbox;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A function started by its sandbox's own tool alone, with no gateway, dispatcher or callback in
 * between: the baseline that {@code bench cold-start-overhead} measures the platform against.
 */
public interface ReferenceRun {

    /**
     * Starts one instance named {@code id} with its files in {@code scratch}, waits for its first
     * HTTP answer, and removes it.
     *
     * @return nanoseconds from spawn to the first answer
     * @throws IOException if the instance exited before it answered, saying what it printed
     */
    long timeToFirstAnswer(String id, Path scratch) throws IOException, InterruptedException;
}
