package dev.edgefaas.host;

/**
 * Runs every step of a shutdown even when some fail, the way Helidon's {@code LifecycleFailures}
 * and Jetty's {@code ContainerLifeCycle} stop their parts: the first failure is thrown once all
 * steps have run, each later one suppressed on it, so none is lost to a later {@code finally}.
 * An interrupted step is not a failure: the thread's interrupt flag is set again and the
 * remaining steps run.
 */
public final class Shutdown {

    /** One step; may throw anything, which is kept, not propagated, until every step has run. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private Shutdown() {
    }

    /**
     * Runs {@code steps} in order, each whatever the others did.
     *
     * @throws RuntimeException the first step's failure (a checked one wrapped), with the later ones suppressed
     * @throws Error            the first failure, if it was an error
     */
    public static void all(Step... steps) {
        Throwable first = null;
        for (Step step : steps) {
            try {
                step.run();
            } catch (InterruptedException e) {
                // Not a failure of the step: the caller is told by the flag, and the other steps still run.
                Thread.currentThread().interrupt();
            } catch (Throwable e) {
                first = keep(first, e);
            }
        }
        if (first instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (first instanceof Error error) {
            throw error;
        }
        if (first != null) {
            throw new IllegalStateException("shutdown step failed: " + first.getMessage(), first);
        }
    }

    private static Throwable keep(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
