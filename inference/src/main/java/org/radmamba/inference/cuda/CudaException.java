package org.radmamba.inference.cuda;

/** A CUDA driver call failed: names the call and its CUresult, e.g. {@code cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2)}. */
public final class CudaException extends RuntimeException {

    private final String call;
    private final int result;

    public CudaException(String call, int result, String resultName) {
        super(call + " failed: " + resultName + " (" + result + ")");
        this.call = call;
        this.result = result;
    }

    /** The driver function that failed, with its argument where that helps (a kernel's or a size). */
    public String call() {
        return call;
    }

    /** The CUresult the driver returned. */
    public int result() {
        return result;
    }
}
