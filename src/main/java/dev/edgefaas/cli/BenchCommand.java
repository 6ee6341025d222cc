package dev.edgefaas.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Runs the paper's experiments on this machine.",
        subcommands = {BenchReportCommand.class, BenchRenderCommand.class, WarmOverheadCommand.class,
            ColdStartOverheadCommand.class, SoakCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
