package dev.edgefaas.sandbox;

class CrunContractTest extends SandboxContractTest {
    @Override
    String sandbox() {
        return "crun";
    }
}
