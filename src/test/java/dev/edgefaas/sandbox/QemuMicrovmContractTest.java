package dev.edgefaas.sandbox;

class QemuMicrovmContractTest extends SandboxContractTest {
    @Override
    String sandbox() {
        return "qemu-microvm";
    }
}
