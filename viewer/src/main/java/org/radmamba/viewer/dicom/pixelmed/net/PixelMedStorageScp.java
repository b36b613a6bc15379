package org.radmamba.viewer.dicom.pixelmed.net;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.AnyExplicitStorePresentationContextSelectionPolicy;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CEchoResponseCommandMessage;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.MessageServiceElementCommand;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.net.NetworkException.Failure;
import org.radmamba.viewer.dicom.net.ReceivedInstances;
import org.radmamba.viewer.dicom.net.StorageScp;
import org.radmamba.viewer.dicom.net.TlsIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.InputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The storage SCP on PixelMed's association acceptor. Before PixelMed sees a connection, we read its A-ASSOCIATE-RQ
 * and answer an A-ASSOCIATE-RJ ourselves when the calling AE title is not in the allow-list (PixelMed checks only the
 * called AE title); accepted requests are replayed to PixelMed. Each association runs on a virtual thread with a read
 * timeout, so a silent peer is dropped; received instances go through {@link ReceivedInstances}.
 */
public final class PixelMedStorageScp implements StorageScp {

    private static final Logger LOG = LoggerFactory.getLogger(PixelMedStorageScp.class);
    private static final int ASSOCIATE_RQ = 0x01;
    private static final int MAX_ASSOCIATE_RQ_LENGTH = 1 << 20;
    /** A-ASSOCIATE-RJ: rejected permanent (1), by the service user (1), calling AE title not recognised (3). */
    private static final byte[] REJECT_CALLING_AET = {0x03, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01, 0x01, 0x03};

    private final Config config;
    private final Listener listener;
    private final ReceivedInstances store;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Thread> connections = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    private PixelMedStorageScp(Config config, Listener listener, ReceivedInstances store, ServerSocket server) {
        this.config = config;
        this.listener = listener;
        this.store = store;
        this.server = server;
        this.acceptor = Thread.ofPlatform().daemon().name("storage-scp-" + config.aet() + "-" + server.getLocalPort())
                .start(this::acceptLoop);
    }

    public static PixelMedStorageScp start(Config config, Listener listener, DicomReader reader) throws IOException {
        return start(config, listener, reader, new ReceivedInstances(config.outDir(), reader));
    }

    static PixelMedStorageScp start(Config config, Listener listener, DicomReader reader, ReceivedInstances store)
            throws IOException {
        ServerSocket server = config.tls() == null ? new ServerSocket() : tlsServerSocket(config.tls());
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(config.port()));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on port " + config.port() + ": " + e.getMessage(), e);
        }
        return new PixelMedStorageScp(config, listener, store, server);
    }

    /** An unbound server socket whose connections run TLS (1.2/1.3) with the SCP's key and certificate. */
    private static ServerSocket tlsServerSocket(TlsIdentity identity) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity.keyManagers(), null, null);
            return context.getServerSocketFactory().createServerSocket();
        } catch (IllegalArgumentException e) {
            // Missing, not PKCS#12, wrong password, no private key: TlsIdentity's one line.
            throw new IOException(e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IOException("no TLS in this JVM: " + e.getMessage(), e);
        }
    }

    @Override
    public int port() {
        return server.getLocalPort();
    }

    @Override
    public Config config() {
        return config;
    }

    private String where() {
        return "storage SCP " + config.aet() + " on port " + port();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    listener.failed(where() + ": stopped accepting connections: " + e.getMessage());
                }
                return;
            }
            open.add(socket);
            Thread connection = Thread.ofVirtual().name("storage-scp-association").unstarted(() -> {
                try {
                    serve(socket);
                } finally {
                    open.remove(socket);
                    connections.remove(Thread.currentThread());
                    closeQuietly(socket);
                }
            });
            connections.add(connection);
            connection.start();
        }
    }

    private void serve(Socket socket) {
        String peer = socket.getRemoteSocketAddress().toString();
        String callingAet = "?";
        try {
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.idle().toMillis()));
            byte[] request = readAssociateRequest(socket);
            if (request == null) {
                return;
            }
            callingAet = new String(request, 26, 16, StandardCharsets.US_ASCII).trim();
            if (!config.allowedCallingAets().isEmpty() && !config.allowedCallingAets().contains(callingAet)) {
                OutputStream out = socket.getOutputStream();
                out.write(REJECT_CALLING_AET);
                out.flush();
                listener.failed(where() + ": refused an association from " + peer + ": calling AE title '"
                        + callingAet + "' is not in the allow-list");
                return;
            }
            Association association = AssociationFactory.createNewAssociation(new ReplayingSocket(socket, request),
                    config.aet(), new AnyExplicitStorePresentationContextSelectionPolicy());
            String caller = callingAet;
            association.setReceivedDataHandler(new MessageReceiver(store, () -> { }, callingAet) {
                @Override
                void message(Association a, byte contextId, AttributeList command, AttributeList data)
                        throws DicomNetworkException, DicomException, IOException {
                    if (commandField(command) != MessageServiceElementCommand.C_ECHO_RQ) {
                        throw new DicomNetworkException("a storage SCP answers C-STORE and C-ECHO only, not command "
                                + PixelMedDimseNode.hex(commandField(command)));
                    }
                    a.send(contextId, new CEchoResponseCommandMessage(string(command, TagFromName.AffectedSOPClassUID),
                            com.pixelmed.dicom.Attribute.getSingleIntegerValueOrDefault(command, TagFromName.MessageID,
                                    0), STATUS_SUCCESS).getBytes(), null);
                }

                @Override
                void stored(Path file) {
                    listener.stored(file, caller);
                }

                @Override
                void storeFailed(String sopInstanceUid, Failure failure, String reason) {
                    listener.failed(where() + ": instance " + sopInstanceUid + " from " + caller + " not kept: "
                            + reason + (failure == Failure.DISK_FULL ? " (disk full)" : ""));
                }
            });
            try {
                association.waitForPDataPDUsUntilHandlerReportsDone();
            } catch (AReleaseException released) {
                // The normal end: the peer released the association.
            }
        } catch (DicomNetworkException | IOException e) {
            if (!closed) {
                listener.failed(where() + ": association from " + callingAet + " (" + peer + ") ended: "
                        + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " "));
            }
            LOG.debug("association from {} ended", peer, e);
        }
    }

    /** The A-ASSOCIATE-RQ PDU, whole; null (and the connection dropped) for anything else. */
    private byte[] readAssociateRequest(Socket socket) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] header = new byte[6];
        try {
            in.readFully(header);
        } catch (EOFException e) {
            return null;
        }
        long length = ((header[2] & 0xFFL) << 24) | ((header[3] & 0xFF) << 16) | ((header[4] & 0xFF) << 8)
                | (header[5] & 0xFF);
        if ((header[0] & 0xFF) != ASSOCIATE_RQ || length < 68 || length > MAX_ASSOCIATE_RQ_LENGTH) {
            listener.failed(where() + ": dropped a connection from " + socket.getRemoteSocketAddress()
                    + " that did not open with an A-ASSOCIATE-RQ");
            return null;
        }
        byte[] request = new byte[6 + (int) length];
        System.arraycopy(header, 0, request, 0, 6);
        in.readFully(request, 6, (int) length);
        return request;
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        try {
            acceptor.join(Duration.ofSeconds(5));
            // Let associations in progress finish their current message; then drop what is left.
            for (Thread connection : connections) {
                connection.join(Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // Closing on the way out.
        }
    }
}
