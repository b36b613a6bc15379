package org.radmamba.inference.scan;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuSimdScanTest {

    @Test
    void a_plain_scan_with_a_partial_lane_block_and_odd_states_matches_the_reference() {
        ScanShape shape = new ScanShape(2, 3, CpuSimdScan.lanes() + 5, 7, 50);
        ScanInputs in = RandomScanInputs.forScan(shape, 21);
        float[] expected = new float[2 * shape.channels() * 50];
        new ReferenceScan().scan(shape, in, expected);
        float[] y = new float[expected.length];

        try (CpuSimdScan scan = new CpuSimdScan(3)) {
            scan.scan(shape, in, y);
        }

        double error = Deviation.maxAbsoluteDifference(y, expected);
        double scale = Deviation.maxAbsolute(Deviation.toDoubles(expected));
        assertTrue(error <= 1e-5 * scale, "max |y - y_ref| = " + error + ", allowed " + 1e-5 * scale);
    }

    @Test
    void concurrent_calls_on_one_scan_do_not_disturb_each_other() throws Exception {
        ScanShape shape = new ScanShape(1, 4, 2 * CpuSimdScan.lanes(), 16, 8 * 9);
        ScanInputs first = RandomScanInputs.forCrossScan(shape, 31);
        ScanInputs second = RandomScanInputs.forCrossScan(shape, 32);
        int size = shape.channelsPerGroup() * 72;
        float[] firstAlone = new float[size];
        float[] secondAlone = new float[size];
        try (CpuSimdScan scan = new CpuSimdScan(2); ExecutorService callers = Executors.newFixedThreadPool(2)) {
            scan.crossScan2d(shape, 8, 9, first, firstAlone);
            scan.crossScan2d(shape, 8, 9, second, secondAlone);
            for (int round = 0; round < 20; round++) {
                Future<float[]> a = callers.submit(() -> crossScan(scan, shape, first, size));
                Future<float[]> b = callers.submit(() -> crossScan(scan, shape, second, size));
                assertArrayEquals(firstAlone, a.get());
                assertArrayEquals(secondAlone, b.get());
            }
        }
    }

    @Test
    void an_array_of_the_wrong_size_is_rejected_by_name() {
        ScanShape shape = new ScanShape(1, 4, 8, 16, 64);
        ScanInputs in = RandomScanInputs.forScan(shape, 41);
        ScanInputs shortB = new ScanInputs(in.u(), in.delta(), in.a(), new float[10], in.c(), in.d(),
                in.deltaBias());

        try (CpuSimdScan scan = new CpuSimdScan(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> scan.scan(shape, shortB, new float[4 * 8 * 64]));
            assertTrue(e.getMessage().startsWith("selective scan array B has 10 floats but"), e.getMessage());
        }
    }

    @Test
    void a_cross_scan_map_that_does_not_match_the_length_is_rejected() {
        ScanShape shape = new ScanShape(1, 4, 8, 16, 64);
        ScanInputs in = RandomScanInputs.forCrossScan(shape, 42);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReferenceScan().crossScan2d(shape, 8, 9, in, new float[8 * 64]));
        assertEquals("crossScan2d map 8x9 does not match the shape's length L = 64", e.getMessage());
    }

    @Test
    void a_closed_scan_refuses_work() {
        CpuSimdScan scan = new CpuSimdScan(2);
        scan.close();
        ScanShape shape = new ScanShape(1, 1, 4, 4, 4);

        assertThrows(IllegalStateException.class,
                () -> scan.scan(shape, RandomScanInputs.forScan(shape, 43), new float[16]));
    }

    private static float[] crossScan(CpuSimdScan scan, ScanShape shape, ScanInputs in, int size) {
        float[] y = new float[size];
        scan.crossScan2d(shape, 8, 9, in, y);
        return y;
    }
}
