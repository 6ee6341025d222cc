package dev.edgefaas.host.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/** Reading and writing cgroup control files, with errors that say which file and why. */
final class CgroupFiles {
    /** A DNS-label-like name: it becomes a directory, so no '/', no '..', nothing hidden. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final long POLL_MILLIS = 10;

    private CgroupFiles() {
    }

    static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new CgroupException("invalid cgroup name '" + name + "': use 1 to 63 lowercase letters, digits"
                    + " and '-', starting with a letter or digit");
        }
        return name;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new CgroupException("cannot read " + file + ": " + reason(e)
                    + (e instanceof NoSuchFileException ? " (was the group removed, or is the controller missing?)" : ""), e);
        }
    }

    static long readLong(Path file) {
        String text = read(file).trim();
        return text.equals("max") ? Long.MAX_VALUE : parseLong(file, text);
    }

    /** The value of the {@code key value} line of a flat-keyed file such as {@code memory.events}. */
    static OptionalLong keyed(Path file, String key) {
        for (String line : read(file).split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2 && fields[0].equals(key)) {
                return OptionalLong.of(parseLong(file, fields[1]));
            }
        }
        return OptionalLong.empty();
    }

    /** Writes {@code value} in one write(2), as the kernel wants; never creates the file. */
    static void write(Path file, String value) {
        try {
            Files.write(file, value.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new CgroupException("cannot write '" + value + "' to " + file + ": " + reason(e), e);
        }
    }

    /** The pids listed in {@code dir/cgroup.procs}. */
    static Set<Long> procs(Path dir) {
        Set<Long> pids = new TreeSet<>();
        Path file = dir.resolve("cgroup.procs");
        for (String line : read(file).split("\n")) {
            if (!line.isBlank()) {
                pids.add(parseLong(file, line.trim()));
            }
        }
        return pids;
    }

    /**
     * Removes an empty group directory (rmdir: its control files go with it and must not be
     * deleted one by one). Retries while the kernel still reports it busy: tasks that were
     * just killed leave their cgroup a moment after they stop being listed.
     *
     * @return false if it was already gone
     */
    static boolean removeDirectory(Path dir, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                Files.delete(dir);
                return true;
            } catch (NoSuchFileException e) {
                return false;
            } catch (IOException e) {
                if (System.nanoTime() - deadline >= 0 || !sleep()) {
                    throw new CgroupException("cannot remove cgroup " + dir + ": " + reason(e) + "; it still has"
                            + " processes or child groups (see its cgroup.procs and subdirectories)", e);
                }
            }
        }
    }

    /** Polls a kernel state until it holds; false if it did not within {@code patience}. */
    static boolean await(BooleanSupplier condition, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0 || !sleep()) {
                return false;
            }
        }
        return true;
    }

    static String reason(IOException e) {
        return e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e instanceof NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
    }

    private static boolean sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long parseLong(Path file, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CgroupException("unexpected content '" + text + "' in " + file + ": expected a number", e);
        }
    }
}
