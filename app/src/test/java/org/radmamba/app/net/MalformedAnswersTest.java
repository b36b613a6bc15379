package org.radmamba.app.net;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.FindQuery;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.RemoteNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Answers no real PACS gives on purpose (Orthanc cannot be made to send them): a QIDO-RS answer that is not JSON, a
 * WADO-RS part that is not DICOM or shorter than it declares, a body cut off inside a part. Served by the JDK's
 * small HTTP server; each must end in a one-line message, with what arrived intact kept and nothing else.
 */
class MalformedAnswersTest {

    private static final String BOUNDARY = "b0undary";

    @TempDir
    Path dir;

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private RemoteNode serve(String contentType, byte[] body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/dicom-web", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/dicom-web");
        return DicomNetworks.connect(new DicomNode.Web("odd-node", base, Credentials.NONE),
                new NetworkTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    private byte[] multipart(byte[]... parts) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            body.write(("--" + BOUNDARY + "\r\n").getBytes(StandardCharsets.US_ASCII));
            body.write(part);
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    private static byte[] part(String headers, byte[] content) throws IOException {
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        part.write((headers + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        part.write(content);
        return part.toByteArray();
    }

    @Test
    void a_search_answer_that_is_not_json_is_malformed() throws Exception {
        RemoteNode node = serve("application/dicom+json", "<html>Internal error</html>".getBytes());

        NetworkException e = assertThrows(NetworkException.class, () -> node.find(FindQuery.studies()));

        assertEquals(NetworkException.Failure.MALFORMED, e.failure());
        assertTrue(e.getMessage().startsWith("odd-node (" + node.node().label().replaceAll(".*\\(|\\)", "")
                + "): QIDO-RS: the answer is not JSON"), e.getMessage());
    }

    @Test
    void parts_that_are_not_dicom_or_shorter_than_declared_are_not_kept_and_the_good_one_is() throws Exception {
        List<Path> files = Fixtures.study(dir.resolve("fixtures"), Fixtures.SMITH, 1, 3, 16);
        byte[] good = Files.readAllBytes(files.get(0));
        byte[] second = Files.readAllBytes(files.get(1));
        RemoteNode node = serve("multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY, multipart(
                part("Content-Type: application/dicom", good),
                part("Content-Type: text/html", "<p>not an instance</p>".getBytes()),
                part("Content-Type: application/dicom\r\nContent-Length: " + (second.length + 10), second),
                part("Content-Type: application/dicom", "DICM? no".getBytes())));
        Path out = dir.resolve("out");

        NetworkException e = assertThrows(NetworkException.class,
                () -> node.retrieve(Fixtures.SMITH.studyUid(), null, out, RemoteNode.TransferListener.NONE));

        assertEquals(NetworkException.Failure.NOT_DICOM, e.failure());
        assertTrue(e.getMessage().contains("WADO-RS: 3 part(s) not kept (a part of type 'text/html', not"
                + " application/dicom); 1 instance(s) kept in " + out), e.getMessage());
        assertEquals(List.of(out.resolve(Fixtures.seriesUid(Fixtures.SMITH, 1) + ".1.dcm")), Received.files(out));
    }

    @Test
    void a_body_cut_off_inside_a_part_keeps_the_parts_before() throws Exception {
        List<Path> files = Fixtures.study(dir.resolve("fixtures"), Fixtures.SMITH, 1, 2, 16);
        byte[] whole = multipart(part("Content-Type: application/dicom", Files.readAllBytes(files.get(0))),
                part("Content-Type: application/dicom", Files.readAllBytes(files.get(1))));
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 300);
        // A raw socket: the JDK's HTTP server cannot be made to drop a connection in the middle of a body.
        try (java.net.ServerSocket raw = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (java.net.Socket socket = raw.accept()) {
                    java.io.BufferedReader request = new java.io.BufferedReader(new java.io.InputStreamReader(
                            socket.getInputStream(), StandardCharsets.US_ASCII));
                    String line;
                    while ((line = request.readLine()) != null && !line.isEmpty()) {
                        // The request's headers; the answer is the same whatever they say.
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: multipart/related; type=\"application/dicom\";"
                            + " boundary=" + BOUNDARY + "\r\nContent-Length: " + whole.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(truncated);
                    out.flush();
                } catch (IOException ignored) {
                    // The client went away.
                }
            });
            URI base = URI.create("http://127.0.0.1:" + raw.getLocalPort() + "/dicom-web");
            RemoteNode node = DicomNetworks.connect(new DicomNode.Web("odd-node", base, Credentials.NONE),
                    new NetworkTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
            Path out = dir.resolve("out");

            NetworkException e = assertThrows(NetworkException.class,
                    () -> node.retrieve(Fixtures.SMITH.studyUid(), null, out, RemoteNode.TransferListener.NONE));

            assertEquals(NetworkException.Failure.CUT_OFF, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("after 1 instance(s)"), e.getMessage());
            assertEquals(1, Received.files(out).size());
        }
    }
}
