package dev.edgefaas.sandbox;

class NanosIsolationTest extends IsolationTest {
    @Override
    String sandbox() {
        return "nanos";
    }

    @Override
    boolean behindNatByDefault() {
        return true;
    }

    @Override
    boolean alwaysBehindNat() {
        return true;
    }
}
