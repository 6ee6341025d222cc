package dev.edgefaas.admin;

import dev.edgefaas.testing.PrintableBytes;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * One request to the management API for {@link ManagementApiFuzzTest}, as bytes: a deploy of a
 * {@link FuzzedManifest}, an upload ({@link FuzzedUpload}), a function's record or its logs
 * ({@link FuzzedLogsQuery}), a listing, or any method on any path below {@code /api}; with the
 * node's token mostly, sometimes none or a wrong one. The same random sequence gives the same bytes.
 *
 * @param kind           what the request is for, to count outcomes by
 * @param mustBeRejected whether only a 4xx is a right answer
 * @param faults         what a 4xx's error must name, one of them; empty for any
 * @param deploys        the function a 2xx deploys, to be removed afterwards
 * @param streams        whether the answer is a followed log, which stays open and may not have begun
 */
record FuzzedAdminRequest(String kind, byte[] bytes, boolean mustBeRejected, List<String> faults, Optional<String> deploys,
                          boolean streams, List<String> steps) {
    private static final Pattern MALFORMED_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");
    /** Helidon's default maxPrologueLength: a longer request line is refused (414) before any route. */
    private static final int MAX_TARGET_LENGTH = 4096;
    /** Names the generated deploys may take; the healthy function's is not among them. */
    private static final List<String> POOL = List.of("fuzz-1", "fuzz-2", "fuzz-3", "fuzz-4");
    private static final List<String> BAD_NAMES = List.of("", "Hello", "a.b", "-a", "a-", "%C3%B1", "x".repeat(41),
            "x".repeat(2000), "a%20b", "%00", "a%2Fb", "..%2Fx", "%2e%2e", "_x", "%E2%80%AE", "a%zz", "%", "\u00c3\u00b1",
            "a;b", "UPPER", "a%2F..%2F..%2Fx");
    private static final List<String> CONTENT_TYPES = List.of("text/plain", "multipart/form-data; boundary=zz",
            "application/json; charset=iso-8859-1", "garbage", "", "application/x-www-form-urlencoded", "\u00ff/\u00ff",
            "application/octet-stream");

    /** The node under test, as requests need it. */
    record Node(int port, String token, String healthy, List<String> artifacts) {
    }

    boolean isHead() {
        return new String(bytes, 0, Math.min(5, bytes.length), StandardCharsets.ISO_8859_1).equals("HEAD ");
    }

    static FuzzedAdminRequest generate(RandomGenerator random, Node node) {
        return new Generator(random, node).request();
    }

    /** {@code bytes} escaped for messages ({@link PrintableBytes}). */
    static String printable(byte[] bytes, int max) {
        return PrintableBytes.of(bytes, max);
    }

    private static final class Generator {
        private final RandomGenerator random;
        private final Node node;
        private final List<String> steps = new ArrayList<>();
        private String kind;
        private String method = "GET";
        private String target;
        private String contentType;
        private byte[] body = new byte[0];
        private boolean mustBeRejected;
        private List<String> faults = List.of();
        private Optional<String> deploys = Optional.empty();
        private boolean streams;

        Generator(RandomGenerator random, Node node) {
            this.random = random;
            this.node = node;
        }

        FuzzedAdminRequest request() {
            int draw = random.nextInt(100);
            if (draw < 35) {
                deploy();
            } else if (draw < 46) {
                upload();
            } else if (draw < 48) {
                kind = "image upload";
                method = "POST";
                target = "/api/images";
                contentType = "application/x-tar";
                body = FuzzedUpload.randomBytes(random, random.nextInt(2048));
            } else if (draw < 58) {
                function();
            } else if (draw < 73) {
                logs();
            } else if (draw < 78) {
                kind = "listing";
                target = pick(List.of("/api/functions", "/api/instances", "/api/sandboxes", "/metrics"))
                        + pick(List.of("", "", "?x=1", "?%zz", "?tail=-1"));
            } else {
                anything();
            }
            String authorization = authorization();
            refusedBeforeTheRoutes();
            steps.addFirst(method + " " + printable(target.getBytes(StandardCharsets.ISO_8859_1), 200));
            return new FuzzedAdminRequest(kind, bytes(authorization), mustBeRejected, faults, deploys, streams, List.copyOf(steps));
        }

        private void deploy() {
            kind = "deploy";
            method = "PUT";
            contentType = chance(3) ? pick(CONTENT_TYPES) : "application/json";
            boolean badName = chance(6);
            boolean atHealthy = !badName && chance(4);
            String name = badName ? pick(BAD_NAMES) : atHealthy ? node.healthy() : pick(POOL);
            FuzzedManifest manifest = FuzzedManifest.generate(random, name, node.artifacts());
            if (atHealthy && manifest.mayDeploy()) {
                // Never replace the healthy function: a valid manifest goes to a name of the pool.
                name = pick(POOL);
            }
            // No name at all: with the slash, or without, where only the route for malformed names matches.
            target = name.isEmpty() && chance(2) ? "/api/functions" : "/api/functions/" + name;
            body = manifest.bytes();
            steps.addAll(manifest.steps());
            faults = new ArrayList<>(manifest.faults());
            if (badName) {
                faults.add("name");
                steps.add("bad name");
            } else if (POOL.contains(name)) {
                deploys = Optional.of(name);
            }
            mustBeRejected = !faults.isEmpty();
        }

        private void upload() {
            kind = "upload";
            method = "POST";
            FuzzedUpload upload = FuzzedUpload.generate(random);
            target = "/api/artifacts" + upload.query();
            contentType = upload.contentType();
            body = upload.body();
            faults = upload.faults();
            mustBeRejected = !faults.isEmpty();
            steps.addAll(upload.steps());
        }

        /** A function's record, or its removal: never the healthy function's. */
        private void function() {
            kind = "function";
            method = pick(List.of("GET", "GET", "HEAD", "DELETE"));
            int draw = random.nextInt(3);
            if (draw == 0 && !method.equals("DELETE")) {
                target = "/api/functions/" + node.healthy();
            } else if (draw == 1) {
                target = "/api/functions/" + pick(BAD_NAMES);
            } else {
                // Never deployed, or removed after its deploy: unknown, and the answer says which.
                String name = pick(POOL);
                target = "/api/functions/" + name;
                mustBeRejected = true;
                faults = List.of(name);
            }
        }

        private void logs() {
            kind = "logs";
            String name = chance(4) ? pick(POOL) : node.healthy();
            FuzzedLogsQuery query = FuzzedLogsQuery.generate(random, node.healthy() + "-00000000");
            target = "/api/functions/" + name + "/logs" + query.query();
            // A function that is not deployed is answered first, whatever the query.
            faults = name.equals(node.healthy()) ? query.faults() : List.of(name);
            mustBeRejected = !faults.isEmpty();
            streams = !mustBeRejected && query.follows();
        }

        /** Any method on a path below /api or beside it, known or not, with a body now and then. */
        private void anything() {
            kind = "any route";
            method = pick(List.of("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO", "get", "CONNECT"));
            target = pick(List.of("/api", "/api/", "/api/functionz", "/api/functions/x/y", "/api/functions/x/logs/z",
                    "/api//functions", "/api/functions/%zz", "/api/%2e%2e/metrics", "/API/functions", "/metrics/x",
                    "/api/functions/" + "a".repeat(pick(List.of(300, 5_000, 20_000))), "/api/functions?x=%", "*",
                    "/api/artifacts/../functions", "/%00", "/api/funct\u00c3\u00afons", "/api/functions/x;y",
                    "/api/functions/fuzz-1/logs?tail=abc", "/api/functions", "/api/artifacts", "/api/images",
                    "/api/instances/x", "/api/sandboxes", "/metrics", "/function/" + node.healthy() + "/"));
            if (chance(3)) {
                contentType = chance(2) ? "application/json" : pick(CONTENT_TYPES);
                body = FuzzedUpload.randomBytes(random, random.nextInt(chance(10) ? 200_000 : 300));
            }
        }

        /**
         * A target that Helidon refuses before any route (a malformed escape, too long) has only
         * its method and path named, if that: its query and the token are not looked at.
         */
        private void refusedBeforeTheRoutes() {
            if (MALFORMED_ESCAPE.matcher(target).find()) {
                faults = new ArrayList<>(faults);
                faults.add(target.replaceFirst("\\?.*", ""));
                mustBeRejected = true;
                steps.add("malformed escape");
            } else if (target.length() > MAX_TARGET_LENGTH) {
                faults = new ArrayList<>(faults);
                faults.add("Request-URI Too Long");
                mustBeRejected = true;
            }
        }

        /** Mostly the node's token; else none or a wrong one, and then the request must be refused. */
        private String authorization() {
            int draw = random.nextInt(60);
            if (draw < 57) {
                return "Bearer " + node.token();
            }
            mustBeRejected = true;
            faults = List.of("token");
            deploys = Optional.empty();
            if (draw < 59) {
                steps.add("no token");
                return null;
            }
            String wrong = pick(List.of("Bearer wrong", "Basic dXNlcjpwYXNz", "Bearer " + node.token() + "x", "Bearer",
                    "Token " + node.token(), "Bearer " + node.token().substring(1)));
            steps.add("wrong token");
            return wrong;
        }

        private byte[] bytes(String authorization) {
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(node.port()).append("\r\n");
            if (authorization != null) {
                head.append("Authorization: ").append(authorization).append("\r\n");
            }
            if (contentType != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            boolean chunked = body.length > 0 && chance(12);
            if (chunked) {
                head.append("Transfer-Encoding: chunked\r\n");
            } else if (body.length > 0 || !method.equals("GET") && !method.equals("HEAD")) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (chunked) {
                out.writeBytes((Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.writeBytes(body);
                out.writeBytes("\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                steps.add("chunked");
            } else {
                out.writeBytes(body);
            }
            return out.toByteArray();
        }

        private <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }

        private boolean chance(int oneIn) {
            return random.nextInt(oneIn) == 0;
        }
    }
}
