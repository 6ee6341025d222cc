package dev.edgefaas.sandbox.process;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.LaunchSpec;
import dev.edgefaas.host.cgroup.JoinCgroupsThenExec;
import dev.edgefaas.sandbox.SandboxException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line that runs a function on the host, resolved once per version: the runtime's
 * launch of the entry point, or the manifest's own {@code command}, then its {@code args}, with
 * the placeholders left for each instance.
 *
 * @param argv             the program (an absolute path) and its arguments, placeholders unexpanded
 * @param workingDirectory where the manifest's own command runs (the artifact's directory); empty for the
 *                         instance's scratch directory
 */
record LaunchCommand(List<String> argv, Optional<Path> workingDirectory) {

    LaunchCommand {
        argv = List.copyOf(argv);
    }

    static LaunchCommand forManifest(FunctionManifest manifest) {
        LaunchSpec launch = manifest.launch();
        if (launch.ownCommand()) {
            List<String> argv = new ArrayList<>(launch.argv(List.of()));
            argv.set(0, program(argv.getFirst(), manifest.artifactDirectory()));
            return new LaunchCommand(argv, Optional.of(manifest.artifactDirectory()));
        }
        Path entryPoint = manifest.entryPoint();
        List<String> entryPointLaunch = switch (manifest.runtime()) {
            case GO, BINARY -> List.of(entryPoint.toString());
            case NODE -> List.of(executableOnPath("node",
                    "node is not installed: apt-get install -y nodejs, or choose runtime go"), entryPoint.toString());
            // The process backend's scope refuses images before a command is made.
            case IMAGE -> throw new IllegalStateException("a host process cannot run a container image");
        };
        return new LaunchCommand(launch.argv(entryPointLaunch), Optional.empty());
    }

    /** This command for one instance, placeholders filled in, started inside the cgroups whose {@code cgroup.procs} files are given. */
    List<String> forInstance(List<Path> procsFiles, String callbackUrl, int port, String host) {
        return JoinCgroupsThenExec.wrap(procsFiles, LaunchSpec.expand(argv, callbackUrl, port, host));
    }

    /** A bare name is looked up on PATH, as a shell would; a path is taken relative to the artifact's directory. */
    private static String program(String name, Path artifactDirectory) {
        if (!name.contains("/")) {
            return executableOnPath(name, "command: " + name + " is not on PATH here; give its path, or install it");
        }
        Path program = artifactDirectory.resolve(name).normalize();
        if (!Files.isExecutable(program)) {
            throw new SandboxException("command: " + program + " is not an executable file; chmod +x it or fix the path");
        }
        return program.toString();
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
