package org.radmamba.viewer.dicom.pixelmed.net;

import org.radmamba.viewer.dicom.net.DicomNode;
import org.radmamba.viewer.dicom.net.NodeTls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * DICOM over TLS for PixelMed's association initiator, which opens its own plain socket (its own TLS mode uses the
 * JVM-wide default socket factory and enables only TLSv1 with TLS_RSA_WITH_AES_128_CBC_SHA or 3DES, all of which JDK
 * 25 disables). We open the TLS session ourselves (TLS 1.2/1.3, the node's trusted certificates or the JVM's trust
 * store, the host name checked, our client certificate where the node has one: {@link NodeTls}), then give PixelMed a one-connection loopback port whose bytes are relayed through
 * it. The tunnel ends when either side closes; interrupting PixelMed's call closes its socket and so the tunnel.
 */
final class TlsTunnel {

    private final SSLSocket tls;
    private final ServerSocket local;
    /** Why the node's side broke, e.g. the alert of a TLS 1.3 server that refused our client certificate. */
    private volatile IOException remoteFailure;
    /** Whether the node sent anything after the handshake (an association answer: it did not refuse us). */
    private volatile boolean nodeAnswered;
    /** Counted down when the node's side has ended (read to its end or broken): {@link #remoteFailure} is final. */
    private final CountDownLatch remoteEnded = new CountDownLatch(1);

    /** The node closed the connection during the TLS handshake without an alert we could read (the cause). */
    static final class HandshakeCut extends IOException {
        private static final long serialVersionUID = 1L;

        HandshakeCut(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private TlsTunnel(SSLSocket tls, ServerSocket local) {
        this.tls = tls;
        this.local = local;
    }

    /**
     * Connects to the node and completes the TLS handshake (so that an untrusted certificate fails here, in words).
     *
     * @throws IOException the connection or the handshake failed ({@link javax.net.ssl.SSLException} for TLS)
     */
    static TlsTunnel open(DicomNode.Dimse node, Duration connectTimeout) throws IOException {
        SSLContext context = NodeTls.sslContext(node);
        int timeout = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        Socket raw = new Socket();
        SSLSocket tls = null;
        ServerSocket local = null;
        try {
            raw.connect(new InetSocketAddress(node.host(), node.port()), timeout);
            tls = (SSLSocket) context.getSocketFactory().createSocket(raw, node.host(), node.port(), true);
            SSLParameters parameters = tls.getSSLParameters();
            // The certificate must name the host we asked for, as https checks it.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(parameters);
            tls.setSoTimeout(timeout);
            try {
                tls.startHandshake();
            } catch (javax.net.ssl.SSLException | java.net.SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                throw new HandshakeCut(e);
            }
            tls.setSoTimeout(0);
            local = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            local.setSoTimeout(timeout);
            TlsTunnel tunnel = new TlsTunnel(tls, local);
            Thread.ofVirtual().name("dimse-tls-" + node.host() + ":" + node.port()).start(tunnel::relay);
            return tunnel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(local);
            closeQuietly(tls != null ? tls : raw);
            throw e;
        }
    }

    /** Whether the node sent anything through the tunnel: a failure after that is not a refusal of our TLS. */
    boolean nodeAnswered() {
        return nodeAnswered;
    }

    /**
     * Why reading from the node failed, or null, waiting up to {@code wait} for the node's side to end. In TLS 1.3 a
     * server checks our client certificate after our side of the handshake is done, so its refusal arrives here, as
     * the association starts, not in {@link #open}; PixelMed may see its connection close before the alert is read.
     */
    IOException remoteFailure(Duration wait) {
        awaitRemoteEnd(wait);
        return remoteFailure;
    }

    /** The loopback port PixelMed connects to. */
    int localPort() {
        return local.getLocalPort();
    }

    private void relay() {
        try (SSLSocket remote = tls; Socket pixelmed = accept()) {
            if (pixelmed == null) {
                remoteEnded.countDown();
                return;
            }
            Thread up = Thread.ofVirtual().start(() -> pump(pixelmed, remote));
            pump(remote, pixelmed);
            up.join();
        } catch (IOException | InterruptedException e) {
            // Either side closed; closing both (above) ends the other direction.
        }
    }

    /** The one connection PixelMed makes; the port closes after it. */
    private Socket accept() {
        try (ServerSocket server = local) {
            return server.accept();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Copies until either side ends; a failure to read from the node is kept before both sides close. When writing
     * to the node fails (it refused us and closed), the node's side is left to the other pump for a moment, so that
     * it reads the node's alert before anything closes it.
     */
    private void pump(Socket from, Socket to) {
        boolean toNode = to == tls;
        boolean closeNode = true;
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (from == tls) {
                    nodeAnswered = true;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // The other side closed or broke.
            if (remoteFailure == null && (from == tls || e instanceof javax.net.ssl.SSLException)) {
                remoteFailure = e;
            }
            closeNode = !toNode;
        } finally {
            if (closeNode) {
                // One side ending ends the association: close both, so the other pump returns too.
                closeQuietly(from);
                closeQuietly(to);
            } else {
                closeQuietly(from);
                Thread.ofVirtual().start(() -> {
                    awaitRemoteEnd(Duration.ofSeconds(2));
                    closeQuietly(tls);
                });
            }
            if (from == tls) {
                remoteEnded.countDown();
            }
        }
    }

    private void awaitRemoteEnd(Duration wait) {
        try {
            remoteEnded.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // Closing.
        }
    }
}
