package dev.edgefaas.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** One-line log records on stderr: time, level, short logger name, message. */
final class Logging {
    /** Held, because the log manager keeps loggers weakly and a collected one forgets its level. */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");

    private Logging() {
    }

    static void configure() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$-7s %3$s: %5$s%6$s%n");
        LogManager.getLogManager().reset();
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new SimpleFormatter());
        handler.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        // Helidon logs each listener it starts; our own ready line says it once.
        HELIDON.setLevel(Level.WARNING);
    }
}
