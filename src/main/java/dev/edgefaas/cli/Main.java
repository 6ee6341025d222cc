package dev.edgefaas.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code edgefaas} command line. */
@Command(name = "edgefaas",
        mixinStandardHelpOptions = true,
        version = "edgefaas 0.1.0",
        description = "Serverless functions on an edge host, each instance in the sandbox you choose.",
        subcommands = {
            ServeCommand.class, DeployCommand.class, InvokeCommand.class, ListCommand.class,
            InstancesCommand.class, RemoveCommand.class, DoctorCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        Logging.configure();
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
