package org.radmamba.inference.scan;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * crossScan2d against the official recipe written out naively: build the four direction sequences as
 * materialised copies (rows, columns, both reversed), run the plain scan, un-permute and sum.
 */
class CrossScan2dTest {

    private static final int HEIGHT = 7;
    private static final int WIDTH = 5;  // not square, so a transposition mistake changes the result

    @Test
    void the_reference_cross_scan_equals_four_permuted_plain_scans_summed() {
        ScanShape shape = new ScanShape(2, 4, 6, 4, HEIGHT * WIDTH);
        ScanInputs in = RandomScanInputs.forCrossScan(shape, 11);
        float[] y = new float[2 * 6 * HEIGHT * WIDTH];

        new ReferenceScan().crossScan2d(shape, HEIGHT, WIDTH, in, y);

        assertClose(naiveCrossScan(shape, in), y);
    }

    @Test
    void the_simd_cross_scan_equals_four_permuted_plain_scans_summed() {
        ScanShape shape = new ScanShape(2, 4, 6, 4, HEIGHT * WIDTH);
        ScanInputs in = RandomScanInputs.forCrossScan(shape, 12);
        float[] y = new float[2 * 6 * HEIGHT * WIDTH];

        try (CpuSimdScan scan = new CpuSimdScan(2)) {
            scan.crossScan2d(shape, HEIGHT, WIDTH, in, y);
        }

        assertClose(naiveCrossScan(shape, in), y);
    }

    @Test
    void channel_counts_that_do_not_fill_the_vector_lanes_scan_correctly() {
        // One full block of lanes plus 3 channels, and an odd number of states.
        int channels = CpuSimdScan.lanes() + 3;
        ScanShape shape = new ScanShape(1, 4, channels, 5, HEIGHT * WIDTH);
        ScanInputs in = RandomScanInputs.forCrossScan(shape, 13);
        float[] y = new float[channels * HEIGHT * WIDTH];

        try (CpuSimdScan scan = new CpuSimdScan(2)) {
            scan.crossScan2d(shape, HEIGHT, WIDTH, in, y);
        }

        assertClose(naiveCrossScan(shape, in), y);
    }

    @Test
    void every_thread_count_gives_the_same_output() {
        ScanShape shape = new ScanShape(2, 4, 2 * CpuSimdScan.lanes() + 1, 16, HEIGHT * WIDTH);
        ScanInputs in = RandomScanInputs.forCrossScan(shape, 14);
        float[] single = new float[2 * shape.channelsPerGroup() * HEIGHT * WIDTH];
        try (CpuSimdScan scan = new CpuSimdScan(1)) {
            scan.crossScan2d(shape, HEIGHT, WIDTH, in, single);
        }
        for (int threads : new int[] {2, 3, 8}) {
            float[] y = new float[single.length];
            try (CpuSimdScan scan = new CpuSimdScan(threads)) {
                scan.crossScan2d(shape, HEIGHT, WIDTH, in, y);
            }
            // Every block is computed the same way whichever thread takes it: identical, not merely close.
            assertArrayEquals(single, y, threads + " threads");
        }
    }

    /** The official forward_core, spelled out: xs = [x, x^T, flip(x), flip(x^T)], scan, undo, y1+y2+y3+y4. */
    private static double[] naiveCrossScan(ScanShape shape, ScanInputs in) {
        int batch = shape.batch();
        int channels = shape.channelsPerGroup();
        int states = shape.dState();
        int length = HEIGHT * WIDTH;
        List<List<Integer>> orders = directionOrders();

        float[] u = new float[batch * 4 * channels * length];
        float[] delta = new float[u.length];
        float[] b = new float[batch * 4 * states * length];
        float[] c = new float[b.length];
        for (int n = 0; n < batch; n++) {
            for (int k = 0; k < 4; k++) {
                for (int t = 0; t < length; t++) {
                    int p = orders.get(k).get(t);
                    for (int ch = 0; ch < channels; ch++) {
                        int target = ((n * 4 + k) * channels + ch) * length + t;
                        u[target] = in.u()[(n * channels + ch) * length + p];
                        delta[target] = in.delta()[((n * 4 + k) * channels + ch) * length + p];
                    }
                    for (int s = 0; s < states; s++) {
                        int index = ((n * 4 + k) * states + s) * length;
                        b[index + t] = in.b()[index + p];
                        c[index + t] = in.c()[index + p];
                    }
                }
            }
        }
        float[] scanned = new float[u.length];
        new ReferenceScan().scan(shape, new ScanInputs(u, delta, in.a(), b, c, in.d(), in.deltaBias()), scanned);

        double[] sum = new double[batch * channels * length];
        for (int n = 0; n < batch; n++) {
            for (int k = 0; k < 4; k++) {
                for (int ch = 0; ch < channels; ch++) {
                    for (int t = 0; t < length; t++) {
                        int p = orders.get(k).get(t);
                        sum[(n * channels + ch) * length + p] += scanned[((n * 4 + k) * channels + ch) * length + t];
                    }
                }
            }
        }
        return sum;
    }

    /** Row-major positions in the order each direction visits them. */
    private static List<List<Integer>> directionOrders() {
        List<Integer> rows = new ArrayList<>();
        for (int row = 0; row < HEIGHT; row++) {
            for (int col = 0; col < WIDTH; col++) {
                rows.add(row * WIDTH + col);
            }
        }
        List<Integer> columns = new ArrayList<>();  // the transposed map, read row by row
        for (int col = 0; col < WIDTH; col++) {
            for (int row = 0; row < HEIGHT; row++) {
                columns.add(row * WIDTH + col);
            }
        }
        List<Integer> rowsReversed = new ArrayList<>(rows);
        Collections.reverse(rowsReversed);
        List<Integer> columnsReversed = new ArrayList<>(columns);
        Collections.reverse(columnsReversed);
        return List.of(rows, columns, rowsReversed, columnsReversed);
    }

    private static void assertClose(double[] expected, float[] actual) {
        double error = Deviation.maxAbsoluteDifference(actual, expected);
        double scale = Deviation.maxAbsolute(expected);
        assertTrue(scale > 0.1, "the expected output is not trivially zero");
        assertTrue(error <= 1e-5 * scale, "max |y - y_expected| = " + error + ", allowed " + 1e-5 * scale);
    }
}
