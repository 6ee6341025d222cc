package dev.edgefaas.testing;

import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class during which Netty found a buffer that was never released. The product
 * turns Netty's leak detector off for speed, so leaks are caught here: the suite runs it at
 * paranoid (every buffer tracked, see pom.xml), and this extension is on for every class
 * (junit-platform.properties). A leak is seen only once the collector has taken the buffer, so
 * after each class a collection runs and a canary, a buffer left unreleased on purpose, is
 * awaited among the reports: by then the class's own leaks have been reported too.
 */
public final class NettyLeakCheck implements AfterAllCallback {
    private static final String CANARY = "edgefaas leak-check canary ";
    private static final AtomicLong CANARIES = new AtomicLong();
    /** Held here: the logging framework keeps loggers only weakly. */
    private static final Logger DETECTOR_LOG = Logger.getLogger("io.netty.util.ResourceLeakDetector");
    private static final List<String> REPORTS = new ArrayList<>();

    static {
        // Only here: the canaries' reports are no leaks and would read as ones in the test output.
        DETECTOR_LOG.setUseParentHandlers(false);
        DETECTOR_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String report = record.getMessage() + " " + List.of(record.getParameters() == null ? new Object[0]
                        : record.getParameters());
                if (!report.contains(CANARY)) {
                    System.err.println(record.getLevel() + ": " + report); // A real leak, in the test's output too.
                }
                synchronized (REPORTS) {
                    REPORTS.add(report);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public void afterAll(ExtensionContext context) {
        String canary = CANARY + CANARIES.incrementAndGet();
        leaveUnreleased(canary);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            // The detector looks for collected buffers when one is allocated.
            PooledByteBufAllocator.DEFAULT.directBuffer(1).release();
            return drainUntil(canary);
        });
    }

    private static void leaveUnreleased(String hint) {
        ByteBuf canary = PooledByteBufAllocator.DEFAULT.directBuffer(1);
        canary.touch(hint);
    }

    /** True once {@code canary} was reported; throws if anything else was. */
    private static boolean drainUntil(String canary) {
        List<String> leaks = new ArrayList<>();
        boolean seen = false;
        synchronized (REPORTS) {
            for (String report : REPORTS) {
                if (report.contains(canary)) {
                    seen = true;
                } else if (!report.contains(CANARY)) {
                    leaks.add(report);
                }
            }
            REPORTS.clear();
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty buffers were never released during this class:\n" + String.join("\n", leaks));
        }
        return seen;
    }
}
