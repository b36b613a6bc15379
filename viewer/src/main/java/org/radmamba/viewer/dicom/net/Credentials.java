package org.radmamba.viewer.dicom.net;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** How a DICOMweb node is authenticated. {@link #toString()} never shows the secret (messages and logs print it). */
public sealed interface Credentials {

    Credentials NONE = new None();

    /** The value of the Authorization header, if any. */
    Optional<String> authorization();

    record None() implements Credentials {
        @Override
        public Optional<String> authorization() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "no authentication";
        }
    }

    record Basic(String user, String password) implements Credentials {
        @Override
        public Optional<String> authorization() {
            return Optional.of("Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public String toString() {
            return "basic authentication as " + user;
        }
    }

    record Bearer(String token) implements Credentials {
        @Override
        public Optional<String> authorization() {
            return Optional.of("Bearer " + token);
        }

        @Override
        public String toString() {
            return "bearer token";
        }
    }
}
