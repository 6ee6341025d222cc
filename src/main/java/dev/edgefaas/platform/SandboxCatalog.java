package dev.edgefaas.platform;

import dev.edgefaas.sandbox.SandboxBackend;
import dev.edgefaas.sandbox.process.ProcessBackend;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every sandbox backend this build knows, in the order {@code doctor} lists them. The only place that names them. */
public final class SandboxCatalog {
    private SandboxCatalog() {
    }

    public static Map<String, SandboxBackend> detect() {
        Map<String, SandboxBackend> backends = new LinkedHashMap<>();
        add(backends, ProcessBackend.detect());
        return backends;
    }

    private static void add(Map<String, SandboxBackend> backends, SandboxBackend backend) {
        backends.put(backend.name(), backend);
    }
}
