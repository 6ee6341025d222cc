package dev.edgefaas.sandbox.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.ManifestDefaults;
import dev.edgefaas.host.cgroup.Cgroups;
import dev.edgefaas.host.network.InstanceNetwork;
import dev.edgefaas.host.network.NamespacePool;
import dev.edgefaas.image.RootfsBuilder;
import dev.edgefaas.sandbox.InstanceEnvironment;
import dev.edgefaas.sandbox.ReferenceRun;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The baseline of the OCI benchmark: the same root file system and configuration the platform
 * uses, started by the runtime CLI alone and timed from spawn to the function's first answer
 * (polled), with no gateway, dispatcher or callback in between.
 */
final class RawContainerRun implements ReferenceRun {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final OciRuntime runtime;
    private final RootfsBuilder.Rootfs rootfs;
    private final FunctionManifest manifest;
    private final NamespacePool namespaces;

    RawContainerRun(OciRuntime runtime, FunctionManifest manifest, RootfsBuilder.Rootfs rootfs, NamespacePool namespaces) {
        this.runtime = runtime;
        this.rootfs = rootfs;
        this.manifest = manifest;
        this.namespaces = namespaces;
        namespaces.warmUp();
    }

    @Override
    public long timeToFirstAnswer(String id, Path scratch) throws IOException, InterruptedException {
        InstanceNetwork network = namespaces.take(0);
        Process process = null;
        try {
            ContainerSpec spec = new ContainerSpec(rootfs.args(),
                    InstanceEnvironment.lines(InstanceEnvironment.of(manifest, "0.0.0.0", "/tmp", id, 8080, null)), "/", "", rootfs.path(),
                    manifest.name().value(), network.path(), "/" + CgroupsPaths.container(id),
                    manifest.memoryMib() * 1024L * 1024L, manifest.vcpus(), ManifestDefaults.PIDS_MAX, runtime.seccomp());
            Path bundle = Files.createDirectories(scratch.resolve(id));
            JSON.writeValue(bundle.resolve("config.json").toFile(), spec.toOci());
            Files.createDirectories(runtime.stateRoot());
            long start = System.nanoTime();
            process = new ProcessBuilder(runtime.runCommand("run", "--bundle", bundle.toString(), id))
                    .redirectInput(new File("/dev/null")).redirectErrorStream(true)
                    .redirectOutput(bundle.resolve("output.log").toFile()).start();
            while (!answers(network.instanceAddress())) {
                if (!process.isAlive()) {
                    throw new IOException(runtime.name() + " exited before the function answered: "
                            + Files.readString(bundle.resolve("output.log")));
                }
                Thread.sleep(0, 200_000);
            }
            return System.nanoTime() - start;
        } finally {
            OciContainers.remove(runtime.binary(), runtime.stateRoot().toString(), id);
            if (process != null) {
                process.waitFor();
            }
            Cgroups.removeEverywhere(id);
            namespaces.release(network);
        }
    }

    private static boolean answers(String address) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, 8080), 100);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes());
            byte[] status = socket.getInputStream().readNBytes(12);
            return new String(status).startsWith("HTTP/1.1 200");
        } catch (IOException e) {
            return false;
        }
    }
}
