package dev.edgefaas.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * How busy this JVM's JIT compilers are. The gateway runs in the bench's JVM: while C2 still
 * compiles, it takes one of this machine's two cores from the paths being compared and the
 * gateway runs code not yet optimized, so a warm-up is over only once the compilers are quiet.
 * In {@code bench warm-overhead} at one client, after a fixed warm-up of 20,000 rounds the C2
 * thread still ran for 0.63 s of the next 5 s (perf sched), while the rounds were recorded.
 */
final class JitActivity {
    private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();

    private JitActivity() {
    }

    /** Whether compilation time can be read here (HotSpot: yes). */
    static boolean measurable() {
        return COMPILER != null && COMPILER.isCompilationTimeMonitoringSupported();
    }

    /** Milliseconds the compilers have spent since the JVM started, summed over their threads. */
    static long compiledMillis() {
        return COMPILER.getTotalCompilationTime();
    }
}
