package dev.edgefaas.sandbox;

class OsvIsolationTest extends IsolationTest {
    @Override
    String sandbox() {
        return "osv";
    }

    @Override
    boolean runsNode() {
        return false;
    }

    @Override
    boolean diagnosesOutOfMemory() {
        return false;
    }

    @Override
    boolean behindNatByDefault() {
        return true;
    }
}
