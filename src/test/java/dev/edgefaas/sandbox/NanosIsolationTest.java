package dev.edgefaas.sandbox;

class NanosIsolationTest extends IsolationTest {
    @Override
    String sandbox() {
        return "nanos";
    }

    /** A Nanos instance is probed, never calls back, and reaches nothing outside: only its own port. */
    @Override
    String reachable(String linkHost) {
        return "127.0.0.1:8080";
    }
}
