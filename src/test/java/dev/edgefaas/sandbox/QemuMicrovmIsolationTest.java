package dev.edgefaas.sandbox;

class QemuMicrovmIsolationTest extends IsolationTest {
    @Override
    String sandbox() {
        return "qemu-microvm";
    }

    @Override
    boolean behindNatByDefault() {
        return true;
    }
}
