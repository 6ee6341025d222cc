package dev.edgefaas.bench;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Lets a fixed number of client threads be held between requests, their connections kept open,
 * so that the platform can be measured at rest in the same state twice; and tells them to stop.
 */
final class LoadGate {
    private final int clients;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean held;
    private boolean stopped;
    private int waiting;
    private int finished;

    LoadGate(int clients) {
        this.clients = clients;
    }

    /**
     * Called by a client before each request: waits while the gate is held.
     *
     * @return false once the load is to stop
     */
    boolean pass() throws InterruptedException {
        lock.lock();
        try {
            while (held && !stopped) {
                waiting++;
                changed.signalAll();
                try {
                    changed.await();
                } finally {
                    waiting--;
                }
            }
            return !stopped;
        } finally {
            lock.unlock();
        }
    }

    /** Called by a client as its loop ends, for whatever reason, so that {@link #hold} does not wait for it. */
    void finished() {
        lock.lock();
        try {
            finished++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Holds every client at its next request and returns once none has a request under way. */
    void hold() throws InterruptedException {
        lock.lock();
        try {
            held = true;
            while (waiting + finished < clients) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            held = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Lets every client finish its request under way and end its loop. Idempotent. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
