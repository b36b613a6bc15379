package org.radmamba.app.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * An https front for a real Orthanc, as a hospital puts nginx or a load balancer in front of one: TLS with the
 * server's key and certificate (a PKCS#12 file that openssl makes for the test), each connection relayed byte for byte
 * to Orthanc's plain HTTP port. Needed because Orthanc 1.10.1's own https ("SslEnabled") crashes in this
 * environment: its civetweb worker calls a null OpenSSL 3 function on the first handshake (segfault at ip 0).
 */
final class TlsTerminator implements AutoCloseable {

    private final SSLServerSocket server;
    private final int backendPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private TlsTerminator(SSLServerSocket server, int backendPort) {
        this.server = server;
        this.backendPort = backendPort;
        Thread.ofVirtual().name("tls-terminator").start(this::acceptLoop);
    }

    static TlsTerminator start(Path pkcs12, char[] password, int backendPort) throws IOException {
        return start(pkcs12, password, backendPort, null);
    }

    /**
     * A front that requires a client certificate chaining to one in {@code trustedClients} (PEM), as Orthanc's
     * "SslVerifyPeers" with "SslTrustedClientCertificates" would (its https crashes here, see above); null for none.
     */
    static TlsTerminator start(Path pkcs12, char[] password, int backendPort, Path trustedClients)
            throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(pkcs12)) {
                store.load(in, password);
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            TrustManager[] clients = null;
            if (trustedClients != null) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                try (InputStream in = Files.newInputStream(trustedClients)) {
                    int i = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        trusted.setCertificateEntry("client-ca-" + i++, c);
                    }
                }
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(trusted);
                clients = trust.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), clients, null);
            SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
            server.setNeedClientAuth(trustedClients != null);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new TlsTerminator(server, backendPort);
        } catch (GeneralSecurityException e) {
            throw new IOException("the test's TLS front cannot start: " + e.getMessage(), e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            Thread.ofVirtual().start(() -> relay(client));
        }
    }

    private void relay(Socket client) {
        try (client; Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
            open.add(client);
            open.add(backend);
            Thread up = Thread.ofVirtual().start(() -> pump(client, backend));
            pump(backend, client);
            up.join();
        } catch (IOException | InterruptedException e) {
            // A failed handshake (the client did not trust us) or a closed peer ends this connection only.
        } finally {
            open.remove(client);
        }
    }

    private static void pump(Socket from, Socket to) {
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // The other side closed.
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException | UnsupportedOperationException e) {
                closeQuietly(to);
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Closing.
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing.
        }
        open.forEach(TlsTerminator::closeQuietly);
    }
}
