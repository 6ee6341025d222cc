package dev.edgefaas.bench;

import dev.edgefaas.http.KeepAliveConnection;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * One client of a soak: GETs through the gateway on a keep-alive connection, one after the
 * other, until the gate says stop. A failure a client may retry is retried after a short backoff,
 * a few times; a request whose last attempt still failed is lost. Latency is that of the whole
 * request, retries and backoff included: what a user of the function would wait.
 */
final class SoakClient implements Runnable {
    static final int MAX_RETRIES = 3;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    /** Statuses the gateway answers, with its JSON error, when a retry may succeed: no instance yet, or one died. */
    private static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 502, 503);
    private static final long HIGHEST_LATENCY_NANOS = Duration.ofMinutes(10).toNanos();

    /**
     * How one attempt ended.
     *
     * @param label     what the report counts it under: the status, or {@code connection error}
     * @param retryable whether a client may try the request again
     */
    record Outcome(String label, boolean ok, boolean retryable) {
        static final Outcome OK = new Outcome("200", true, false);
        /** A GET is idempotent: a client may send it again after the connection failed (RFC 9110, section 9.2.2). */
        static final Outcome CONNECTION_ERROR = new Outcome("connection error", false, true);
        /** Not HTTP as the client reads it: a bug on one side or the other, never retried. */
        static final Outcome MALFORMED = new Outcome("malformed answer", false, false);

        static Outcome of(KeepAliveConnection.Answer answer) {
            if (answer.status() == 200) {
                return OK;
            }
            boolean fromGateway = answer.header().startsWith("application/json");
            if (RETRYABLE_STATUSES.contains(answer.status()) && !fromGateway) {
                // The function's own answer, not the gateway's: retrying is the function's business.
                return new Outcome(answer.status() + " (not the gateway's)", false, false);
            }
            return new Outcome(Integer.toString(answer.status()), false, RETRYABLE_STATUSES.contains(answer.status()));
        }
    }

    private final URI target;
    private final LoadGate gate;
    private final SoakTally tally;
    private final Histogram latencyNanos = new Histogram(HIGHEST_LATENCY_NANOS, 3);
    private KeepAliveConnection connection;

    SoakClient(URI target, LoadGate gate, SoakTally tally) {
        this.target = target;
        this.gate = gate;
        this.tally = tally;
    }

    /** Latency of every request this client finished; read once its thread has ended. */
    Histogram latencyNanos() {
        return latencyNanos;
    }

    @Override
    public void run() {
        try {
            while (gate.pass()) {
                long begin = System.nanoTime();
                Outcome outcome = attempt();
                int retries = 0;
                while (outcome.retryable() && retries < MAX_RETRIES) {
                    Thread.sleep(FIRST_BACKOFF.multipliedBy(1L << retries));
                    retries++;
                    outcome = attempt();
                }
                latencyNanos.recordValue(Math.min(System.nanoTime() - begin, HIGHEST_LATENCY_NANOS));
                tally.request(outcome, retries);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            disconnect();
            gate.finished();
        }
    }

    private Outcome attempt() {
        Outcome outcome;
        try {
            if (connection == null) {
                connection = new KeepAliveConnection(target);
            }
            KeepAliveConnection.Answer answer = connection.answer("Content-Type");
            if (answer.connectionClose()) {
                disconnect();
            }
            outcome = Outcome.of(answer);
        } catch (IOException e) {
            tally.failure(Outcome.CONNECTION_ERROR, e);
            disconnect();
            outcome = Outcome.CONNECTION_ERROR;
        } catch (RuntimeException e) {
            // The status line or a field did not parse: count it, and let the load go on.
            tally.failure(Outcome.MALFORMED, e);
            disconnect();
            outcome = Outcome.MALFORMED;
        }
        tally.attempt(outcome);
        return outcome;
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException e) {
                // The connection is given up either way; the next attempt opens a new one.
            }
            connection = null;
        }
    }
}
