package org.radmamba.app.bench;

import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.RemoteNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code radmamba bench retrieve}: a synthetic CT study (500 instances of 512×512 by default) loaded into a local
 * Orthanc that this command starts on free ports, then retrieved by our C-GET, our WADO-RS and DCMTK's getscu, runs
 * interleaved; prints for each the median time to the first instance filed and to the whole study, with the load
 * average. C-GET and WADO-RS are also run the way the search window retrieves ({@link ViewerPath}): into the study
 * browser as they arrive, with the time to the first image rendered in the viewport. Needs Orthanc with its DICOMweb plugin and DCMTK (Debian: orthanc orthanc-dicomweb dcmtk).
 */
@Command(name = "retrieve", mixinStandardHelpOptions = true,
        description = {"Retrieves a synthetic study from a local Orthanc (started here) by our C-GET and WADO-RS and by",
                "DCMTK's getscu, interleaved; prints times to the first instance and to the whole study."})
public final class BenchRetrieveCommand implements Callable<Integer> {

    private static final String USER = "bench";
    private static final String PASSWORD = "bench";

    @Spec
    CommandSpec spec;

    @Option(names = "--count", defaultValue = "500", description = "Instances (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--size", defaultValue = "512", description = "Rows and columns (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--runs", defaultValue = "3", description = "Runs of each (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--orthanc", defaultValue = "/usr/sbin/Orthanc", description = "Orthanc's binary.")
    Path orthanc;

    @Option(names = "--dicomweb-plugin", defaultValue = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so")
    Path plugin;

    @Option(names = "--getscu", defaultValue = "/usr/bin/getscu")
    Path getscu;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (Path tool : List.of(orthanc, plugin, getscu)) {
            if (!Files.exists(tool)) {
                spec.commandLine().getErr().println(tool + " is missing (apt-get install orthanc orthanc-dicomweb"
                        + " dcmtk)");
                return 3;
            }
        }
        Path work = Files.createTempDirectory("radmamba-bench-retrieve");
        Process process = null;
        try {
            List<Path> files = SyntheticCtSeries.write(work.resolve("study"), count, size, size);
            int dicomPort = freePort();
            int httpPort = freePort();
            process = startOrthanc(work, dicomPort, httpPort);
            upload(httpPort, files);
            String studyUid = org.radmamba.viewer.dicom.DicomReaders.standard().readHeader(files.get(0)).dataset()
                    .string(org.radmamba.viewer.dicom.Tag.STUDY_INSTANCE_UID, "");
            out.printf(Locale.ROOT, "study: %d instances of %dx%d (%.0f MB), Orthanc %s on 127.0.0.1%n", count, size,
                    size, files.stream().mapToLong(BenchRetrieveCommand::size).sum() / 1e6, orthanc);
            out.flush();
            NetworkTimeouts timeouts = new NetworkTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(120));
            RemoteNode dimse = DicomNetworks.connect(new DicomNode.Dimse("orthanc", "ORTHANC", "127.0.0.1", dicomPort,
                    "RADMAMBA", DicomNode.Retrieve.GET, "RADMAMBA", 0), timeouts);
            RemoteNode web = DicomNetworks.connect(new DicomNode.Web("orthanc-web",
                    URI.create("http://127.0.0.1:" + httpPort + "/dicom-web"), new Credentials.Basic(USER, PASSWORD)),
                    timeouts);
            ViewerPath viewer = ViewerPath.start(work, dimse.node(), web.node(), timeouts);
            if (viewer == null) {
                out.println("time to first image: n/a (JavaFX cannot start: no DISPLAY and no Monocle on the class"
                        + " path; run with Monocle, e.g. the command in docs/performance.md)");
            }
            List<double[]> get = new ArrayList<>();
            List<double[]> wado = new ArrayList<>();
            List<double[]> getShown = new ArrayList<>();
            List<double[]> wadoShown = new ArrayList<>();
            List<double[]> peer = new ArrayList<>();
            try {
                for (int run = 0; run < runs; run++) {
                    get.add(ours(dimse, studyUid, work.resolve("get-" + run)));
                    wado.add(ours(web, studyUid, work.resolve("wado-" + run)));
                    peer.add(getscu(dicomPort, studyUid, work.resolve("getscu-" + run)));
                    if (viewer != null) {
                        getShown.add(viewer.retrieve(ViewerPath.DIMSE, studyUid, count, work.resolve("shown-get-" + run)));
                        wadoShown.add(viewer.retrieve(ViewerPath.WEB, studyUid, count, work.resolve("shown-wado-" + run)));
                    }
                }
            } finally {
                if (viewer != null) {
                    viewer.close();
                }
            }
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            out.printf(Locale.ROOT, "%-30s %16s %16s %12s %8s%n", "retrieve (median of " + runs + ")",
                    "first filed (ms)", "first image (ms)", "whole (ms)", "MB/s");
            print(out, "RadMamba C-GET", get);
            print(out, "RadMamba WADO-RS", wado);
            if (viewer != null) {
                print(out, "RadMamba C-GET into viewer", getShown);
                print(out, "RadMamba WADO-RS into viewer", wadoShown);
            }
            print(out, "DCMTK getscu", peer);
            out.printf(Locale.ROOT, "C-GET / getscu whole-study time: %.2f; load average %.2f on %d cores%n",
                    median(get, 2) / median(peer, 2), load, Runtime.getRuntime().availableProcessors());
            out.flush();
            return 0;
        } finally {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
            deleteTree(work);
        }
    }

    private double[] ours(RemoteNode node, String studyUid, Path dir) throws IOException {
        long start = System.nanoTime();
        long[] first = {0};
        RemoteNode.RetrieveResult result = node.retrieve(studyUid, null, dir, (file, done, total) -> {
            if (done == 1) {
                first[0] = System.nanoTime();
            }
        });
        long end = System.nanoTime();
        if (result.files().size() != count) {
            throw new IOException(node.node().label() + " gave " + result.files().size() + " of " + count);
        }
        double bytes = result.files().stream().mapToLong(BenchRetrieveCommand::size).sum();
        deleteTree(dir);
        return new double[] {(first[0] - start) / 1e6, Double.NaN, (end - start) / 1e6,
            bytes / ((end - start) / 1e9) / 1e6};
    }

    private double[] getscu(int port, String studyUid, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(getscu.toString(), "-S", "-aet", "RADMAMBA", "-aec", "ORTHANC", "127.0.0.1",
                Integer.toString(port), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + studyUid,
                "-od", dir.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("getscu failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")");
        }
        long end = System.nanoTime();
        long n;
        double bytes;
        try (Stream<Path> list = Files.list(dir)) {
            List<Path> got = list.toList();
            n = got.size();
            bytes = got.stream().mapToLong(BenchRetrieveCommand::size).sum();
        }
        if (n != count) {
            throw new IOException("getscu gave " + n + " of " + count);
        }
        deleteTree(dir);
        return new double[] {Double.NaN, Double.NaN, (end - start) / 1e6, bytes / ((end - start) / 1e9) / 1e6};
    }

    private static void print(PrintWriter out, String name, List<double[]> runs) {
        out.printf(Locale.ROOT, "%-30s %16s %16s %12.0f %8.1f%n", name, orNa(median(runs, 0)), orNa(median(runs, 1)),
                median(runs, 2), median(runs, 3));
    }

    private static String orNa(double ms) {
        return Double.isNaN(ms) ? "n/a" : String.format(Locale.ROOT, "%.0f", ms);
    }

    private static double median(List<double[]> runs, int column) {
        double[] values = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    private Process startOrthanc(Path work, int dicomPort, int httpPort) throws IOException, InterruptedException {
        Path storage = Files.createDirectories(work.resolve("orthanc"));
        String config = """
                { "Name": "RadMambaBench", "StorageDirectory": "%1$s", "IndexDirectory": "%1$s",
                  "DicomAet": "ORTHANC", "DicomPort": %2$d, "HttpPort": %3$d, "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": true, "RegisteredUsers": { "%4$s": "%5$s" }, "Plugins": [ "%6$s" ],
                  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" },
                  "DicomAlwaysAllowGet": true, "DicomAlwaysAllowEcho": true, "StorageCompression": false }
                """.formatted(storage, dicomPort, httpPort, USER, PASSWORD, plugin);
        Path file = work.resolve("orthanc.json");
        Files.writeString(file, config);
        Process process = new ProcessBuilder(orthanc.toString(), file.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("orthanc.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Orthanc exited: " + Files.readString(work.resolve("orthanc.log")));
            }
            if (listening(dicomPort) && listening(httpPort)) {
                return process;
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IOException("Orthanc did not start within 60 s");
    }

    private static void upload(int httpPort, List<Path> files) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        for (Path file : files) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/instances"))
                    .header("Authorization", auth).POST(HttpRequest.BodyPublishers.ofFile(file)).build();
            for (int attempt = 1; ; attempt++) {
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() != 200) {
                        throw new IOException("Orthanc refused " + file + ": HTTP " + response.statusCode());
                    }
                    break;
                } catch (IOException e) {
                    // Orthanc closes kept-alive connections after a second; retry on a fresh one.
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
