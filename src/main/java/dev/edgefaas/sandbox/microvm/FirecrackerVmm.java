package dev.edgefaas.sandbox.microvm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Firecracker, configured by {@code --config-file} (one file, written before launch, instead of
 * a sequence of API calls on the cold-start path); its API socket stays open for operators.
 * Stopped by SIGTERM, on which Firecracker exits.
 */
final class FirecrackerVmm implements Vmm {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String firecracker;
    private final String version;

    FirecrackerVmm(String firecracker, String version) {
        this.firecracker = firecracker;
        this.version = version;
    }

    @Override
    public String sandbox() {
        return FirecrackerBackend.NAME;
    }

    @Override
    public List<String> command(MicrovmLaunch launch) throws IOException {
        Path config = launch.scratch().resolve("vm.json");
        JSON.writeValue(config.toFile(), FirecrackerConfig.of(launch));
        return List.of(firecracker, "--api-sock", launch.scratch().resolve("firecracker.sock").toString(),
                "--config-file", config.toString(), "--id", launch.id());
    }

    @Override
    public void requestStop(Path scratch, Process process) {
        process.destroy();
    }

    @Override
    public Map<String, String> details() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("vmm", "Firecracker " + version);
        details.put("accelerator", "kvm");
        return details;
    }
}
