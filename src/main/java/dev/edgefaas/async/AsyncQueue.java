package dev.edgefaas.async;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The kept invocations in memory, and which runs next: the one due first whose function has
 * fewer than {@code perFunction} running, so one slow function cannot hold every runner. Bounded
 * in invocations not yet finished and in the bytes of their bodies. All state under one lock.
 */
final class AsyncQueue {
    /** One kept invocation; its status changes, its request does not. */
    static final class Entry {
        final AsyncRequest request;
        volatile AsyncStatus status;
        private long dueNanos;
        private final long order;

        private Entry(AsyncRequest request, AsyncStatus status, long order) {
            this.request = request;
            this.status = status;
            this.order = order;
        }
    }

    private final int maxInvocations;
    private final long maxBytes;
    private final int perFunction;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Entry> entries = new HashMap<>();
    private final TreeSet<Entry> due = new TreeSet<>(Comparator.<Entry>comparingLong(e -> e.dueNanos)
            .thenComparingLong(e -> e.order));
    private final Map<String, Integer> running = new HashMap<>();
    /** Finished invocations, oldest first: what is forgotten first. */
    private final ArrayDeque<Entry> finishedOrder = new ArrayDeque<>();
    private long unfinished;
    private long unfinishedBytes;
    private long nextOrder;
    private boolean closed;

    AsyncQueue(int maxInvocations, long maxBytes, int perFunction) {
        this.maxInvocations = maxInvocations;
        this.maxBytes = maxBytes;
        this.perFunction = perFunction;
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Why an invocation of {@code bytes} would not fit now, or null if it would. */
    String noRoomFor(long bytes) {
        lock.lock();
        try {
            if (unfinished >= maxInvocations) {
                return "the node's queue of asynchronous invocations is full (" + maxInvocations + " not yet finished)";
            }
            if (unfinishedBytes + bytes > maxBytes) {
                return "the node's queue of asynchronous invocations is full (their bodies take "
                        + unfinishedBytes / 1024 + " of " + maxBytes / 1024 + " KiB)";
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Adds a kept invocation, due now if it is queued; bounds are the caller's to check. */
    Entry add(AsyncRequest request, AsyncStatus status) {
        lock.lock();
        try {
            Entry entry = new Entry(request, status, nextOrder++);
            entries.put(request.id(), entry);
            if (status.state().finished()) {
                finishedOrder.addLast(entry);
            } else {
                unfinished++;
                unfinishedBytes += request.bodyBytes();
                entry.dueNanos = System.nanoTime();
                due.add(entry);
                changed.signalAll();
            }
            return entry;
        } finally {
            lock.unlock();
        }
    }

    Optional<Entry> get(String id) {
        lock.lock();
        try {
            return Optional.ofNullable(entries.get(id));
        } finally {
            lock.unlock();
        }
    }

    /** The next invocation to run, marked running for its function; null once closed. */
    Entry take() throws InterruptedException {
        lock.lock();
        try {
            while (!closed) {
                long now = System.nanoTime();
                long waitNanos = Long.MAX_VALUE;
                for (Entry entry : due) {
                    if (entry.dueNanos - now > 0) {
                        waitNanos = entry.dueNanos - now;
                        break;
                    }
                    String function = entry.request.function();
                    if (running.getOrDefault(function, 0) < perFunction) {
                        due.remove(entry);
                        running.merge(function, 1, Integer::sum);
                        return entry;
                    }
                }
                if (waitNanos == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.awaitNanos(waitNanos);
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** A taken invocation goes back, due after {@code delay}. */
    void requeue(Entry entry, Duration delay) {
        lock.lock();
        try {
            stoppedRunning(entry);
            entry.dueNanos = System.nanoTime() + delay.toNanos();
            due.add(entry);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A taken invocation finished (done or failed): its room is free. */
    void finished(Entry entry) {
        lock.lock();
        try {
            stoppedRunning(entry);
            unfinished--;
            unfinishedBytes -= entry.request.bodyBytes();
            finishedOrder.addLast(entry);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A taken invocation was cut off by the node's shutdown: it stays queued on disk, for the next start. */
    void abandoned(Entry entry) {
        lock.lock();
        try {
            stoppedRunning(entry);
        } finally {
            lock.unlock();
        }
    }

    private void stoppedRunning(Entry entry) {
        running.computeIfPresent(entry.request.function(), (function, count) -> count == 1 ? null : count - 1);
    }

    /**
     * Removes and returns the finished invocations to forget: those finished before
     * {@code before}, and the oldest beyond as many as the queue holds unfinished, so a busy node's
     * results do not pile up within the hour. One whose callback is still due stays.
     */
    List<Entry> forgetFinished(Instant before) {
        lock.lock();
        try {
            List<Entry> forgotten = new ArrayList<>();
            List<Entry> stillDue = new ArrayList<>();
            while (!finishedOrder.isEmpty()) {
                Entry oldest = finishedOrder.peekFirst();
                boolean expired = oldest.status.finishedAt().map(at -> at.isBefore(before)).orElse(true);
                if (!expired && finishedOrder.size() + stillDue.size() <= maxInvocations) {
                    break;
                }
                finishedOrder.removeFirst();
                if (oldest.status.callbackDue()) {
                    stillDue.add(oldest);
                } else {
                    entries.remove(oldest.request.id());
                    forgotten.add(oldest);
                }
            }
            stillDue.reversed().forEach(finishedOrder::addFirst);
            return forgotten;
        } finally {
            lock.unlock();
        }
    }

    List<Entry> all() {
        lock.lock();
        try {
            return List.copyOf(entries.values());
        } finally {
            lock.unlock();
        }
    }

    long unfinished() {
        lock.lock();
        try {
            return unfinished;
        } finally {
            lock.unlock();
        }
    }

    long unfinishedBytes() {
        lock.lock();
        try {
            return unfinishedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every runner waiting in {@link #take}, which then returns null. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
