package dev.edgefaas.testing;

import dev.edgefaas.platform.SandboxCatalog;
import dev.edgefaas.sandbox.Availability;
import org.junit.jupiter.api.Assumptions;

/** Skips a test, saying why, when its sandbox cannot run here. */
public final class SandboxUnderTest {
    private SandboxUnderTest() {
    }

    /** A platform whose default sandbox is {@code sandbox}; the test is skipped with the reason if it is unusable. */
    public static TestPlatform platformOrSkip(String sandbox, Class<?> test) {
        Availability availability = SandboxCatalog.probeOnly().get(sandbox).probe();
        if (!availability.usable()) {
            System.out.println("SKIPPED " + test.getSimpleName() + ": " + availability.summary());
        }
        Assumptions.assumeTrue(availability.usable(), () -> sandbox + " cannot run here: " + availability.summary());
        return new TestPlatform(sandbox);
    }
}
