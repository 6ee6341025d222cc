package dev.edgefaas.gateway;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * When an event loop runs out of work, it polls for more for a while (epoll_wait without a
 * timeout, giving its core to any other runnable thread between polls) before it sleeps in
 * epoll_wait; but only while traffic is dense, that is while at least as many of its recent
 * idle gaps were within the budget as were longer. A proxied request wakes the loop twice, for
 * the client's request and for the instance's answer, and on these machines (virtual, with the
 * cpuidle driver "none") waking a thread whose core has halted costs tens of microseconds each
 * time: at one client, {@code bench warm-overhead} measured the gateway 25-29 µs under nginx at
 * p50 with polling and 10 µs over without (the README has the figures). An idle or sparsely used
 * loop sleeps at once, so polling costs CPU only while it buys latency.
 *
 * <p>One per event loop, called only from its thread.
 */
final class BusyPoll implements SelectStrategy {
    /** How far the hits-minus-misses score goes either way: it follows a change of traffic within a few gaps. */
    static final int SCORE_LIMIT = 4;

    private final long budgetNanos;
    private final BooleanSupplier tasksWaiting;
    private final LongSupplier nanoClock;
    private int score;
    /**
     * When the loop went to sleep in epoll_wait without polling first, or 0: the gap it sleeps
     * through is counted when it wakes. A gap it polled through is counted when the polling ends.
     */
    private long asleepSince;

    /**
     * @param budgetNanos  how long to poll before sleeping: about what an instance takes to answer a small request
     * @param tasksWaiting whether another thread has handed the loop a task, which ends the polling
     */
    BusyPoll(long budgetNanos, BooleanSupplier tasksWaiting) {
        this(budgetNanos, tasksWaiting, System::nanoTime);
    }

    BusyPoll(long budgetNanos, BooleanSupplier tasksWaiting, LongSupplier nanoClock) {
        this.budgetNanos = budgetNanos;
        this.tasksWaiting = tasksWaiting;
        this.nanoClock = nanoClock;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        long now = nanoClock.getAsLong();
        if (asleepSince != 0) {
            // Woken from epoll_wait: the gap is over, and whether polling would have caught it is known.
            count(now - asleepSince <= budgetNanos);
            asleepSince = 0;
        }
        if (hasTasks) {
            return selectNow.get();
        }
        if (!polling()) {
            asleepSince = now;
            return SELECT;
        }
        long until = now + budgetNanos;
        do {
            int ready = selectNow.get();
            if (ready > 0) {
                count(true);
                return ready;
            }
            if (tasksWaiting.getAsBoolean()) {
                return selectNow.get();
            }
            Thread.yield();
        } while (nanoClock.getAsLong() < until);
        count(false);
        return SELECT;
    }

    /** Whether the loop polls when it next runs out of work: traffic has been dense. */
    boolean polling() {
        return score >= 0;
    }

    private void count(boolean caught) {
        score = caught ? Math.min(SCORE_LIMIT, score + 1) : Math.max(-SCORE_LIMIT, score - 1);
    }
}
