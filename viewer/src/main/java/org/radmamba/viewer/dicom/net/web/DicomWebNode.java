package org.radmamba.viewer.dicom.net.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.FindMatch;
import org.radmamba.viewer.dicom.net.FindQuery;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkException.Failure;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeTls;
import org.radmamba.viewer.dicom.net.QueryLevel;
import org.radmamba.viewer.dicom.net.ReceivedInstances;
import org.radmamba.viewer.dicom.net.RemoteNode;
import org.radmamba.viewer.dicom.net.Watchdog;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DICOMweb adapter of the network port on {@code java.net.http}: QIDO-RS (studies, series; patients as the
 * studies grouped by patient, since QIDO-RS has no patient resource), WADO-RS (the multipart/related answer read as a
 * stream, each instance filed as soon as its part ends) and STOW-RS. HTTP basic or bearer authentication; https
 * checked against the node's own certificate file when it has one, else the JVM's trust store, and our client
 * certificate shown where the node has one ({@link NodeTls}). The HttpClient's timeouts bound the connection and the wait for the answer's headers;
 * reading a body runs under a {@link Watchdog}.
 */
public final class DicomWebNode implements RemoteNode {

    private static final String DICOM_JSON = "application/dicom+json";
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);
    private static final int STOW_BATCH = 50;

    private final DicomNode.Web node;
    private final NetworkTimeouts timeouts;
    private final DicomReader reader;
    private final HttpClient client;
    private final ObjectMapper json = new ObjectMapper();

    public DicomWebNode(DicomNode.Web node, NetworkTimeouts timeouts, DicomReader reader) {
        this.node = node;
        this.timeouts = timeouts;
        this.reader = reader;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeouts.connect())
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (node.secure()) {
            try {
                builder.sslContext(NodeTls.sslContext(node));
            } catch (IllegalArgumentException e) {
                // A trusted certificate file or client key store that cannot be used: nothing is sent.
                throw new IllegalArgumentException(node.label() + ": " + e.getMessage(), e);
            }
        }
        this.client = builder.build();
    }

    @Override
    public DicomNode node() {
        return node;
    }

    @Override
    public void echo() throws NetworkException {
        qido("QIDO-RS", "/studies?limit=1");
    }

    @Override
    public List<FindMatch> find(FindQuery query) throws NetworkException {
        String step = "QIDO-RS";
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("PatientName", query.patientName());
        keys.put("PatientID", query.patientId());
        if (query.level() == QueryLevel.SERIES) {
            keys.put("Modality", query.modality());
            keys.put("includefield", "00201209,0008103E,00200011,00100010,00100020,00080020");
            JsonNode answer = qido(step, "/studies/" + encode(query.studyInstanceUid()) + "/series" + params(keys));
            List<FindMatch> matches = new ArrayList<>();
            for (JsonNode item : answer) {
                matches.add(match(QueryLevel.SERIES, item, query.studyInstanceUid()));
            }
            return matches;
        }
        keys.put("StudyDate", query.studyDate());
        keys.put("ModalitiesInStudy", query.modality());
        keys.put("AccessionNumber", query.accessionNumber());
        keys.put("StudyDescription", query.studyDescription());
        keys.put("StudyInstanceUID", query.studyInstanceUid());
        keys.put("includefield", "00201208,00080061,00081030,00080050");
        JsonNode answer = qido(step, "/studies" + params(keys));
        List<FindMatch> studies = new ArrayList<>();
        for (JsonNode item : answer) {
            studies.add(match(QueryLevel.STUDY, item, ""));
        }
        if (query.level() == QueryLevel.STUDY) {
            return studies;
        }
        Map<String, List<FindMatch>> byPatient = new LinkedHashMap<>();
        for (FindMatch study : studies) {
            byPatient.computeIfAbsent(study.patientId() + "\u0000" + study.patientName(), k -> new ArrayList<>())
                    .add(study);
        }
        List<FindMatch> patients = new ArrayList<>();
        for (List<FindMatch> group : byPatient.values()) {
            FindMatch first = group.get(0);
            boolean counted = group.stream().allMatch(m -> m.numberOfInstances().isPresent());
            int total = group.stream().mapToInt(m -> m.numberOfInstances().orElse(0)).sum();
            patients.add(new FindMatch(QueryLevel.PATIENT, first.patientName(), first.patientId(), "", "", "",
                    group.stream().flatMap(m -> m.modalities().stream()).distinct().toList(), "", "", "", "",
                    counted ? OptionalInt.of(total) : OptionalInt.empty()));
        }
        return patients;
    }

    @Override
    public RetrieveResult retrieve(String studyInstanceUid, String seriesInstanceUid, Path outDir,
            TransferListener listener) throws NetworkException {
        String step = "WADO-RS";
        ReceivedInstances store;
        try {
            store = new ReceivedInstances(outDir, reader);
        } catch (IOException e) {
            throw new NetworkException(node.label(), "storing", ReceivedInstances.isDiskFull(e) ? Failure.DISK_FULL
                    : Failure.REFUSED, "cannot write to " + outDir + ": " + e.getMessage(), e);
        }
        String path = "/studies/" + encode(studyInstanceUid)
                + (seriesInstanceUid == null || seriesInstanceUid.isBlank() ? ""
                        : "/series/" + encode(seriesInstanceUid));
        List<Path> files = Collections.synchronizedList(new ArrayList<>());
        List<String> rejected = Collections.synchronizedList(new ArrayList<>());
        Failure[] rejectedKind = {null};
        run(step, () -> " after " + files.size() + " instance(s) (those received are kept in " + outDir + ")",
                activity -> {
                    HttpResponse<InputStream> response = client.send(request(path)
                            .header("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*")
                            .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                    try (InputStream body = response.body()) {
                        check(step, response.statusCode(), path);
                        String contentType = response.headers().firstValue("Content-Type").orElse("");
                        Matcher boundary = BOUNDARY.matcher(contentType);
                        if (!contentType.toLowerCase(Locale.ROOT).startsWith("multipart/related") || !boundary.find()) {
                            throw new NetworkException(node, step, Failure.MALFORMED, "expected multipart/related,"
                                    + " got '" + contentType + "'");
                        }
                        MultipartStream parts = new MultipartStream(new TouchingInputStream(body, activity),
                                boundary.group(1));
                        Map<String, String> headers;
                        while ((headers = parts.nextPart()) != null) {
                            String type = headers.getOrDefault("content-type", "");
                            try (ReceivedInstances.Incoming incoming = store.beginUnnamed()) {
                                long length = parts.copyBody(incoming.out());
                                String declared = headers.get("content-length");
                                if (declared != null && !declared.equals(Long.toString(length))) {
                                    throw new ReceivedInstances.InvalidInstanceException("its part declares "
                                            + declared + " bytes but holds " + length);
                                }
                                if (!type.toLowerCase(Locale.ROOT).startsWith("application/dicom")) {
                                    throw new ReceivedInstances.InvalidInstanceException("a part of type '" + type
                                            + "', not application/dicom");
                                }
                                Path file = incoming.commit();
                                files.add(file);
                                listener.instanceDone(file, files.size(), -1);
                            } catch (ReceivedInstances.InvalidInstanceException e) {
                                rejected.add(e.getMessage());
                                rejectedKind[0] = Failure.NOT_DICOM;
                            } catch (IOException e) {
                                if (!ReceivedInstances.isDiskFull(e)) {
                                    throw e;
                                }
                                throw new NetworkException(node.label(), "storing", Failure.DISK_FULL, "cannot write "
                                        + outDir + ": " + e.getMessage() + "; " + files.size() + " instance(s) kept",
                                        e);
                            }
                        }
                    }
                    return null;
                });
        if (!rejected.isEmpty()) {
            throw new NetworkException(node, step, rejectedKind[0], rejected.size() + " part(s) not kept ("
                    + rejected.get(0) + "); " + files.size() + " instance(s) kept in " + outDir);
        }
        if (files.isEmpty()) {
            throw new NetworkException(node, step, Failure.REFUSED, "the node sent no instance of " + path);
        }
        return new RetrieveResult(files);
    }

    @Override
    public SendResult send(List<Path> files, TransferListener listener) throws NetworkException {
        String step = "STOW-RS";
        List<String> failures = new ArrayList<>();
        List<Path> readable = new ArrayList<>();
        for (Path file : files) {
            try {
                reader.readHeader(file);
                readable.add(file);
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        AtomicInteger sent = new AtomicInteger();
        for (int from = 0; from < readable.size(); from += STOW_BATCH) {
            List<Path> batch = readable.subList(from, Math.min(readable.size(), from + STOW_BATCH));
            JsonNode answer = run(step, () -> " after " + sent.get() + " of " + readable.size() + " file(s)",
                    activity -> {
                        String boundary = "radmamba-" + UUID.randomUUID();
                        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
                        for (Path file : batch) {
                            parts.add(HttpRequest.BodyPublishers.ofString("\r\n--" + boundary
                                    + "\r\nContent-Type: application/dicom\r\n\r\n", StandardCharsets.ISO_8859_1));
                            parts.add(HttpRequest.BodyPublishers.ofFile(file));
                        }
                        parts.add(HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n",
                                StandardCharsets.ISO_8859_1));
                        HttpRequest post = request("/studies")
                                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary="
                                        + boundary)
                                .header("Accept", DICOM_JSON)
                                .POST(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new)))
                                .build();
                        HttpResponse<byte[]> response;
                        try {
                            response = client.send(post, HttpResponse.BodyHandlers.ofByteArray());
                        } catch (HttpTimeoutException | ConnectException e) {
                            throw e;
                        } catch (IOException staleConnection) {
                            if (tlsFailure(staleConnection)) {
                                // The node refused the session (our client certificate, or its own not trusted):
                                // a new connection would be refused alike, and lose the reason.
                                throw staleConnection;
                            }
                            // A pooled connection the server closed meanwhile (Orthanc keeps one alive for 1 s):
                            // the JDK retries only idempotent requests. Storing an instance twice is harmless.
                            response = client.send(post, HttpResponse.BodyHandlers.ofByteArray());
                        }
                        activity.touch();
                        int status = response.statusCode();
                        // 200 all stored, 202 some failed, 409 none stored: the body says which. Orthanc's
                        // DICOMweb plugin answers 400 when one instance of the batch failed, with the same body
                        // listing those stored and those not: that answer counts, not its status alone.
                        if (status != 200 && status != 202 && status != 409 && !stowAnswer(response.body())) {
                            check(step, status, "/studies");
                        }
                        return parse(step, response.body());
                    });
            JsonNode failed = answer.path("00081198").path("Value");
            for (JsonNode item : failed) {
                JsonNode reason = item.path("00081197").path("Value").path(0);
                // The Failure Reason is a DIMSE status (PS3.18 Table 10.6.3-3), written in hex as DIMSE ones are.
                failures.add("instance " + text(item, "00081155") + " refused by the node (status " + (reason.isInt()
                        ? String.format(Locale.ROOT, "%04X", reason.asInt()) : reason.asText("?")) + ")");
            }
            int accepted = answer.path("00081199").path("Value").size();
            for (int i = 0; i < accepted; i++) {
                listener.instanceDone(null, sent.incrementAndGet(), readable.size());
            }
        }
        return new SendResult(sent.get(), failures);
    }

    // --- HTTP ---

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
                .timeout(timeouts.idle());
        node.credentials().authorization().ifPresent(value -> builder.header("Authorization", value));
        return builder;
    }

    private JsonNode qido(String step, String path) throws NetworkException {
        return run(step, () -> "", activity -> {
            HttpResponse<byte[]> response = client.send(request(path).header("Accept", DICOM_JSON).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 204) {
                return json.createArrayNode();
            }
            check(step, response.statusCode(), path);
            JsonNode answer = parse(step, response.body());
            if (!answer.isArray()) {
                throw new NetworkException(node, step, Failure.MALFORMED, "the answer is not a JSON array");
            }
            return answer;
        });
    }

    /** Whether a body is a STOW-RS answer: DICOM JSON with a Failed or Referenced SOP Sequence. */
    private boolean stowAnswer(byte[] body) {
        try {
            JsonNode answer = json.readTree(body);
            return answer != null && (answer.has("00081198") || answer.has("00081199"));
        } catch (IOException e) {
            return false;
        }
    }

    private JsonNode parse(String step, byte[] body) throws NetworkException {
        if (body.length == 0) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new NetworkException(node, step, Failure.MALFORMED, "the answer is not JSON ("
                    + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new NetworkException(node, step, Failure.MALFORMED, "the answer cannot be read: " + e.getMessage());
        }
    }

    private void check(String step, int status, String path) throws NetworkException {
        if (status >= 200 && status < 300) {
            return;
        }
        String reason = switch (status) {
            case 401 -> "authentication failed (HTTP 401): check the node's user and password or token";
            case 403 -> "access denied (HTTP 403)";
            case 404 -> "not found (HTTP 404): " + node.baseUrl() + path;
            case 406 -> "the node cannot answer in the format asked (HTTP 406)";
            default -> "the node answered HTTP " + status;
        };
        throw new NetworkException(node, step, Failure.REFUSED, reason);
    }

    private interface Progress {
        String describe();
    }

    private <T> T run(String step, Progress progress, Watchdog.Body<T> body) throws NetworkException {
        try {
            return Watchdog.run("dicomweb " + step + " " + node.label(), timeouts.idle(), body);
        } catch (NetworkException e) {
            throw e;
        } catch (TimeoutException | HttpTimeoutException e) {
            if (e instanceof HttpConnectTimeoutException) {
                throw new NetworkException(node, step, Failure.UNREACHABLE, "no answer from " + node.baseUrl()
                        + " within " + timeouts.connect().toSeconds() + " s (host down or port filtered)");
            }
            throw new NetworkException(node, step, Failure.TIMEOUT, "no answer for " + timeouts.idle().toSeconds()
                    + " s" + progress.describe());
        } catch (ConnectException e) {
            throw new NetworkException(node, step, Failure.UNREACHABLE, "connection refused: nothing listens at "
                    + node.baseUrl().getHost() + ":" + port());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException(node, step, Failure.CANCELLED, "cancelled" + progress.describe());
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (e.getCause() instanceof java.nio.channels.UnresolvedAddressException
                    || e instanceof java.net.UnknownHostException) {
                throw new NetworkException(node, step, Failure.UNREACHABLE, "unknown host "
                        + node.baseUrl().getHost());
            }
            Throwable refusal = tlsFailure(e) ? e : tlsRefusal();
            if (refusal != null) {
                throw new NetworkException(node.label(), step, Failure.REFUSED, NodeTls.reason(refusal, node,
                        node.baseUrl().getHost()), e);
            }
            throw new NetworkException(node.label(), step, Failure.CUT_OFF, "the connection broke (" + m + ")"
                    + progress.describe(), e);
        } catch (Exception e) {
            throw new NetworkException(node.label(), step, Failure.MALFORMED, "unexpected failure: " + e
                    + progress.describe(), e);
        }
    }

    /**
     * Why a broken connection to an https node broke, when the node refuses our TLS session: a TLS 1.3 server checks
     * our client certificate after our side of the handshake is done, and the JDK's client, busy writing a request's
     * body (STOW-RS), sees only a broken pipe and loses the server's alert. A GET reads the answer and so the alert.
     * Null when the node is not https or takes the session.
     */
    private Throwable tlsRefusal() {
        if (!node.secure()) {
            return null;
        }
        try {
            // Bounded by the connect timeout: a node that takes the session but stays silent is not refusing it.
            client.send(request("/studies?limit=1").timeout(timeouts.connect()).header("Accept", DICOM_JSON).GET()
                    .build(), HttpResponse.BodyHandlers.discarding());
            return null;
        } catch (IOException e) {
            return tlsFailure(e) ? e : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A failed TLS session: the JDK's client reports a refusal that arrives after its handshake as a cause. */
    private static boolean tlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    private int port() {
        int port = node.baseUrl().getPort();
        return port >= 0 ? port : "https".equals(node.baseUrl().getScheme()) ? 443 : 80;
    }

    private static String params(Map<String, String> keys) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, String> key : keys.entrySet()) {
            if (key.getValue().isEmpty()) {
                continue;
            }
            for (String value : key.getKey().equals("includefield") ? key.getValue().split(",")
                    : new String[] {key.getValue()}) {
                query.append(query.isEmpty() ? '?' : '&').append(key.getKey()).append('=').append(encode(value));
            }
        }
        return query.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("%2A", "*");
    }

    // --- DICOM JSON (PS3.18 F.2) ---

    private static FindMatch match(QueryLevel level, JsonNode item, String studyUid) {
        String count = text(item, level == QueryLevel.SERIES ? "00201209" : "00201208");
        OptionalInt instances = count.matches("\\d+") ? OptionalInt.of(Integer.parseInt(count)) : OptionalInt.empty();
        List<String> modalities = new ArrayList<>();
        for (JsonNode value : item.path(level == QueryLevel.SERIES ? "00080060" : "00080061").path("Value")) {
            if (!value.asText().isBlank()) {
                modalities.add(value.asText().trim());
            }
        }
        String study = text(item, "0020000D");
        return new FindMatch(level, personName(item, "00100010"), text(item, "00100020"),
                study.isEmpty() ? studyUid : study, text(item, "0020000E"), text(item, "00080020"), modalities,
                text(item, "00080050"), text(item, "00081030"), text(item, "0008103E"), text(item, "00200011"),
                instances);
    }

    private static String text(JsonNode item, String tag) {
        JsonNode value = item.path(tag).path("Value").path(0);
        return value.isMissingNode() || value.isNull() ? "" : value.asText().trim();
    }

    private static String personName(JsonNode item, String tag) {
        JsonNode value = item.path(tag).path("Value").path(0);
        return value.isObject() ? value.path("Alphabetic").asText("").trim() : value.asText("").trim();
    }

    /** Tells the watchdog of every read that returns bytes. */
    private static final class TouchingInputStream extends InputStream {
        private final InputStream in;
        private final Watchdog.Activity activity;

        TouchingInputStream(InputStream in, Watchdog.Activity activity) {
            this.in = in;
            this.activity = activity;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            activity.touch();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            activity.touch();
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
