package dev.edgefaas.sandbox;

class CrunIsolationTest extends IsolationTest {
    @Override
    String sandbox() {
        return "crun";
    }
}
