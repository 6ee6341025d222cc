package dev.edgefaas.sandbox;

import dev.edgefaas.host.ThreadFactories;
import dev.edgefaas.logs.LineSink;
import dev.edgefaas.logs.LogLine;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Copies one process's output (standard output and error together, or a VM's console) as it
 * comes: the bytes as they are to the instance's output file, whose end a diagnosis reads, and
 * each line, stamped with the time it came and its instance, to the function's log. One virtual
 * thread per process; it ends with the output, once the process (and whatever it forked) has
 * closed it. A line longer than the log takes is passed on in pieces. The output file is rotated
 * once a read takes it past its cap (to {@code NAME.1}, one kept), so a long-lived instance that
 * prints without end costs about twice the cap there; its whole output is in the function's log.
 */
public final class OutputPump {
    private static final int BUFFER_BYTES = 8192;
    /** The output file's cap: more than a diagnosis reads of its end. */
    static final long FILE_CAP_BYTES = 1024 * 1024;

    private final InputStream from;
    private final long fileCapBytes;
    private volatile Path file;
    private long written;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile String instanceId;
    private volatile LineSink log;

    private OutputPump(InputStream from, Path file, String instanceId, LineSink log, long fileCapBytes) {
        this.from = from;
        this.file = file;
        this.fileCapBytes = fileCapBytes;
        this.instanceId = instanceId;
        this.log = log;
    }

    /** A process started by {@link #launch}, and the pump that copies its output. */
    public record Started(Process process, OutputPump output) {
    }

    /**
     * Starts {@code builder} the way every instance's process starts: no input, standard output
     * and error together, pumped to {@code file} and {@code log} as {@code instanceId}'s.
     */
    public static Started launch(ProcessBuilder builder, Path file, String instanceId, LineSink log) throws IOException {
        Process process = builder.redirectInput(new File("/dev/null"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .start();
        return new Started(process, start(process.getInputStream(), file, instanceId, log));
    }

    /** Starts copying {@code from} to {@code file} (made anew) and, line by line, to {@code log}. */
    public static OutputPump start(InputStream from, Path file, String instanceId, LineSink log) {
        return start(from, file, instanceId, log, FILE_CAP_BYTES);
    }

    static OutputPump start(InputStream from, Path file, String instanceId, LineSink log, long fileCapBytes) {
        OutputPump pump = new OutputPump(from, file, instanceId, log, fileCapBytes);
        ThreadFactories.startPlatformDaemon("output-" + instanceId, pump::run);
        return pump;
    }

    /**
     * From now on, lines are {@code instanceId}'s and go to {@code log}, and the output file is
     * at {@code file}, where it was moved to: a VMM started ahead that an instance took over.
     */
    public void handTo(String instanceId, LineSink log, Path file) {
        this.instanceId = instanceId;
        this.log = log;
        this.file = file;
    }

    /** From now on, lines go to {@code log}, e.g. a sink that watches them on their way to the function's log. */
    public void logTo(LineSink log) {
        this.log = log;
    }

    /**
     * Waits up to {@code patience} for the end of the output, so that a diagnosis of a process
     * that exited reads its last lines; a child that keeps the output open makes it wait that long.
     */
    public void awaitEnd(Duration patience) {
        try {
            ended.await(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[BUFFER_BYTES];
        OutputStream out = open(file);
        try (InputStream in = from) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out = copy(out, buffer, read);
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        emit(line);
                    } else {
                        line.write(buffer[i]);
                        if (line.size() >= BUFFER_BYTES * 2) {
                            emit(line);
                        }
                    }
                }
            }
        } catch (IOException e) {
            // The process's end closed the pipe under the read: nothing more comes.
        } finally {
            if (line.size() > 0) {
                emit(line);
            }
            close(out);
            ended.countDown();
        }
    }

    private static OutputStream open(Path file) {
        try {
            return Files.newOutputStream(file);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Writes to the output file while it takes the bytes, rotating it at its cap; a file that
     * fails (a full disk) is given up, not the pump: a process whose output is not read blocks
     * once the pipe is full.
     */
    private OutputStream copy(OutputStream out, byte[] buffer, int length) {
        if (out == null) {
            return null;
        }
        try {
            out.write(buffer, 0, length);
            out.flush();
            written += length;
            if (written >= fileCapBytes) {
                out.close();
                Path current = file;
                Files.move(current, current.resolveSibling(current.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
                written = 0;
                return Files.newOutputStream(current);
            }
            return out;
        } catch (IOException e) {
            close(out);
            return null;
        }
    }

    private static void close(OutputStream out) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // given up either way
            }
        }
    }

    private void emit(ByteArrayOutputStream line) {
        String text = line.toString(StandardCharsets.UTF_8);
        // A serial console ends its lines in CRLF.
        text = text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        try {
            log.append(new LogLine(Instant.now(), instanceId, text));
        } catch (RuntimeException e) {
            // The log refuses (closed with its function): the output file still has the line.
        }
        line.reset();
    }
}
