package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.radmamba.app.ExitCodes;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.net.Credentials;
import org.radmamba.viewer.dicom.net.DicomNetworks;
import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.FindMatch;
import org.radmamba.viewer.dicom.net.FindQuery;
import org.radmamba.viewer.dicom.net.NetworkException;
import org.radmamba.viewer.dicom.net.NetworkTimeouts;
import org.radmamba.viewer.dicom.net.NodeDirectory;
import org.radmamba.viewer.dicom.net.QueryLevel;
import org.radmamba.viewer.dicom.net.RemoteNode;
import org.radmamba.viewer.dicom.net.StorageScp;
import org.radmamba.viewer.dicom.net.TlsIdentity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.prefs.BackingStoreException;
import java.util.stream.Stream;

/** {@code radmamba remote ...}: a PACS from the command line, through the same network port as the viewer. */
@Command(name = "remote", mixinStandardHelpOptions = true,
        description = {"Finds, retrieves and sends studies on a PACS by DIMSE or DICOMweb, and receives them.",
                "NODE is a name configured with 'remote node add', dimse://CALLED_AET@HOST:PORT or"
                        + " http(s)://HOST:PORT/PATH (DICOMweb base URL)."},
        subcommands = {RemoteCommand.Echo.class, RemoteCommand.Find.class, RemoteCommand.Get.class,
                RemoteCommand.Send.class, RemoteCommand.Listen.class, RemoteCommand.Nodes.class})
public final class RemoteCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    static final String EXIT_CODES_HEADING = "%nExit codes:%n";

    /** How to reach NODE: the node itself and the options that complete a URI. */
    static final class NodeOptions {

        @Parameters(index = "0", paramLabel = "NODE",
                description = "A configured node's name, dimse://CALLED_AET@HOST:PORT or http(s)://HOST:PORT/PATH.")
        String node;

        @Option(names = "--calling-aet", defaultValue = "RADMAMBA",
                description = "Our AE title towards a DIMSE node (default ${DEFAULT-VALUE}).")
        String callingAet;

        @Option(names = "--retrieve", defaultValue = "get", description = "get (C-GET) or move (C-MOVE to our"
                + " storage SCP, which the node must know as --calling-aet at --move-port); default ${DEFAULT-VALUE}.")
        String retrieve;

        @Option(names = "--move-port", defaultValue = "11112",
                description = "The port our storage SCP listens on during a C-MOVE (default ${DEFAULT-VALUE}).")
        int movePort;

        @Option(names = "--user", description = "DICOMweb: the user for HTTP basic authentication.")
        String user;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "DICOMweb: a file whose first line is the password (never on the command line).")
        Path passwordFile;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "DICOMweb: a file whose first line is a bearer token.")
        Path tokenFile;

        @Option(names = "--trusted-certificates", paramLabel = "FILE",
                description = "https: a PEM or DER file of the CA (or the server's own certificate) the node's"
                        + " certificate must chain to, instead of the JVM's trust store.")
        Path trustedCertificates;

        @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
                description = "How long the node may stay silent (default ${DEFAULT-VALUE} s).")
        int timeoutSeconds;

        @Option(names = "--connect-timeout", defaultValue = "10", paramLabel = "SECONDS",
                description = "How long connecting may take (default ${DEFAULT-VALUE} s).")
        int connectSeconds;

        NetworkTimeouts timeouts() {
            if (timeoutSeconds < 1 || connectSeconds < 1) {
                throw new IllegalArgumentException("timeouts are at least 1 s");
            }
            return new NetworkTimeouts(Duration.ofSeconds(connectSeconds), Duration.ofSeconds(timeoutSeconds));
        }

        Credentials credentials() throws IOException {
            return RemoteCommand.credentials(tokenFile, user, passwordFile);
        }

        /** The node: a URI as given, or a configured one by name. */
        DicomNode resolve(CommandSpec spec) throws IOException {
            boolean uri = node.contains("://");
            try {
                if (uri) {
                    DicomNode parsed = DicomNode.parse(node, callingAet, DicomNode.Retrieve.parse(retrieve), movePort,
                            credentials());
                    return parsed instanceof DicomNode.Web web && trustedCertificates != null
                            ? new DicomNode.Web(web.name(), web.baseUrl(), web.credentials(), trustedCertificates)
                            : parsed;
                }
                return NodeDirectory.forUser().find(node).orElseThrow(() -> new CommandLine.ParameterException(
                        spec.commandLine(), "no node named '" + node + "' is configured (radmamba remote node list;"
                                + " or give dimse://AET@HOST:PORT or http(s)://HOST:PORT/PATH)")).node();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            } catch (BackingStoreException e) {
                throw new IOException("the configured nodes cannot be read: " + e.getMessage(), e);
            }
        }

        RemoteNode connect(CommandSpec spec) throws IOException {
            try {
                return DicomNetworks.connect(resolve(spec), timeouts());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
    }

    /** The DICOMweb credentials the options give: a bearer token's file, else a user and a password's file. */
    static Credentials credentials(Path tokenFile, String user, Path passwordFile) throws IOException {
        if (tokenFile != null) {
            return new Credentials.Bearer(firstLine(tokenFile));
        }
        if (user != null) {
            return new Credentials.Basic(user, passwordFile == null ? "" : firstLine(passwordFile));
        }
        return Credentials.NONE;
    }

    /** The TLS identity the options give (null without a key store): the key store and its password's file. */
    static TlsIdentity tlsIdentity(Path keyStore, Path passwordFile) throws IOException {
        return keyStore == null ? null : new TlsIdentity(keyStore,
                passwordFile == null ? new char[0] : firstLine(passwordFile).toCharArray());
    }

    static String firstLine(Path file) throws IOException {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.findFirst().orElse("").strip();
        }
    }

    /** One line on stderr, and the exit code of a failed network operation. */
    static int failed(CommandSpec spec, NetworkException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(e.getMessage());
        err.flush();
        return e.failure() == NetworkException.Failure.DISK_FULL ? ExitCodes.INPUT_UNREADABLE : ExitCodes.NODE_FAILED;
    }

    @Command(name = "echo", mixinStandardHelpOptions = true,
            description = "Checks a node: C-ECHO for DIMSE, a one-study QIDO-RS search for DICOMweb.",
            exitCodeListHeading = EXIT_CODES_HEADING,
            exitCodeList = {"0:the node answered", "2:the command line is wrong",
                    "4:the node cannot be reached, refuses or does not answer"})
    static final class Echo implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NodeOptions options = new NodeOptions();

        @Override
        public Integer call() throws IOException {
            RemoteNode remote = options.connect(spec);
            try {
                remote.echo();
            } catch (NetworkException e) {
                return failed(spec, e);
            }
            spec.commandLine().getOut().println(remote.node().label() + ": answered");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "find", mixinStandardHelpOptions = true,
            description = "Searches a node (C-FIND or QIDO-RS) and lists the matches.",
            exitCodeListHeading = EXIT_CODES_HEADING,
            exitCodeList = {"0:the search ran (no match included)", "2:the command line is wrong",
                    "4:the node cannot be reached, refuses, times out or answers wrongly"})
    static final class Find implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NodeOptions options = new NodeOptions();

        @Option(names = "--level", defaultValue = "study", description = "patient, study or series"
                + " (default ${DEFAULT-VALUE}; series needs --study).")
        String level;
        @Option(names = "--patient-name", paramLabel = "P", description = "Patient's name; * and ? are wildcards.")
        String patientName;
        @Option(names = "--patient-id", paramLabel = "ID")
        String patientId;
        @Option(names = "--study-date", paramLabel = "YYYYMMDD-YYYYMMDD",
                description = "A date or a range (either end may be left open).")
        String studyDate;
        @Option(names = "--modality", paramLabel = "M")
        String modality;
        @Option(names = "--accession", paramLabel = "A")
        String accession;
        @Option(names = "--description", paramLabel = "TEXT", description = "Study description; * and ? match.")
        String description;
        @Option(names = "--study", paramLabel = "UID", description = "The study's instance UID.")
        String study;
        @Option(names = "--json", description = "Print JSON for machines instead of text.")
        boolean json;

        @Override
        public Integer call() throws IOException {
            FindQuery query;
            try {
                query = new FindQuery(QueryLevel.parse(level), patientName, patientId, studyDate, modality, accession,
                        description, study);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            RemoteNode remote = options.connect(spec);
            List<FindMatch> matches;
            try {
                matches = remote.find(query);
            } catch (NetworkException e) {
                return failed(spec, e);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                List<Map<String, Object>> items = new ArrayList<>();
                for (FindMatch m : matches) {
                    items.add(toJson(m));
                }
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(items));
            } else {
                for (FindMatch m : matches) {
                    out.println(toText(m));
                }
                out.println(matches.size() + " match(es)");
            }
            out.flush();
            return ExitCodes.OK;
        }

        static Map<String, Object> toJson(FindMatch m) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("level", m.level().name().toLowerCase(java.util.Locale.ROOT));
            item.put("PatientName", m.patientName());
            item.put("PatientID", m.patientId());
            if (m.level() != QueryLevel.PATIENT) {
                item.put("StudyInstanceUID", m.studyInstanceUid());
                item.put("StudyDate", m.studyDate());
            }
            if (m.level() == QueryLevel.SERIES) {
                item.put("SeriesInstanceUID", m.seriesInstanceUid());
                item.put("SeriesNumber", m.seriesNumber());
                item.put("SeriesDescription", m.seriesDescription());
                item.put("Modality", m.modalities().isEmpty() ? "" : m.modalities().get(0));
            } else {
                item.put("ModalitiesInStudy", m.modalities());
            }
            if (m.level() == QueryLevel.STUDY) {
                item.put("AccessionNumber", m.accessionNumber());
                item.put("StudyDescription", m.studyDescription());
            }
            item.put("NumberOfInstances", m.numberOfInstances().isPresent() ? m.numberOfInstances().getAsInt() : null);
            return item;
        }

        private static String toText(FindMatch m) {
            String instances = m.numberOfInstances().isPresent() ? m.numberOfInstances().getAsInt() + " instance(s)"
                    : "? instance(s)";
            return switch (m.level()) {
                case PATIENT -> String.format("%s (ID %s)  %s", m.patientName(), m.patientId(), instances);
                case STUDY -> String.format("%s  %s (ID %s)  %s  %s  %s  %s  %s", m.studyInstanceUid(), m.patientName(),
                        m.patientId(), m.studyDate(), String.join("\\", m.modalities()), m.accessionNumber(),
                        m.studyDescription(), instances);
                case SERIES -> String.format("%s  %s  %s  %s  %s", m.seriesInstanceUid(), m.seriesNumber(),
                        String.join("\\", m.modalities()), m.seriesDescription(), instances);
            };
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Retrieves a study or a series (C-GET, C-MOVE or WADO-RS) into DIR, one file per instance",
                    "named after its SOP Instance UID. A file appears only once complete and readable as DICOM."},
            exitCodeListHeading = EXIT_CODES_HEADING,
            exitCodeList = {"0:every instance was received", "2:the command line is wrong",
                    "3:DIR cannot take the files (disk full): what was received intact is kept",
                    "4:the node cannot be reached, refuses, times out, stops halfway or sends what is not DICOM;"
                            + " what was received intact is kept"})
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NodeOptions options = new NodeOptions();
        @Option(names = "--study", required = true, paramLabel = "UID")
        String study;
        @Option(names = "--series", paramLabel = "UID", description = "Only this series of the study.")
        String series;
        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Override
        public Integer call() throws IOException {
            RemoteNode remote = options.connect(spec);
            PrintWriter err = spec.commandLine().getErr();
            RemoteNode.RetrieveResult result;
            try {
                result = remote.retrieve(study, series, out, (file, done, total) -> {
                    if (done % 50 == 0) {
                        err.println(done + (total > 0 ? " of " + total : "") + " instance(s) received");
                        err.flush();
                    }
                });
            } catch (NetworkException e) {
                return failed(spec, e);
            }
            spec.commandLine().getOut().println(result.files().size() + " instance(s) received into " + out);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Sends DICOM files (folders: every DICOM file in them) to a node by C-STORE or STOW-RS.",
            exitCodeListHeading = EXIT_CODES_HEADING,
            exitCodeList = {"0:every file was sent and accepted", "2:the command line is wrong",
                    "3:some PATH is not readable DICOM (listed on stderr; the others were sent)",
                    "4:the node cannot be reached, refuses, times out or did not accept some files"})
    static final class Send implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        NodeOptions options = new NodeOptions();
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "PATH", description = "DICOM files or folders.")
        List<Path> paths = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            RemoteNode remote = options.connect(spec);
            PrintWriter err = spec.commandLine().getErr();
            List<Path> files = new ArrayList<>();
            List<String> unreadable = new ArrayList<>();
            for (Path path : paths) {
                if (Files.isDirectory(path)) {
                    try (Stream<Path> walk = Files.walk(path)) {
                        walk.filter(Files::isRegularFile).sorted().forEach(files::add);
                    }
                } else {
                    files.add(path);
                }
            }
            List<Path> dicom = new ArrayList<>();
            for (Path file : files) {
                try {
                    DicomReaders.standard().readHeader(file);
                    dicom.add(file);
                } catch (DicomReadException e) {
                    unreadable.add(e.getMessage());
                }
            }
            unreadable.forEach(err::println);
            if (dicom.isEmpty()) {
                err.println("nothing to send: no readable DICOM file in " + paths);
                err.flush();
                return ExitCodes.INPUT_UNREADABLE;
            }
            RemoteNode.SendResult result;
            try {
                result = remote.send(dicom, RemoteNode.TransferListener.NONE);
            } catch (NetworkException e) {
                err.flush();
                return failed(spec, e);
            }
            result.failures().forEach(f -> err.println(remote.node().label() + ": " + f));
            err.flush();
            spec.commandLine().getOut().println(result.sent() + " of " + dicom.size() + " file(s) sent to "
                    + remote.node().label());
            spec.commandLine().getOut().flush();
            if (!result.failures().isEmpty()) {
                return ExitCodes.NODE_FAILED;
            }
            return unreadable.isEmpty() ? ExitCodes.OK : ExitCodes.INPUT_UNREADABLE;
        }
    }

    @Command(name = "listen", mixinStandardHelpOptions = true,
            description = {"Runs a storage SCP: files every instance sent to AET on PORT into DIR (one line each on",
                    "stdout), until interrupted or --count instances arrived."},
            exitCodeListHeading = EXIT_CODES_HEADING,
            exitCodeList = {"0:stopped after --count instances, or interrupted", "2:the command line is wrong",
                    "4:the port cannot be opened"})
    static final class Listen implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--aet", required = true, description = "Our AE title.")
        String aet;
        @Option(names = "--port", required = true, description = "The port to listen on.")
        int port;
        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;
        @Option(names = "--allow", paramLabel = "AET", split = ",",
                description = "Accept associations only from these calling AE titles (default: any).")
        List<String> allow = new ArrayList<>();
        @Option(names = "--count", paramLabel = "N", description = "Stop after N instances.")
        Integer count;
        @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
                description = "How long an association may stay silent (default ${DEFAULT-VALUE} s).")
        int timeoutSeconds;
        @Option(names = "--tls-key-store", paramLabel = "FILE", description = "DICOM over TLS: a PKCS#12 file with"
                + " our private key and certificate.")
        Path tlsKeyStore;
        @Option(names = "--tls-password-file", paramLabel = "FILE", description = "Its first line is the key"
                + " store's password.")
        Path tlsPasswordFile;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            StorageScp.Config config;
            try {
                config = new StorageScp.Config(aet, port, this.out, new HashSet<>(allow),
                        Duration.ofSeconds(Math.max(1, timeoutSeconds)), tlsIdentity(tlsKeyStore, tlsPasswordFile));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            CountDownLatch enough = new CountDownLatch(1);
            AtomicInteger received = new AtomicInteger();
            StorageScp scp;
            try {
                scp = DicomNetworks.listen(config, new StorageScp.Listener() {
                    @Override
                    public void stored(Path file, String callingAet) {
                        synchronized (out) {
                            out.println(file + "  (from " + callingAet + ")");
                            out.flush();
                        }
                        if (count != null && received.incrementAndGet() >= count) {
                            enough.countDown();
                        }
                    }

                    @Override
                    public void failed(String message) {
                        synchronized (err) {
                            err.println(message);
                            err.flush();
                        }
                    }
                });
            } catch (IOException e) {
                err.println("storage SCP " + aet + ": " + e.getMessage());
                err.flush();
                return ExitCodes.NODE_FAILED;
            }
            try (scp) {
                err.println("storage SCP " + aet + " listening on port " + scp.port() + ", filing into " + this.out
                        + (allow.isEmpty() ? "" : " (calling AE titles " + Set.copyOf(allow) + " only)"));
                err.flush();
                enough.await();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "node", mixinStandardHelpOptions = true,
            description = "Configures nodes once (kept in the user's preferences, credentials included).",
            subcommands = {Nodes.Add.class, Nodes.ListNodes.class, Nodes.Remove.class})
    static final class Nodes implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return ExitCodes.USAGE;
        }

        @Command(name = "add", mixinStandardHelpOptions = true,
                description = "Adds or replaces a node: remote node add NAME URI [options].")
        static final class Add implements Callable<Integer> {
            @Spec
            CommandSpec spec;
            @Parameters(index = "0", paramLabel = "NAME", description = "Letters, digits, '.', '_', '-'.")
            String name;
            @Parameters(index = "1", paramLabel = "URI",
                    description = "dimse://CALLED_AET@HOST:PORT or http(s)://HOST:PORT/PATH")
            String uri;
            @Option(names = "--calling-aet", defaultValue = "RADMAMBA",
                    description = "Our AE title towards it (default ${DEFAULT-VALUE}).")
            String callingAet;
            @Option(names = "--retrieve", defaultValue = "get", description = "get or move (default ${DEFAULT-VALUE}).")
            String retrieve;
            @Option(names = "--move-port", defaultValue = "11112",
                    description = "Our storage SCP's port for C-MOVE (default ${DEFAULT-VALUE}).")
            int movePort;
            @Option(names = "--user", description = "DICOMweb: user for HTTP basic authentication.")
            String user;
            @Option(names = "--password-file", paramLabel = "FILE", description = "DICOMweb: its first line is the"
                    + " password.")
            Path passwordFile;
            @Option(names = "--token-file", paramLabel = "FILE", description = "DICOMweb: its first line is a bearer"
                    + " token.")
            Path tokenFile;
            @Option(names = "--trusted-certificates", paramLabel = "FILE", description = "https: a PEM or DER file of"
                    + " the CA (or the server's own certificate) the node's certificate must chain to.")
            Path trustedCertificates;
            @Option(names = "--tls-key-store", paramLabel = "FILE", description = "https or DICOM over TLS: a PKCS#12"
                    + " file with our private key and client certificate, for a node that requires mutual TLS.")
            Path tlsKeyStore;
            @Option(names = "--tls-password-file", paramLabel = "FILE", description = "Its first line is the key"
                    + " store's password.")
            Path tlsPasswordFile;

            @Override
            public Integer call() throws IOException, BackingStoreException {
                NodeDirectory.Entry entry;
                try {
                    TlsIdentity identity = tlsIdentity(tlsKeyStore == null ? null : tlsKeyStore.toAbsolutePath(),
                            tlsPasswordFile);
                    entry = new NodeDirectory.Entry(name, uri, callingAet, DicomNode.Retrieve.parse(retrieve),
                            movePort, credentials(), trustedCertificates == null ? null
                            : trustedCertificates.toAbsolutePath(), identity);
                    entry.node();
                    if (identity != null) {
                        identity.keyManagers();
                    }
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
                }
                NodeDirectory.forUser().save(entry);
                spec.commandLine().getOut().println("node " + entry.node().label() + " saved ("
                        + entry.credentials() + ")");
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            }

            private Credentials credentials() throws IOException {
                return RemoteCommand.credentials(tokenFile, user, passwordFile);
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the configured nodes.")
        static final class ListNodes implements Callable<Integer> {
            @Spec
            CommandSpec spec;

            @Override
            public Integer call() throws BackingStoreException {
                for (NodeDirectory.Entry entry : NodeDirectory.forUser().list()) {
                    spec.commandLine().getOut().println(entry.node().label() + "  " + entry.credentials());
                }
                spec.commandLine().getOut().flush();
                return ExitCodes.OK;
            }
        }

        @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a configured node.")
        static final class Remove implements Callable<Integer> {
            @Spec
            CommandSpec spec;
            @Parameters(index = "0", paramLabel = "NAME")
            String name;

            @Override
            public Integer call() throws BackingStoreException {
                if (!NodeDirectory.forUser().remove(name)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "no node named '" + name + "'");
                }
                return ExitCodes.OK;
            }
        }
    }
}
