package dev.edgefaas.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Removes a function: waits for its requests in flight, then stops its instances.")
final class RemoveCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME")
    String name;
    @Mixin
    AdminOption admin;

    @Override
    public Integer call() {
        admin.client().send("DELETE", "api/functions/" + name, null);
        System.out.println("removed " + name);
        return 0;
    }
}
