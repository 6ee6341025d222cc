package dev.edgefaas.cli;

import dev.edgefaas.image.MinimalKernel;
import dev.edgefaas.platform.SandboxCatalog;
import dev.edgefaas.sandbox.SandboxException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "Guest kernels for the microVM sandboxes.",
        subcommands = KernelCommand.Build.class)
final class KernelCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "build", mixinStandardHelpOptions = true,
            description = {"Builds the minimal microVM kernel from Debian's linux-source with the configuration in",
                "this repository (installing linux-source and the build tools if missing), and caches it:",
                "microVMs use it from then on unless EDGEFAAS_KERNEL says otherwise.",
                "About 20 minutes on 2 cores, once; prints the path of the kernel."})
    static final class Build implements Callable<Integer> {
        @Override
        public Integer call() {
            Path cache = SandboxCatalog.cacheRoot().resolve("kernel");
            try {
                Path kernel = new MinimalKernel(cache, System.err).build();
                System.out.println(kernel);
                return 0;
            } catch (SandboxException e) {
                System.err.println("edgefaas kernel build: " + e.getMessage());
                return 1;
            }
        }
    }
}
