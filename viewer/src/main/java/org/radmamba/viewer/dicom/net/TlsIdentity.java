package org.radmamba.viewer.dicom.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * Our identity in a TLS session: a PKCS#12 key store holding a private key with its certificate, and the store's
 * password (also the key's, as {@code openssl pkcs12 -export} makes it). The storage SCP presents it as the server
 * ({@link ReceiverSettings}); a node that requires mutual TLS (a client certificate, as hospital PACS often do) is
 * shown it as our client certificate ({@link NodeTls}). The password is kept where the rest of those settings are:
 * in the OS user's preferences, readable by the user only.
 */
public record TlsIdentity(Path keyStore, char[] password) {

    public TlsIdentity {
        Objects.requireNonNull(keyStore);
        password = password == null ? new char[0] : password.clone();
    }

    /**
     * The key managers of this identity, after checking that the store opens and holds a private key.
     *
     * @throws IllegalArgumentException with a one-line reason: the file is missing or not PKCS#12, the password is
     *                                  wrong, or the store holds no private key
     */
    public KeyManager[] keyManagers() {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                store.load(in, password);
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the TLS key store " + keyStore + " does not exist", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IllegalArgumentException("the TLS key store " + keyStore + " does not open with that"
                        + " password", e);
            }
            throw new IllegalArgumentException("the TLS key store " + keyStore + " cannot be read as PKCS#12 ("
                    + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the TLS key store " + keyStore + " cannot be read as PKCS#12 ("
                    + e.getMessage() + ")", e);
        }
        try {
            if (Collections.list(store.aliases()).stream().noneMatch(alias -> isKey(store, alias))) {
                throw new IllegalArgumentException("the TLS key store " + keyStore + " holds no private key (make"
                        + " it with openssl pkcs12 -export -inkey KEY.pem -in CERTIFICATE.pem)");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            return keys.getKeyManagers();
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException("the private key in the TLS key store " + keyStore + " does not open"
                    + " with that password", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM: " + e.getMessage(), e);
        }
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (KeyStoreException e) {
            return false;
        }
    }

    /** A copy: the caller may wipe it. */
    @Override
    public char[] password() {
        return password.clone();
    }

    /** The key store only: the password never appears in a message. */
    @Override
    public String toString() {
        return "TlsIdentity[" + keyStore + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TlsIdentity other && keyStore.equals(other.keyStore)
                && java.util.Arrays.equals(password, other.password);
    }

    @Override
    public int hashCode() {
        return keyStore.hashCode();
    }
}
