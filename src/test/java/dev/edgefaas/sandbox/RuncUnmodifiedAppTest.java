package dev.edgefaas.sandbox;

class RuncUnmodifiedAppTest extends UnmodifiedAppTest {
    @Override
    String sandbox() {
        return "runc";
    }
}
