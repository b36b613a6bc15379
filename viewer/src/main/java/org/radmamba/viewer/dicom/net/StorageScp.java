package org.radmamba.viewer.dicom.net;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * A running storage SCP: accepts associations to its AE title (from the allow-listed calling AE titles only, when
 * a list is set), answers C-ECHO, and files every C-STORE into its folder through {@link ReceivedInstances}. Started by
 * {@link DicomNetworks#listen}; {@link #close()} stops it and waits for open associations to end.
 */
public interface StorageScp extends AutoCloseable {

    /** The port it listens on (the one asked for, or the one the system chose for port 0). */
    int port();

    Config config();

    @Override
    void close();

    /**
     * @param allowedCallingAets the calling AE titles accepted; empty accepts any
     * @param idle               how long an association may stay silent before it is dropped
     * @param tls                DICOM over TLS with this identity (its certificate is what callers must trust;
     *                           callers need none of their own); null for plain TCP
     */
    record Config(String aet, int port, Path outDir, Set<String> allowedCallingAets, Duration idle,
            TlsIdentity tls) {

        /** An SCP on plain TCP. */
        public Config(String aet, int port, Path outDir, Set<String> allowedCallingAets, Duration idle) {
            this(aet, port, outDir, allowedCallingAets, idle, null);
        }

        public Config {
            AeTitles.check(aet, "AE title");
            allowedCallingAets = Set.copyOf(allowedCallingAets);
            for (String allowed : allowedCallingAets) {
                AeTitles.check(allowed, "allowed calling AE title");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " is not in 0-65535");
            }
        }
    }

    /** What happens to a storage SCP; called on its connection threads. */
    interface Listener {
        Listener NONE = new Listener() {
        };

        /** An instance was stored (the file exists under its final name). */
        default void stored(Path file, String callingAet) {
        }

        /** An association was refused, an instance could not be stored, or an association broke: one line. */
        default void failed(String message) {
        }
    }
}
