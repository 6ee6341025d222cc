package dev.edgefaas.sandbox.process;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.sandbox.SandboxException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that runs a function's entry point on the host. */
record LaunchCommand(List<String> arguments) {

    /**
     * The shell prologue that moves the process into its cgroups before it runs any of the
     * function's code, so nothing it forks can escape the limits. {@code $1} lists the
     * {@code cgroup.procs} files.
     */
    private static final String JOIN_CGROUP_THEN_EXEC =
            "for f in $1; do echo $$ > \"$f\" || exit 125; done; shift; exec \"$@\"";

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
        if (procsFiles.isEmpty()) {
            return arguments;
        }
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", JOIN_CGROUP_THEN_EXEC, "edgefaas-launch",
                String.join(" ", procsFiles.stream().map(Path::toString).toList())));
        wrapped.addAll(arguments);
        return wrapped;
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
