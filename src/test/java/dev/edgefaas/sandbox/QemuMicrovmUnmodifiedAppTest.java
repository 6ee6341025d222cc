package dev.edgefaas.sandbox;

class QemuMicrovmUnmodifiedAppTest extends UnmodifiedAppTest {
    @Override
    String sandbox() {
        return "qemu-microvm";
    }
}
