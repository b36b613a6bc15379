package org.radmamba.app.net;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * A real Orthanc, started by a test in a folder of its own: its configuration, storage and log there, free DICOM
 * and HTTP ports, the DICOMweb plugin, HTTP basic authentication, and our storage SCP registered as modality
 * RADMAMBA (for C-MOVE). Fixtures are loaded through Orthanc's own REST API, not through the code under test.
 */
public final class Orthanc implements AutoCloseable {

    public static final String AET = "ORTHANC";
    public static final String USER = "radmamba";
    public static final String PASSWORD = "s3cret-pass";

    private final Path dir;
    private final int dicomPort;
    private final int httpPort;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Orthanc(Path dir, int dicomPort, int httpPort, Process process) {
        this.dir = dir;
        this.dicomPort = dicomPort;
        this.httpPort = httpPort;
        this.process = process;
    }

    /**
     * Starts Orthanc and waits until both ports answer.
     *
     * @param moveDestinationPort the port of our storage SCP (AE title RADMAMBA) for C-MOVE
     */
    public static Orthanc start(Path dir, int moveDestinationPort) throws IOException, InterruptedException {
        return start(dir, moveDestinationPort, "");
    }

    /**
     * Starts Orthanc with more members in its configuration (JSON members without braces, e.g. its DICOM TLS
     * settings) and waits until both ports answer.
     */
    public static Orthanc start(Path dir, int moveDestinationPort, String moreConfiguration) throws IOException,
            InterruptedException {
        Path binary = Peers.requireOrthanc();
        Path plugin = Peers.requireDicomWebPlugin();
        int dicomPort = freePort();
        int httpPort = freePort();
        Path storage = Files.createDirectories(dir.resolve("storage"));
        String config = """
                {
                  "Name": "RadMambaTest",
                  "StorageDirectory": "%1$s",
                  "IndexDirectory": "%1$s",
                  "DicomAet": "%2$s",
                  "DicomPort": %3$d,
                  "HttpPort": %4$d,
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": true,
                  "RegisteredUsers": { "%5$s": "%6$s" },
                  "Plugins": [ "%7$s" ],
                  "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "StudiesMetadata": "MainDicomTags" },
                  "DicomCheckCalledAet": true,
                  "DicomAlwaysAllowEcho": true,
                  "DicomAlwaysAllowStore": true,
                  "DicomAlwaysAllowFind": true,
                  "DicomAlwaysAllowGet": true,
                  "DicomAlwaysAllowMove": true,
                  "DicomModalities": { "radmamba": [ "RADMAMBA", "127.0.0.1", %8$d ] },
                  "DicomScpTimeout": 30,
                  "HttpTimeout": 30,
                  "ConcurrentJobs": 1%9$s
                }
                """.formatted(storage, AET, dicomPort, httpPort, USER, PASSWORD, plugin, moveDestinationPort,
                moreConfiguration.isBlank() ? "" : ",\n" + moreConfiguration);
        Path configFile = dir.resolve("orthanc.json");
        Files.writeString(configFile, config);
        Process process = new ProcessBuilder(binary.toString(), configFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("orthanc.log").toFile()).start();
        Orthanc orthanc = new Orthanc(dir, dicomPort, httpPort, process);
        try {
            orthanc.awaitReady();
        } catch (IOException | RuntimeException e) {
            orthanc.close();
            throw e;
        }
        return orthanc;
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Orthanc exited with " + process.exitValue() + ": " + log());
            }
            if (Peers.listening(dicomPort) && Peers.listening(httpPort)) {
                try {
                    if (rest("GET", "/system", null).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // The plugin may still be loading.
                }
            }
            Thread.sleep(100);
        }
        throw new IOException("Orthanc did not start within 60 s: " + log());
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    public int dicomPort() {
        return dicomPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public String dimseUri() {
        return "dimse://" + AET + "@127.0.0.1:" + dicomPort;
    }

    public String dicomWebUri() {
        return "http://127.0.0.1:" + httpPort + "/dicom-web";
    }

    /** Loads the files into Orthanc through its REST API. */
    public void upload(List<Path> files) throws IOException, InterruptedException {
        for (Path file : files) {
            HttpResponse<String> response = rest("POST", "/instances", Files.readAllBytes(file));
            if (response.statusCode() != 200) {
                throw new IOException("Orthanc refused " + file + ": HTTP " + response.statusCode() + " "
                        + response.body());
            }
        }
    }

    /** Orthanc's REST API (not DICOMweb): for fixtures and for checking what arrived. */
    public HttpResponse<String> rest(String method, String path, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        // Orthanc's HTTP server may close a kept-alive connection just as the next request goes out on it.
        for (int attempt = 1; ; attempt++) {
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** Kills Orthanc at once, as a crash or a pulled cable would stop it. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("orthanc.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
