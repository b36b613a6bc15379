package org.radmamba.app.net;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

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
