package org.radmamba.inference.cuda;

/** No usable CUDA device: no driver library, no device, or a driver too old; the message says which. */
public final class CudaUnavailableException extends Exception {

    public CudaUnavailableException(String reason) {
        super(reason);
    }
}
