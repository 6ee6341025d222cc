package dev.edgefaas.sandbox;

import dev.edgefaas.function.FunctionManifest;
import dev.edgefaas.function.Runtime;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment of the instance contract (functions/README.md), written once for every
 * sandbox. A version's part is the same for all its instances, so image-based sandboxes bake it
 * in; an instance's part (port, id, callback URL) comes when it starts. A sandbox says only
 * where the instance's home is and which address it listens on. The manifest cannot set the
 * names of the contract: the parser refuses {@code PORT} and {@code EDGEFAAS_*}.
 */
public final class InstanceEnvironment {
    public static final String CALLBACK_URL = "EDGEFAAS_CALLBACK_URL";
    /** Only system directories: an instance never sees the gateway's own PATH. */
    private static final String SAFE_PATH = "/usr/local/bin:/usr/bin:/bin";

    private InstanceEnvironment() {
    }

    /**
     * {@code PATH}, {@code HOME} and {@code TMPDIR} ({@code home}), {@code HOST} (the address to
     * listen on), {@code GOMAXPROCS} for Go (its CPU limit), then the manifest's env.
     */
    public static Map<String, String> ofVersion(FunctionManifest manifest, String listenHost, String home) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", SAFE_PATH);
        env.put("HOME", home);
        env.put("TMPDIR", home);
        env.put("HOST", listenHost);
        if (manifest.runtime() == Runtime.GO) {
            env.put("GOMAXPROCS", Integer.toString(manifest.goMaxProcs()));
        }
        env.putAll(manifest.env());
        return env;
    }

    /**
     * {@code PORT}, {@code EDGEFAAS_INSTANCE_ID} and, where the sandbox lets the instance call
     * back, {@code EDGEFAAS_CALLBACK_URL}.
     *
     * @param callbackUrl null for sandboxes whose instances are probed instead
     */
    public static Map<String, String> ofInstance(String instanceId, int port, URI callbackUrl) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PORT", Integer.toString(port));
        env.put("EDGEFAAS_INSTANCE_ID", instanceId);
        if (callbackUrl != null) {
            env.put(CALLBACK_URL, callbackUrl.toString());
        }
        return env;
    }

    /** The whole environment of an instance that gets it when it starts (a process, a container): version, then instance. */
    public static Map<String, String> of(FunctionManifest manifest, String listenHost, String home, String instanceId,
                                         int port, URI callbackUrl) {
        Map<String, String> env = ofVersion(manifest, listenHost, home);
        env.putAll(ofInstance(instanceId, port, callbackUrl));
        return env;
    }

    /** {@code KEY=VALUE} lines, in order, as OCI's config.json and the guest init take them. */
    public static List<String> lines(Map<String, String> env) {
        List<String> lines = new ArrayList<>(env.size());
        env.forEach((key, value) -> lines.add(key + "=" + value));
        return lines;
    }
}
