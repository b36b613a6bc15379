package org.radmamba.app.net;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real peers the network tests run against (Orthanc, DCMTK). Without them a test is skipped with the reason, on
 * a developer's machine; with CI=true it fails, because CI installs them (.ci/run) and a skip there would hide that
 * nothing was tested.
 */
public final class Peers {

    private Peers() {
    }

    public static final Path ORTHANC = Path.of("/usr/sbin/Orthanc");

    /** Where Debian's orthanc-dicomweb puts the plugin (and where other builds do). */
    private static final List<Path> DICOMWEB_PLUGIN = List.of(
            Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so"),
            Path.of("/usr/lib/orthanc/plugins/libOrthancDicomWeb.so"),
            Path.of("/usr/local/share/orthanc/plugins/libOrthancDicomWeb.so"));

    public static Path requireOrthanc() {
        require(Files.isExecutable(ORTHANC), "Orthanc is not installed (" + ORTHANC + "; apt-get install orthanc"
                + " orthanc-dicomweb)");
        return ORTHANC;
    }

    public static Path requireDicomWebPlugin() {
        Path plugin = DICOMWEB_PLUGIN.stream().filter(Files::isRegularFile).findFirst().orElse(null);
        require(plugin != null, "Orthanc's DICOMweb plugin is not installed (libOrthancDicomWeb.so; apt-get install"
                + " orthanc-dicomweb)");
        return plugin;
    }

    public static Path requireDcmtk(String tool) {
        Path path = Path.of("/usr/bin", tool);
        require(Files.isExecutable(path), "DCMTK's " + tool + " is not installed (apt-get install dcmtk)");
        return path;
    }

    /** OpenSSL's command line tool, which makes the TLS tests' certificates. */
    public static Path requireOpenssl() {
        Path path = Path.of("/usr/bin/openssl");
        require(Files.isExecutable(path), "openssl is not installed (apt-get install openssl)");
        return path;
    }

    /**
     * Starts a peer's process (DCMTK's storescp, ...) with its output in {@code log}, and returns once it listens on
     * {@code port} on the loopback; fails with the log when it exits or does not listen within 30 s.
     */
    public static Process startListening(List<String> command, int port, Path log) throws IOException,
            InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!listening(port)) {
            Assertions.assertTrue(process.isAlive() && System.nanoTime() < deadline, Path.of(command.get(0))
                    .getFileName() + " did not start: " + Files.readString(log));
            Thread.sleep(100);
        }
        return process;
    }

    /** Ends a process {@link #startListening} started (null: none was). */
    public static void stop(Process process) throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor();
        }
    }

    /** Whether something accepts connections on {@code port} on the loopback. */
    public static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void require(boolean present, String reason) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(reason + "; CI=true, so this fails instead of skipping (.ci/run installs the peers)");
        }
        Assumptions.abort("skipped: " + reason);
    }
}
