package dev.edgefaas.host;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * The one place threads are made. Blocking work runs on virtual threads (one per task, never
 * pooled); the only platform thread is the timer that drives periodic housekeeping.
 */
public final class ThreadFactories {
    private ThreadFactories() {
    }

    /** Starts {@code task} on a new virtual thread named {@code name}. */
    public static Thread startVirtual(String name, Runnable task) {
        return Thread.ofVirtual().name(name).start(task);
    }

    /** A factory of virtual threads named {@code prefix-N}, for threads started one per connection. */
    /**
     * A daemon platform thread, for a task that spends its life in a blocking read the JDK cannot
     * unmount from its carrier (a pipe from a child process): on virtual threads a few of those
     * occupy every carrier and starve all the rest (a node's drain hung so, behind 4 instances).
     */
    public static Thread startPlatformDaemon(String name, Runnable task) {
        return Thread.ofPlatform().name(name).daemon(true).start(task);
    }

    public static ThreadFactory virtualFactory(String prefix) {
        return Thread.ofVirtual().name(prefix + "-", 0).factory();
    }

    /** An executor that runs each task on its own virtual thread. */
    public static ExecutorService virtualPerTask(String prefix) {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(prefix + "-", 0).factory());
    }

    /** A single daemon timer thread for periodic housekeeping; tasks must be short or hand off. */
    public static ScheduledExecutorService housekeeping(String name) {
        return Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon(true).factory());
    }
}
