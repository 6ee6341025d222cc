package dev.edgefaas.cli;

import dev.edgefaas.bench.experiment.Experiment;
import dev.edgefaas.bench.experiment.ExperimentCatalog;
import dev.edgefaas.host.StateDirectory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code edgefaas} command line. */
@Command(name = "edgefaas",
        mixinStandardHelpOptions = true,
        version = "edgefaas 0.1.0",
        description = "Serverless functions on an edge host, each instance in the sandbox you choose.",
        subcommands = {
            ServeCommand.class, DeployCommand.class, InvokeCommand.class, AsyncCommand.class, ListCommand.class,
            InstancesCommand.class, LogsCommand.class, RemoveCommand.class, DoctorCommand.class, BenchCommand.class, KernelCommand.class,
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
        CommandLine commandLine = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine bench = commandLine.getSubcommands().get("bench");
        for (Experiment experiment : ExperimentCatalog.all()) {
            if (!bench.getSubcommands().containsKey(experiment.name())) {
                CommandLine line = new CommandLine(new ExperimentCommand(experiment));
                line.getCommandSpec().usageMessage().description(
                        "Runs the " + experiment.name() + " experiment (" + experiment.figure() + ") and appends its rows to a CSV.");
                bench.addSubcommand(experiment.name(), line);
            }
        }
        // What the platform said, or why it could not be asked, is the user's message, not a stack trace.
        commandLine.setExecutionExceptionHandler((e, line, parseResult) -> {
            if (e instanceof AdminClient.Unusable || e instanceof StateDirectory.InUse) {
                line.getErr().println("edgefaas " + line.getCommandName() + ": " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
