package org.radmamba.inference.scan;

import java.util.Objects;

/** Checks that a call's arrays match its shape before any scan indexes them. */
final class ScanArguments {

    private ScanArguments() {
    }

    /** The plain scan: u, delta, y are (batch, K*D, L); B, C are (batch, K, N, L). */
    static void checkScan(ScanShape shape, ScanInputs in, float[] y) {
        long channels = shape.channels();
        long sequence = (long) shape.batch() * channels * shape.length();
        check(shape, "u", in.u(), sequence);
        check(shape, "delta", in.delta(), sequence);
        checkShared(shape, in);
        check(shape, "y", y, sequence);
    }

    /** The cross scan: K = 4, L = H·W; u and y are (batch, D, L), delta is (batch, 4, D, L). */
    static void checkCrossScan(ScanShape shape, int height, int width, ScanInputs in, float[] y) {
        if (shape.groups() != CrossScanOrder.DIRECTIONS) {
            throw new IllegalArgumentException("crossScan2d needs K = 4 directions, the shape has K = "
                    + shape.groups());
        }
        if (height <= 0 || width <= 0 || (long) height * width != shape.length()) {
            throw new IllegalArgumentException("crossScan2d map " + height + "x" + width
                    + " does not match the shape's length L = " + shape.length());
        }
        long map = (long) shape.batch() * shape.channelsPerGroup() * shape.length();
        check(shape, "u", in.u(), map);
        check(shape, "delta", in.delta(), map * CrossScanOrder.DIRECTIONS);
        checkShared(shape, in);
        check(shape, "y", y, map);
    }

    private static void checkShared(ScanShape shape, ScanInputs in) {
        long channels = shape.channels();
        check(shape, "A", in.a(), channels * shape.dState());
        long projections = (long) shape.batch() * shape.groups() * shape.dState() * shape.length();
        check(shape, "B", in.b(), projections);
        check(shape, "C", in.c(), projections);
        check(shape, "D", in.d(), channels);
        check(shape, "deltaBias", in.deltaBias(), channels);
    }

    private static void check(ScanShape shape, String name, float[] array, long expected) {
        Objects.requireNonNull(array, () -> "selective scan array " + name + " is missing");
        if (array.length != expected) {
            throw new IllegalArgumentException("selective scan array " + name + " has " + array.length
                    + " floats but " + shape + " needs " + expected);
        }
    }
}
