package dev.edgefaas.bench;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts every soak client adds to: each attempt by its outcome, and each request (its
 * attempts taken together) as retried or lost. Latency is kept by each client, not here.
 */
final class SoakTally {
    private final Map<String, LongAdder> attemptsByOutcome = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failedAttempts = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder lost = new LongAdder();
    /** The first message of each kind of failure that has one: what the report shows of why they happened. */
    private final Map<String, String> firstMessages = new ConcurrentHashMap<>();

    void attempt(SoakClient.Outcome outcome) {
        attemptsByOutcome.computeIfAbsent(outcome.label(), label -> new LongAdder()).increment();
        if (!outcome.ok()) {
            failedAttempts.increment();
        }
    }

    /** Keeps {@code e}'s message if it is the first failure labelled {@code outcome}. */
    void failure(SoakClient.Outcome outcome, Exception e) {
        firstMessages.putIfAbsent(outcome.label(), e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    /** The first message of each failure that had one, by outcome label. */
    SortedMap<String, String> firstMessages() {
        return new TreeMap<>(firstMessages);
    }

    /** One request done: {@code retries} attempts after the first, ending in {@code outcome}. */
    void request(SoakClient.Outcome outcome, int retries) {
        requests.increment();
        if (retries > 0) {
            retried.increment();
        }
        if (!outcome.ok()) {
            lost.increment();
        }
    }

    long requests() {
        return requests.sum();
    }

    /** Attempts that did not answer 200, retried or not. */
    long failedAttempts() {
        return failedAttempts.sum();
    }

    long retried() {
        return retried.sum();
    }

    long lost() {
        return lost.sum();
    }

    /** Attempts by outcome, 200 first and then by status, connection errors last. */
    SortedMap<String, Long> attemptsByOutcome() {
        SortedMap<String, Long> sorted = new TreeMap<>();
        attemptsByOutcome.forEach((label, count) -> sorted.put(label, count.sum()));
        return sorted;
    }
}
