package dev.edgefaas.sandbox;

class RuncContractTest extends SandboxContractTest {
    @Override
    String sandbox() {
        return "runc";
    }
}
