package dev.edgefaas.sandbox;

/** Runs where a Nanos toolchain is found (see {@code doctor}); elsewhere skipped with where it looked. */
class NanosContractTest extends SandboxContractTest {
    @Override
    String sandbox() {
        return "nanos";
    }

    @Override
    boolean hasHostNetwork() {
        return false;
    }
}
