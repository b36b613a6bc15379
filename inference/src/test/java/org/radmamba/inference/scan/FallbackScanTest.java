package org.radmamba.inference.scan;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.radmamba.inference.cuda.CudaException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FallbackScanTest {

    private static final ScanShape SHAPE = new ScanShape(2, 4, 5, 16, 6 * 7);

    /** Stands in for a GPU whose driver call fails mid-run (e.g. the device was lost). */
    private static final class FailingDeviceScan implements SelectiveScan {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String name() {
            return "cuda";
        }

        @Override
        public void scan(ScanShape shape, ScanInputs in, float[] y) {
            calls.incrementAndGet();
            throw new CudaException("cuLaunchKernel(ss_chunk_output)", 719, "CUDA_ERROR_LAUNCH_FAILED");
        }

        @Override
        public void crossScan2d(ScanShape shape, int height, int width, ScanInputs in, float[] y) {
            scan(shape, in, y);
        }
    }

    @Test
    void a_cuda_failure_during_a_cross_scan_is_answered_by_the_cpu_with_identical_results() {
        ScanInputs in = RandomScanInputs.forCrossScan(SHAPE, 11);
        float[] expected = new float[in.u().length];
        new ReferenceScan().crossScan2d(SHAPE, 6, 7, in, expected);
        FallbackScan scan = new FallbackScan(new FailingDeviceScan(), shape -> true, new ReferenceScan());

        float[] y = new float[expected.length];
        scan.crossScan2d(SHAPE, 6, 7, in, y);

        assertArrayEquals(expected, y);
        assertTrue(scan.fellBack());
        assertEquals("reference", scan.name());
    }

    @Test
    void after_a_failure_the_device_is_not_tried_again() {
        ScanInputs in = RandomScanInputs.forScan(SHAPE, 12);
        float[] expected = new float[in.u().length];
        new ReferenceScan().scan(SHAPE, in, expected);
        FailingDeviceScan device = new FailingDeviceScan();
        FallbackScan scan = new FallbackScan(device, shape -> true, new ReferenceScan());

        float[] y = new float[expected.length];
        scan.scan(SHAPE, in, y);
        scan.scan(SHAPE, in, y);
        scan.crossScan2d(SHAPE, 6, 7, RandomScanInputs.forCrossScan(SHAPE, 13), new float[2 * 5 * 42]);

        assertEquals(1, device.calls.get());
        assertArrayEquals(expected, y);
    }

    @Test
    void shapes_the_device_does_not_take_go_to_the_cpu_without_giving_up_the_device() {
        FailingDeviceScan device = new FailingDeviceScan();
        FallbackScan scan = new FallbackScan(device, shape -> shape.dState() <= 8, new ReferenceScan());

        scan.scan(SHAPE, RandomScanInputs.forScan(SHAPE, 14), new float[2 * 20 * 42]);

        assertEquals(0, device.calls.get());
        assertFalse(scan.fellBack());
        assertEquals("cuda", scan.name());
    }

    @Test
    void a_caller_error_is_not_mistaken_for_a_device_failure() {
        FallbackScan scan = new FallbackScan(new ReferenceScan(), shape -> true, new ReferenceScan());

        assertThrows(IllegalArgumentException.class,
                () -> scan.scan(SHAPE, RandomScanInputs.forScan(SHAPE, 15), new float[3]));
        assertFalse(scan.fellBack());
    }
}
