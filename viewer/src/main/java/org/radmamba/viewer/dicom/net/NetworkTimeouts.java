package org.radmamba.viewer.dicom.net;

import java.time.Duration;

/**
 * Bounds on every wait of a network operation.
 *
 * @param connect how long opening a connection may take
 * @param idle    how long the node may stay silent once connected (between two messages, two instances, two
 *                parts); a long retrieve that keeps receiving never times out
 */
public record NetworkTimeouts(Duration connect, Duration idle) {

    public static final NetworkTimeouts DEFAULT = new NetworkTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(60));

    public NetworkTimeouts {
        if (connect.isNegative() || connect.isZero() || idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }
}
