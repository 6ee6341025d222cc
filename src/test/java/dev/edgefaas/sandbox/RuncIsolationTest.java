package dev.edgefaas.sandbox;

class RuncIsolationTest extends IsolationTest {
    @Override
    String sandbox() {
        return "runc";
    }
}
