package dev.edgefaas.sandbox;

class RunscIsolationTest extends IsolationTest {
    @Override
    String sandbox() {
        return "runsc";
    }
}
