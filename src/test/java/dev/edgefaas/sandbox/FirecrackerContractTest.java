package dev.edgefaas.sandbox;

/** Runs where Firecracker and a KVM that runs guests exist; elsewhere skipped, saying which is missing. */
class FirecrackerContractTest extends SandboxContractTest {
    @Override
    String sandbox() {
        return "firecracker";
    }
}
