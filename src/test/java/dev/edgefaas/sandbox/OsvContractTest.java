package dev.edgefaas.sandbox;

/** Runs where an OSv build is found (see {@code doctor}); elsewhere skipped with where it looked. */
class OsvContractTest extends SandboxContractTest {
    @Override
    String sandbox() {
        return "osv";
    }

    @Override
    boolean runsNode() {
        return false;
    }

    @Override
    boolean diagnosesOutOfMemory() {
        return false;
    }

    @Override
    boolean reportsExitCode() {
        return false;
    }
}
