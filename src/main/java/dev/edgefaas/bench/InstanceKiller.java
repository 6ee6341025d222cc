package dev.edgefaas.bench;

import dev.edgefaas.dispatcher.Dispatcher;
import dev.edgefaas.dispatcher.InstanceView;
import dev.edgefaas.host.ProcessIdentity;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Crashes instances of one function at random: at exponentially distributed intervals (a
 * Poisson process with the given mean) it picks a random ready instance and sends SIGKILL to its
 * host process and everything below it (the runtime CLI and the container's processes, say), as
 * the kernel's OOM killer or a host fault would, with no chance to clean up. Between kills it
 * watches the function's instances, to count how many were started.
 */
final class InstanceKiller implements Runnable {
    /** How often the instances are looked at; shorter than any cold start, so none goes unseen. */
    private static final Duration WATCH_PERIOD = Duration.ofMillis(20);

    private final Dispatcher dispatcher;
    private final String function;
    private final Duration meanInterval;
    private final Random random;
    /** Held while a kill is under way, so that {@link #pause} returns only once none is. */
    private final ReentrantLock killing = new ReentrantLock();
    private final Set<String> instancesSeen = new HashSet<>();
    private volatile boolean paused;
    private int kills;

    InstanceKiller(Dispatcher dispatcher, String function, Duration meanInterval) {
        this.dispatcher = dispatcher;
        this.function = function;
        this.meanInterval = meanInterval;
        this.random = new Random();
    }

    /** Runs until its thread is interrupted. */
    @Override
    public void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long nextKill = System.nanoTime() + nextInterval().toNanos();
                while (System.nanoTime() < nextKill) {
                    watch();
                    Thread.sleep(WATCH_PERIOD);
                }
                killOne();
            }
        } catch (InterruptedException e) {
            // Asked to stop.
        } finally {
            watch();
        }
    }

    private Duration nextInterval() {
        // Inverse transform of the exponential distribution; 1 - u is never 0.
        return Duration.ofNanos(Math.round(-meanInterval.toNanos() * Math.log(1 - random.nextDouble())));
    }

    private void killOne() {
        killing.lock();
        try {
            if (paused) {
                return;
            }
            List<InstanceView> ready = ofFunction().stream()
                    .filter(i -> i.state().equals("ready") && i.pid().isPresent()).toList();
            if (ready.isEmpty()) {
                return;
            }
            InstanceView victim = ready.get(random.nextInt(ready.size()));
            ProcessHandle.of(victim.pid().getAsLong()).ifPresent(ProcessIdentity::killTree);
            synchronized (this) {
                kills++;
            }
        } finally {
            killing.unlock();
        }
    }

    private void watch() {
        List<InstanceView> instances = ofFunction();
        synchronized (this) {
            instances.forEach(i -> instancesSeen.add(i.id()));
        }
    }

    private List<InstanceView> ofFunction() {
        return dispatcher.instances().stream().filter(i -> i.function().equals(function)).toList();
    }

    /** Stops killing and returns once no kill is under way; the watching goes on. */
    void pause() {
        paused = true;
        killing.lock();
        killing.unlock();
    }

    void resume() {
        paused = false;
    }

    synchronized int kills() {
        return kills;
    }

    /** Instances of the function seen so far: every cold start, the first ones included. */
    synchronized int instancesStarted() {
        return instancesSeen.size();
    }
}
