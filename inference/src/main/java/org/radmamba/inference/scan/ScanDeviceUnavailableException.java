package org.radmamba.inference.scan;

/** The CUDA scan was asked for explicitly ({@code --device cuda}) and cannot run here; the message says why. */
public final class ScanDeviceUnavailableException extends RuntimeException {

    public ScanDeviceUnavailableException(String message) {
        super(message);
    }
}
