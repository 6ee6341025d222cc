package dev.edgefaas.sandbox;

class RunscContractTest extends SandboxContractTest {
    @Override
    String sandbox() {
        return "runsc";
    }
}
