package dev.edgefaas.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The polling policy of an event loop, on a clock of the test's own: when it polls, when it sleeps at once. */
class BusyPollTest {
    private static final long BUDGET = 100;

    private final AtomicLong clock = new AtomicLong();
    private final AtomicInteger polls = new AtomicInteger();

    @Test
    void aLoopPollsUntilEventsAreReadyAndHandsThemOver() throws Exception {
        BusyPoll strategy = new BusyPoll(BUDGET, () -> false, clock::get);

        int strategyChosen = strategy.calculateStrategy(readyOnPoll(3, 5), false);

        assertThat(strategyChosen).isEqualTo(5);
        assertThat(polls).hasValue(3);
    }

    @Test
    void aLoopWhoseGapsOutlastTheBudgetSleepsAtOnceUntilTrafficIsDenseAgain() throws Exception {
        BusyPoll strategy = new BusyPoll(BUDGET, () -> false, clock::get);
        // Each poll takes 60 ns of the clock: the second ends past the budget with nothing ready.
        IntSupplier nothingReady = () -> {
            polls.incrementAndGet();
            clock.addAndGet(60);
            return 0;
        };

        assertThat(strategy.calculateStrategy(nothingReady, false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(polls).hasValue(2);
        assertThat(strategy.polling()).isFalse();

        polls.set(0);
        assertThat(strategy.calculateStrategy(nothingReady, false)).isEqualTo(SelectStrategy.SELECT);
        clock.addAndGet(10 * BUDGET);
        assertThat(strategy.calculateStrategy(nothingReady, false)).isEqualTo(SelectStrategy.SELECT);
        assertThat(polls).as("a loop out of dense traffic sleeps without polling").hasValue(0);

        // Woken after gaps within the budget: dense again, it polls.
        for (int gap = 0; gap <= BusyPoll.SCORE_LIMIT && polls.get() == 0; gap++) {
            clock.addAndGet(BUDGET / 2);
            strategy.calculateStrategy(nothingReady, false);
        }
        assertThat(polls).as("polls once gaps are short again").hasPositiveValue();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aTaskHandedToTheLoopEndsThePolling() throws Exception {
        // The clock stands still: only the waiting task can end the polling.
        BusyPoll strategy = new BusyPoll(BUDGET, () -> polls.get() >= 3, clock::get);

        int strategyChosen = strategy.calculateStrategy(readyOnPoll(Integer.MAX_VALUE, 1), false);

        assertThat(strategyChosen).as("no I/O ready; the loop goes on to run its tasks").isZero();
    }

    @Test
    void aLoopWithTasksOnlyLooksForReadyEvents() throws Exception {
        BusyPoll strategy = new BusyPoll(BUDGET, () -> true, clock::get);

        assertThat(strategy.calculateStrategy(readyOnPoll(Integer.MAX_VALUE, 1), true)).isZero();
        assertThat(polls).hasValue(1);
    }

    /** A poll that finds {@code ready} events on its {@code n}th call and none before. */
    private IntSupplier readyOnPoll(int n, int ready) {
        return () -> polls.incrementAndGet() >= n ? ready : 0;
    }
}
