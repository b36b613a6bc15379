package org.radmamba.inference.scan;

/**
 * The argument checks every {@link SelectiveScan} applies before indexing its arrays, for implementations that
 * live outside this package (the CUDA scan).
 */
public final class ScanContract {

    private ScanContract() {
    }

    /** Throws IllegalArgumentException naming the array whose length does not match the plain scan's shape. */
    public static void checkScan(ScanShape shape, ScanInputs in, float[] y) {
        ScanArguments.checkScan(shape, in, y);
    }

    /** Throws IllegalArgumentException when K is not 4, H·W is not L, or an array does not match the shape. */
    public static void checkCrossScan(ScanShape shape, int height, int width, ScanInputs in, float[] y) {
        ScanArguments.checkCrossScan(shape, height, width, in, y);
    }
}
