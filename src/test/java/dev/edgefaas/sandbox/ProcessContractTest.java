package dev.edgefaas.sandbox;

class ProcessContractTest extends SandboxContractTest {
    @Override
    String sandbox() {
        return "process";
    }
}
