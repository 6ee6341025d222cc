package dev.edgefaas.cli;

import dev.edgefaas.platform.SandboxCatalog;
import dev.edgefaas.sandbox.Availability;
import dev.edgefaas.sandbox.SandboxBackend;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Probes every sandbox backend: one line each, 'usable' or 'unusable: <reason and fix>' (every reason, with '; ' between),",
            "then what each would use here."})
final class DoctorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        for (SandboxBackend backend : SandboxCatalog.probeOnly().values()) {
            Availability availability = backend.probe();
            if (availability.usable()) {
                System.out.println(backend.name() + " usable (" + availability.summary() + ")");
            } else {
                System.out.println(backend.name() + " unusable: " + availability.summary());
            }
            availability.details().forEach((key, value) -> System.out.println("    " + key + ": " + value));
        }
        return 0;
    }
}
