package org.radmamba.viewer.dicom.pixelmed.net;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CEchoRequestCommandMessage;
import com.pixelmed.network.CFindRequestCommandMessage;
import com.pixelmed.network.CGetRequestCommandMessage;
import com.pixelmed.network.CMoveRequestCommandMessage;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.MessageServiceElementCommand;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.SCUSCPRoleSelection;
import com.pixelmed.network.StorageSOPClassSCU;
import org.radmamba.viewer.dicom.DicomHeader;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.Tag;
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
import org.radmamba.viewer.dicom.net.StorageScp;
import org.radmamba.viewer.dicom.net.Watchdog;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The DIMSE adapter of the network port, on PixelMed's association and message classes: C-ECHO, C-FIND (patient root
 * at patient level, study root otherwise), C-GET (we take the SCP role for the storage classes), C-MOVE to a storage
 * SCP of our own started for the move, and C-STORE. PixelMed sets no socket timeouts; every operation runs under a
 * {@link Watchdog} and connects first with a bounded probe, so no wait is unbounded.
 */
public final class PixelMedDimseNode implements RemoteNode {

    private static final String IMPLICIT_LE = TransferSyntax.ImplicitVRLittleEndian;
    private static final String EXPLICIT_LE = TransferSyntax.ExplicitVRLittleEndian;
    private static final int PENDING = 0xFF00;
    private static final int PENDING_WARNING = 0xFF01;
    private static final int MOVE_DESTINATION_UNKNOWN = 0xA801;
    private static final AttributeTag NUMBER_OF_PATIENT_RELATED_INSTANCES = new AttributeTag(0x0020, 0x1204);

    /**
     * The storage classes we accept on a C-GET association (at most 127 presentation contexts fit one association):
     * the images, segmentations, reports and documents a viewer shows.
     */
    private static final List<String> RETRIEVED_STORAGE_CLASSES = List.of(
            SOPClass.CTImageStorage, SOPClass.EnhancedCTImageStorage, SOPClass.MRImageStorage,
            SOPClass.EnhancedMRImageStorage, SOPClass.EnhancedMRColorImageStorage,
            SOPClass.ComputedRadiographyImageStorage, SOPClass.DigitalXRayImageStorageForPresentation,
            SOPClass.DigitalXRayImageStorageForProcessing, SOPClass.DigitalMammographyXRayImageStorageForPresentation,
            SOPClass.DigitalMammographyXRayImageStorageForProcessing, SOPClass.UltrasoundImageStorage,
            SOPClass.UltrasoundMultiframeImageStorage, SOPClass.SecondaryCaptureImageStorage,
            "1.2.840.10008.5.1.4.1.1.7.1", "1.2.840.10008.5.1.4.1.1.7.2", "1.2.840.10008.5.1.4.1.1.7.3",
            "1.2.840.10008.5.1.4.1.1.7.4", SOPClass.XRayAngiographicImageStorage,
            "1.2.840.10008.5.1.4.1.1.12.2", SOPClass.NuclearMedicineImageStorage, SOPClass.PETImageStorage,
            "1.2.840.10008.5.1.4.1.1.130", SOPClass.SegmentationStorage, SOPClass.BasicTextSRStorage,
            SOPClass.EnhancedSRStorage, SOPClass.ComprehensiveSRStorage, "1.2.840.10008.5.1.4.1.1.88.34",
            SOPClass.KeyObjectSelectionDocumentStorage, SOPClass.GrayscaleSoftcopyPresentationStateStorage,
            SOPClass.RTStructureSetStorage, "1.2.840.10008.5.1.4.1.1.481.1", "1.2.840.10008.5.1.4.1.1.481.2",
            SOPClass.EncapsulatedPDFStorage, "1.2.840.10008.5.1.4.1.1.77.1.4", "1.2.840.10008.5.1.4.1.1.77.1.1",
            "1.2.840.10008.5.1.4.1.1.77.1.2", "1.2.840.10008.5.1.4.1.1.77.1.6", "1.2.840.10008.5.1.4.1.1.66",
            "1.2.840.10008.5.1.4.1.1.66.1", "1.2.840.10008.5.1.4.1.1.2.2", "1.2.840.10008.5.1.4.1.1.4.4");

    /** What we accept in a C-GET: as stored first (no transcoding on the node), natively otherwise. */
    private static final List<String> RETRIEVED_TRANSFER_SYNTAXES = List.of(EXPLICIT_LE, IMPLICIT_LE,
            TransferSyntax.JPEGLosslessSV1, TransferSyntax.JPEGLossless, TransferSyntax.JPEGBaseline,
            TransferSyntax.JPEGExtended, TransferSyntax.JPEGLS, TransferSyntax.JPEGNLS, TransferSyntax.JPEG2000Lossless,
            TransferSyntax.JPEG2000, TransferSyntax.RLE, TransferSyntax.DeflatedExplicitVRLittleEndian);

    private static final Set<String> NATIVE = Set.of(IMPLICIT_LE, EXPLICIT_LE, TransferSyntax.ExplicitVRBigEndian);

    private final DicomNode.Dimse node;
    private final NetworkTimeouts timeouts;
    private final DicomReader reader;

    public PixelMedDimseNode(DicomNode.Dimse node, NetworkTimeouts timeouts, DicomReader reader) {
        this.node = node;
        this.timeouts = timeouts;
        this.reader = reader;
    }

    @Override
    public DicomNode node() {
        return node;
    }

    @Override
    public void echo() throws NetworkException {
        String step = "C-ECHO";
        operate(step, () -> "", activity -> {
            Association association = open(step, contexts(List.of(SOPClass.Verification)), null);
            try {
                int[] finalStatus = {-1};
                association.setReceivedDataHandler(new MessageReceiver(null, activity, node.calledAet()) {
                    @Override
                    void message(Association a, byte contextId, AttributeList command, AttributeList data) {
                        finalStatus[0] = status(command);
                        setDone(true);
                    }
                });
                byte contextId = association.getSuitablePresentationContextID(SOPClass.Verification);
                association.send(contextId, new CEchoRequestCommandMessage().getBytes(), null);
                association.waitForPDataPDUsUntilHandlerReportsDone();
                if (finalStatus[0] != 0) {
                    throw new NetworkException(node, step, Failure.REFUSED, "the node answered status " + hex(finalStatus[0]));
                }
            } finally {
                release(association);
            }
            return null;
        });
    }

    @Override
    public List<FindMatch> find(FindQuery query) throws NetworkException {
        String step = "C-FIND";
        String sopClass = query.level() == QueryLevel.PATIENT ? SOPClass.PatientRootQueryRetrieveInformationModelFind
                : SOPClass.StudyRootQueryRetrieveInformationModelFind;
        AttributeList identifier = identifier(query);
        List<FindMatch> matches = Collections.synchronizedList(new ArrayList<>());
        operate(step, () -> " after " + matches.size() + " match(es)", activity -> {
            Association association = open(step, contexts(List.of(sopClass)), null);
            try {
                int[] finalStatus = {-1};
                String[] errorComment = {""};
                association.setReceivedDataHandler(new MessageReceiver(null, activity, node.calledAet()) {
                    @Override
                    void message(Association a, byte contextId, AttributeList command, AttributeList data)
                            throws DicomNetworkException {
                        if (commandField(command) != MessageServiceElementCommand.C_FIND_RSP) {
                            throw new DicomNetworkException("expected a C-FIND response, got command "
                                    + hex(commandField(command)));
                        }
                        int s = status(command);
                        if (s == PENDING || s == PENDING_WARNING) {
                            if (data == null) {
                                throw new DicomNetworkException("a pending C-FIND response without an identifier");
                            }
                            matches.add(match(query.level(), data));
                        } else {
                            finalStatus[0] = s;
                            errorComment[0] = string(command, TagFromName.ErrorComment);
                            setDone(true);
                        }
                    }
                });
                byte contextId = association.getSuitablePresentationContextID(sopClass);
                association.send(contextId, new CFindRequestCommandMessage(sopClass).getBytes(), null);
                association.send(contextId, null, MessageReceiver.dataSet(identifier, association.getTransferSyntaxForPresentationContextID(contextId)));
                association.waitForPDataPDUsUntilHandlerReportsDone();
                if (finalStatus[0] != 0) {
                    throw new NetworkException(node, step, Failure.REFUSED, "the node answered status "
                            + hex(finalStatus[0]) + (errorComment[0].isEmpty() ? "" : " (" + errorComment[0] + ")"));
                }
            } finally {
                release(association);
            }
            return null;
        });
        return List.copyOf(matches);
    }

    @Override
    public RetrieveResult retrieve(String studyInstanceUid, String seriesInstanceUid, Path outDir,
            TransferListener listener) throws NetworkException {
        ReceivedInstances store = localStore(outDir);
        AttributeList identifier = new AttributeList();
        boolean series = seriesInstanceUid != null && !seriesInstanceUid.isBlank();
        put(identifier, new CodeStringAttribute(TagFromName.QueryRetrieveLevel), series ? "SERIES" : "STUDY");
        put(identifier, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), studyInstanceUid);
        if (series) {
            put(identifier, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), seriesInstanceUid);
        }
        Transfer transfer = new Transfer(listener);
        if (node.retrieve() == DicomNode.Retrieve.GET) {
            retrieveByGet(identifier, store, transfer);
        } else {
            retrieveByMove(identifier, store, transfer);
        }
        return new RetrieveResult(transfer.files());
    }

    /** What a retrieve has received so far, shared between the operation and its error messages. */
    private static final class Transfer {
        private final TransferListener listener;
        private final List<Path> files = Collections.synchronizedList(new ArrayList<>());
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger remaining = new AtomicInteger(-1);
        private volatile Failure failure;
        private volatile int status = -1;
        private volatile String comment = "";
        private volatile int failedSubOperations;

        Transfer(TransferListener listener) {
            this.listener = listener;
        }

        void stored(Path file) {
            files.add(file);
            int done = files.size();
            int left = remaining.get();
            listener.instanceDone(file, done, left < 0 ? -1 : Math.max(done, done + left - 1));
        }

        void failed(String sopInstanceUid, Failure kind, String reason) {
            if (failure == null || kind == Failure.DISK_FULL) {
                failure = kind;
            }
            failures.add(sopInstanceUid + ": " + reason);
        }

        /** A C-GET or C-MOVE response; true when it is the final one. */
        boolean response(AttributeList command) {
            int s = MessageReceiver.status(command);
            int left = Attribute.getSingleIntegerValueOrDefault(command, TagFromName.NumberOfRemainingSuboperations,
                    -1);
            if (left >= 0) {
                remaining.set(left);
            }
            if (s == PENDING || s == PENDING_WARNING) {
                return false;
            }
            status = s;
            comment = MessageReceiver.string(command, TagFromName.ErrorComment);
            failedSubOperations = Attribute.getSingleIntegerValueOrDefault(command,
                    TagFromName.NumberOfFailedSuboperations, 0);
            return true;
        }

        List<Path> files() {
            synchronized (files) {
                return List.copyOf(files);
            }
        }

        String progress(Path dir) {
            int n = files.size();
            int left = remaining.get();
            return " after " + n + (left >= 0 ? " of " + (n + left) : "") + " instance(s) (those received are kept in "
                    + dir + ")";
        }
    }

    private void retrieveByGet(AttributeList identifier, ReceivedInstances store, Transfer transfer)
            throws NetworkException {
        String step = "C-GET";
        String sopClass = SOPClass.StudyRootQueryRetrieveInformationModelGet;
        operate(step, () -> transfer.progress(store.dir()), activity -> {
            LinkedList<PresentationContext> contexts = contexts(List.of(sopClass));
            LinkedList<SCUSCPRoleSelection> roles = new LinkedList<>();
            byte id = (byte) (contexts.size() * 2 + 1);
            for (String storageClass : RETRIEVED_STORAGE_CLASSES) {
                contexts.add(new PresentationContext(id, storageClass, new LinkedList<>(RETRIEVED_TRANSFER_SYNTAXES)));
                id += 2;
                roles.add(new SCUSCPRoleSelection(storageClass, false, true));
            }
            Association association = open(step, contexts, roles);
            try {
                association.setReceivedDataHandler(new MessageReceiver(store, activity, node.calledAet()) {
                    @Override
                    void message(Association a, byte contextId, AttributeList command, AttributeList data)
                            throws DicomNetworkException {
                        if (commandField(command) != MessageServiceElementCommand.C_GET_RSP) {
                            throw new DicomNetworkException("expected a C-GET response or a C-STORE request, got"
                                    + " command " + hex(commandField(command)));
                        }
                        if (transfer.response(command)) {
                            setDone(true);
                        }
                    }

                    @Override
                    void stored(Path file) {
                        transfer.stored(file);
                    }

                    @Override
                    void storeFailed(String sopInstanceUid, Failure failure, String reason) {
                        transfer.failed(sopInstanceUid, failure, reason);
                    }
                });
                byte contextId = association.getSuitablePresentationContextID(sopClass);
                association.send(contextId, new CGetRequestCommandMessage(sopClass).getBytes(), null);
                association.send(contextId, null, MessageReceiver.dataSet(identifier, association.getTransferSyntaxForPresentationContextID(contextId)));
                association.waitForPDataPDUsUntilHandlerReportsDone();
            } finally {
                release(association);
            }
            return null;
        });
        judge(step, transfer, store);
    }

    private void retrieveByMove(AttributeList identifier, ReceivedInstances store, Transfer transfer)
            throws NetworkException {
        String step = "C-MOVE";
        String sopClass = SOPClass.StudyRootQueryRetrieveInformationModelMove;
        StorageScp.Config config = new StorageScp.Config(node.moveAet(), node.movePort(), store.dir(), Set.of(),
                timeouts.idle());
        operate(step, () -> transfer.progress(store.dir()), activity -> {
            StorageScp.Listener listener = new StorageScp.Listener() {
                @Override
                public void stored(Path file, String callingAet) {
                    activity.touch();
                    transfer.stored(file);
                }

                @Override
                public void failed(String message) {
                    activity.touch();
                    transfer.failed("", message.contains("full") ? Failure.DISK_FULL : Failure.NOT_DICOM, message);
                }
            };
            PixelMedStorageScp scp;
            try {
                scp = PixelMedStorageScp.start(config, listener, reader, store);
            } catch (IOException e) {
                throw new NetworkException(node, step, Failure.REFUSED, "our storage SCP cannot listen on port "
                        + node.movePort() + " for the move: " + e.getMessage());
            }
            try (scp) {
                Association association = open(step, contexts(List.of(sopClass)), null);
                try {
                    association.setReceivedDataHandler(new MessageReceiver(null, activity, node.calledAet()) {
                        @Override
                        void message(Association a, byte contextId, AttributeList command, AttributeList data)
                                throws DicomNetworkException {
                            if (commandField(command) != MessageServiceElementCommand.C_MOVE_RSP) {
                                throw new DicomNetworkException("expected a C-MOVE response, got command "
                                        + hex(commandField(command)));
                            }
                            if (transfer.response(command)) {
                                setDone(true);
                            }
                        }
                    });
                    byte contextId = association.getSuitablePresentationContextID(sopClass);
                    association.send(contextId, new CMoveRequestCommandMessage(sopClass, node.moveAet()).getBytes(),
                            null);
                    association.send(contextId, null, MessageReceiver.dataSet(identifier, association.getTransferSyntaxForPresentationContextID(contextId)));
                    association.waitForPDataPDUsUntilHandlerReportsDone();
                } finally {
                    release(association);
                }
            }
            return null;
        });
        judge(step, transfer, store);
    }

    /** After the final response: what the node said and what we could keep. */
    private void judge(String step, Transfer transfer, ReceivedInstances store) throws NetworkException {
        if (transfer.failure != null) {
            throw new NetworkException(node, step, transfer.failure, transfer.failures.size()
                    + " instance(s) not kept (" + transfer.failures.get(0) + "); " + transfer.files.size()
                    + " kept in " + store.dir());
        }
        int status = transfer.status;
        if (status == MOVE_DESTINATION_UNKNOWN) {
            throw new NetworkException(node, step, Failure.REFUSED, "the node does not know the move destination "
                    + node.moveAet() + " (configure it there as " + node.moveAet() + " at this host, port "
                    + node.movePort() + ")");
        }
        if (status != 0 && (status & 0xF000) != 0xB000) {
            throw new NetworkException(node, step, Failure.REFUSED, "the node answered status " + hex(status)
                    + (transfer.comment.isEmpty() ? "" : " (" + transfer.comment + ")") + "; "
                    + transfer.files.size() + " instance(s) kept in " + store.dir());
        }
        if (transfer.failedSubOperations > 0) {
            throw new NetworkException(node, step, Failure.REFUSED, "the node could not send "
                    + transfer.failedSubOperations + " instance(s) (status " + hex(status) + "); "
                    + transfer.files.size() + " kept in " + store.dir());
        }
    }

    @Override
    public SendResult send(List<Path> files, TransferListener listener) throws NetworkException {
        String step = "C-STORE";
        List<String> failures = new ArrayList<>();
        Map<Path, DicomHeader> headers = new LinkedHashMap<>();
        for (Path file : files) {
            try {
                headers.put(file, reader.readHeader(file));
            } catch (DicomReadException e) {
                failures.add(e.getMessage());
            }
        }
        if (headers.isEmpty()) {
            return new SendResult(0, failures);
        }
        // One context per SOP class for the native syntaxes (PixelMed converts between them), and one per stored
        // compressed syntax (sent as stored: we do not transcode).
        Map<String, LinkedList<String>> wanted = new LinkedHashMap<>();
        for (DicomHeader header : headers.values()) {
            String sopClass = header.dataset().string(Tag.SOP_CLASS_UID, "");
            wanted.computeIfAbsent(sopClass + "|native", k -> new LinkedList<>(List.of(EXPLICIT_LE, IMPLICIT_LE)));
            if (!NATIVE.contains(header.transferSyntaxUid())) {
                wanted.computeIfAbsent(sopClass + "|" + header.transferSyntaxUid(),
                        k -> new LinkedList<>(List.of(header.transferSyntaxUid())));
            }
        }
        if (wanted.size() > 127) {
            throw new NetworkException(node, step, Failure.REFUSED, "the files need " + wanted.size()
                    + " presentation contexts, more than one association holds (127): send them in smaller groups");
        }
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        byte id = 1;
        for (Map.Entry<String, LinkedList<String>> entry : wanted.entrySet()) {
            contexts.add(new PresentationContext(id, entry.getKey().substring(0, entry.getKey().indexOf('|')),
                    entry.getValue()));
            id += 2;
        }
        AtomicInteger sent = new AtomicInteger();
        operate(step, () -> " after " + sent.get() + " of " + headers.size() + " file(s)", activity -> {
            Association association = open(step, contexts, null);
            try {
                Sender sender = new Sender();
                for (Map.Entry<Path, DicomHeader> entry : headers.entrySet()) {
                    Path file = entry.getKey();
                    DicomHeader header = entry.getValue();
                    String sopClass = header.dataset().string(Tag.SOP_CLASS_UID, "");
                    String sopInstance = header.dataset().string(Tag.SOP_INSTANCE_UID, "");
                    String syntax = header.transferSyntaxUid();
                    byte contextId;
                    try {
                        contextId = association.getSuitablePresentationContextID(sopClass, syntax);
                    } catch (DicomNetworkException noneForStored) {
                        if (!NATIVE.contains(syntax)) {
                            failures.add(file + ": the node accepts neither its SOP class nor its transfer syntax "
                                    + syntax);
                            continue;
                        }
                        try {
                            contextId = association.getSuitablePresentationContextID(sopClass);
                        } catch (DicomNetworkException none) {
                            failures.add(file + ": the node does not accept its SOP class " + sopClass);
                            continue;
                        }
                    }
                    boolean accepted;
                    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                        DicomInputStream din = new DicomInputStream(in);
                        if (din.haveMetaHeader()) {
                            new AttributeList().readOnlyMetaInformationHeader(din);
                        }
                        accepted = sender.sendOne(association, sopClass, sopInstance, syntax, din, contextId,
                                association.getTransferSyntaxForPresentationContextID(contextId));
                    }
                    activity.touch();
                    if (accepted) {
                        listener.instanceDone(file, sent.incrementAndGet(), headers.size());
                    } else {
                        failures.add(file + ": the node did not accept it (C-STORE failure status)");
                    }
                }
            } finally {
                release(association);
            }
            return null;
        });
        return new SendResult(sent.get(), failures);
    }

    /** Opens PixelMed's protected one-instance send, which keeps the file's data set as it is. */
    private static final class Sender extends StorageSOPClassSCU {
        Sender() throws DicomNetworkException, DicomException, IOException {
            super();
        }

        boolean sendOne(Association association, String sopClass, String sopInstance, String inputSyntax,
                DicomInputStream din, byte contextId, String outputSyntax)
                throws AReleaseException, DicomNetworkException, DicomException, IOException {
            return sendOneSOPInstance(association, sopClass, sopInstance, inputSyntax, din, contextId, outputSyntax,
                    null, -1);
        }
    }

    // --- Associations and failures ---

    private static LinkedList<PresentationContext> contexts(List<String> sopClasses) {
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        byte id = 1;
        for (String sopClass : sopClasses) {
            contexts.add(new PresentationContext(id, sopClass, new LinkedList<>(List.of(EXPLICIT_LE, IMPLICIT_LE))));
            id += 2;
        }
        return contexts;
    }

    /**
     * Connects with a bounded probe first (PixelMed's own connect has no timeout, and its failure text loses the
     * cause), then lets PixelMed open the association.
     */
    private Association open(String step, LinkedList<PresentationContext> contexts,
            LinkedList<SCUSCPRoleSelection> roles) throws NetworkException {
        String address = node.host() + ":" + node.port();
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(node.host(), node.port()),
                    (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()));
        } catch (UnknownHostException e) {
            throw new NetworkException(node, step, Failure.UNREACHABLE, "unknown host " + node.host());
        } catch (ConnectException e) {
            throw new NetworkException(node, step, Failure.UNREACHABLE, "connection refused: nothing listens on "
                    + address);
        } catch (SocketTimeoutException e) {
            throw new NetworkException(node, step, Failure.UNREACHABLE, "no answer from " + address + " within "
                    + timeouts.connect().toSeconds() + " s (host down or port filtered)");
        } catch (IOException e) {
            throw new NetworkException(node, step, Failure.UNREACHABLE, "cannot connect to " + address + ": "
                    + e.getMessage());
        }
        String host = node.host();
        int port = node.port();
        TlsTunnel tunnel = null;
        if (node.tls()) {
            try {
                tunnel = TlsTunnel.open(node, timeouts.connect());
                port = tunnel.localPort();
                host = "127.0.0.1";
            } catch (javax.net.ssl.SSLException e) {
                throw new NetworkException(node, step, Failure.REFUSED, NodeTls.reason(e, node, node.host()));
            } catch (TlsTunnel.HandshakeCut e) {
                throw new NetworkException(node, step, Failure.REFUSED, NodeTls.cutShort(node, node.host(),
                        "during the TLS handshake", e));
            } catch (IOException e) {
                throw new NetworkException(node, step, Failure.UNREACHABLE, "cannot open TLS to " + address + ": "
                        + e.getMessage());
            } catch (IllegalArgumentException e) {
                // The trusted certificate file or the client key store cannot be used: nothing was sent.
                throw new NetworkException(node, step, Failure.REFUSED, e.getMessage());
            }
        }
        try {
            return AssociationFactory.createNewAssociation(host, port, node.calledAet(),
                    node.callingAet(), contexts, roles, false);
        } catch (DicomNetworkException | IOException e) {
            IOException nodeSide = tunnel == null ? null : tunnel.remoteFailure(Duration.ofSeconds(2));
            if (nodeSide instanceof javax.net.ssl.SSLException refused) {
                throw new NetworkException(node, step, Failure.REFUSED, NodeTls.reason(refused, node, node.host()));
            }
            if (nodeSide != null && !tunnel.nodeAnswered()) {
                throw new NetworkException(node, step, Failure.REFUSED, NodeTls.cutShort(node, node.host(),
                        "before answering the association", nodeSide));
            }
            if (e instanceof IOException) {
                throw new NetworkException(node, step, Failure.UNREACHABLE, "cannot connect to " + address + ": "
                        + e.getMessage());
            }
            String m = String.valueOf(e.getMessage());
            if (m.contains("A-ASSOCIATE-RJ")) {
                throw new NetworkException(node, step, Failure.REFUSED, "association rejected ("
                        + m.replaceFirst(".*A-ASSOCIATE-RJ indication - ", "").trim() + "); check the called AE title "
                        + node.calledAet() + " and that the node accepts calling AE title " + node.callingAet());
            }
            if (m.contains("A-ABORT")) {
                throw new NetworkException(node, step, Failure.REFUSED, "the node aborted the association request"
                        + " (does it know calling AE title " + node.callingAet() + "?)");
            }
            throw new NetworkException(node, step, Failure.REFUSED, "the node closed the connection during"
                    + " association: " + m);
        }
    }

    private static void release(Association association) {
        try {
            association.release();
        } catch (DicomNetworkException | RuntimeException e) {
            // Released or broken already: the operation's outcome is known, closing must not change it.
            try {
                association.abort();
            } catch (DicomNetworkException | RuntimeException ignored) {
                // The connection is gone.
            }
        }
    }

    private interface Progress {
        String describe();
    }

    private void operate(String step, Progress progress, Watchdog.Body<Void> body) throws NetworkException {
        try {
            Watchdog.run("dimse " + step + " " + node.label(), timeouts.idle(), body);
        } catch (NetworkException e) {
            throw e;
        } catch (TimeoutException e) {
            throw new NetworkException(node, step, Failure.TIMEOUT, "no answer for " + timeouts.idle().toSeconds()
                    + " s" + progress.describe());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetworkException(node, step, Failure.CANCELLED, "cancelled" + progress.describe());
        } catch (AReleaseException e) {
            throw new NetworkException(node.label(), step, Failure.CUT_OFF, "the node released the association early"
                    + progress.describe(), e);
        } catch (DicomException e) {
            throw new NetworkException(node.label(), step, Failure.MALFORMED, "the node's answer is not valid DICOM ("
                    + e.getMessage() + ")" + progress.describe(), e);
        } catch (DicomNetworkException e) {
            String m = String.valueOf(e.getMessage());
            Failure kind = m.startsWith("expected") || m.contains("without") ? Failure.MALFORMED : Failure.CUT_OFF;
            throw new NetworkException(node.label(), step, kind, (kind == Failure.CUT_OFF
                    ? "the connection broke" : "malformed answer: " + m) + progress.describe(), e);
        } catch (IOException e) {
            throw new NetworkException(node.label(), step, Failure.CUT_OFF, "the connection broke ("
                    + e.getMessage() + ")" + progress.describe(), e);
        } catch (Exception e) {
            throw new NetworkException(node.label(), step, Failure.MALFORMED, "unexpected failure: " + e
                    + progress.describe(), e);
        }
    }

    private ReceivedInstances localStore(Path outDir) throws NetworkException {
        try {
            return new ReceivedInstances(outDir, reader);
        } catch (IOException e) {
            throw new NetworkException(node.label(), "storing", ReceivedInstances.isDiskFull(e) ? Failure.DISK_FULL
                    : Failure.REFUSED, "cannot write to " + outDir + ": " + e.getMessage(), e);
        }
    }

    static String hex(int value) {
        return String.format(Locale.ROOT, "0x%04X", value & 0xFFFF);
    }

    // --- Query identifiers and matches ---

    private static AttributeList identifier(FindQuery query) {
        AttributeList id = new AttributeList();
        QueryLevel level = query.level();
        put(id, new CodeStringAttribute(TagFromName.QueryRetrieveLevel), level.dicomName());
        put(id, new PersonNameAttribute(TagFromName.PatientName), query.patientName());
        put(id, new LongStringAttribute(TagFromName.PatientID), query.patientId());
        if (level == QueryLevel.PATIENT) {
            if (!query.studyDate().isEmpty() || !query.modality().isEmpty() || !query.accessionNumber().isEmpty()
                    || !query.studyDescription().isEmpty() || !query.studyInstanceUid().isEmpty()) {
                throw new IllegalArgumentException("a patient search takes only the patient's name and ID; search"
                        + " studies for the others");
            }
            put(id, new IntegerStringAttribute(TagFromName.NumberOfPatientRelatedStudies), "");
            put(id, new IntegerStringAttribute(NUMBER_OF_PATIENT_RELATED_INSTANCES), "");
            return id;
        }
        put(id, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), query.studyInstanceUid());
        put(id, new DateAttribute(TagFromName.StudyDate), query.studyDate());
        put(id, new ShortStringAttribute(TagFromName.AccessionNumber), query.accessionNumber());
        put(id, new LongStringAttribute(TagFromName.StudyDescription), query.studyDescription());
        if (level == QueryLevel.STUDY) {
            put(id, new CodeStringAttribute(TagFromName.ModalitiesInStudy), query.modality());
            put(id, new IntegerStringAttribute(TagFromName.NumberOfStudyRelatedInstances), "");
            put(id, new IntegerStringAttribute(TagFromName.NumberOfStudyRelatedSeries), "");
        } else {
            put(id, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), "");
            put(id, new CodeStringAttribute(TagFromName.Modality), query.modality());
            put(id, new IntegerStringAttribute(TagFromName.SeriesNumber), "");
            put(id, new LongStringAttribute(TagFromName.SeriesDescription), "");
            put(id, new IntegerStringAttribute(TagFromName.NumberOfSeriesRelatedInstances), "");
        }
        return id;
    }

    private static void put(AttributeList list, Attribute attribute, String value) {
        try {
            if (!value.isEmpty()) {
                attribute.addValue(value);
            }
        } catch (DicomException e) {
            throw new IllegalArgumentException("'" + value + "' is not a valid " + attribute.getVRAsString()
                    + " value");
        }
        list.put(attribute);
    }

    private static FindMatch match(QueryLevel level, AttributeList data) {
        AttributeTag countTag = switch (level) {
            case PATIENT -> NUMBER_OF_PATIENT_RELATED_INSTANCES;
            case STUDY -> TagFromName.NumberOfStudyRelatedInstances;
            case SERIES -> TagFromName.NumberOfSeriesRelatedInstances;
        };
        String count = MessageReceiver.string(data, countTag);
        OptionalInt instances = count.matches("\\d+") ? OptionalInt.of(Integer.parseInt(count)) : OptionalInt.empty();
        List<String> modalities = level == QueryLevel.SERIES
                ? nonEmpty(MessageReceiver.string(data, TagFromName.Modality))
                : values(data, TagFromName.ModalitiesInStudy);
        return new FindMatch(level, MessageReceiver.string(data, TagFromName.PatientName),
                MessageReceiver.string(data, TagFromName.PatientID),
                MessageReceiver.string(data, TagFromName.StudyInstanceUID),
                MessageReceiver.string(data, TagFromName.SeriesInstanceUID),
                MessageReceiver.string(data, TagFromName.StudyDate), modalities,
                MessageReceiver.string(data, TagFromName.AccessionNumber),
                MessageReceiver.string(data, TagFromName.StudyDescription),
                MessageReceiver.string(data, TagFromName.SeriesDescription),
                MessageReceiver.string(data, TagFromName.SeriesNumber), instances);
    }

    private static List<String> values(AttributeList data, AttributeTag tag) {
        String[] values = Attribute.getStringValues(data, tag);
        return values == null ? List.of() : Arrays.stream(values).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> nonEmpty(String value) {
        return value.isEmpty() ? List.of() : List.of(value);
    }
}
