package dev.edgefaas.sandbox.process;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.host.cgroup.JoinCgroupsThenExec;
import dev.edgefaas.sandbox.SandboxException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The command line that runs a function's entry point on the host. */
record LaunchCommand(List<String> arguments) {

    LaunchCommand {
        arguments = List.copyOf(arguments);
    }

    static LaunchCommand forManifest(FunctionManifest manifest) {
        Path entryPoint = manifest.entryPoint();
        return switch (manifest.runtime()) {
            case GO, BINARY -> new LaunchCommand(List.of(entryPoint.toString()));
            case NODE -> new LaunchCommand(List.of(executableOnPath("node",
                    "node is not installed: apt-get install -y nodejs, or choose runtime go"), entryPoint.toString()));
        };
    }

    /** This command started inside the cgroups whose {@code cgroup.procs} files are given. */
    List<String> joiningCgroups(List<Path> procsFiles) {
        return JoinCgroupsThenExec.wrap(procsFiles, arguments);
    }

    static String executableOnPath(String name, String missingMessage) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String directory : path.split(File.pathSeparator)) {
            Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new SandboxException(missingMessage);
    }
}
