package org.radmamba.inference.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What can be checked of the CUDA scan on a machine without a GPU (CI): the driver lookup and the shipped PTX. */
class CudaScanWithoutGpuTest {

    @Test
    void a_missing_driver_library_is_reported_as_no_nvidia_driver_found() {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> CudaScan.open("libcuda-not-installed.so.1", 0));

        assertEquals("no NVIDIA driver found (libcuda-not-installed.so.1 could not be loaded)", e.getMessage());
    }

    @Test
    void the_shipped_ptx_targets_volta_with_an_isa_old_drivers_jit_and_has_the_kernel() throws IOException {
        String ptx;
        try (InputStream in = CudaScan.class.getResourceAsStream("selective_scan.ptx")) {
            assertNotNull(in, "selective_scan.ptx is packaged next to CudaScan");
            ptx = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }

        assertTrue(ptx.contains("\n.version 7.0\n"), "PTX ISA 7.0 (CUDA 11.0 drivers and newer)");
        assertTrue(ptx.contains("\n.target sm_70\n"), "JIT-compilable for Volta and every later GPU");
        assertTrue(ptx.contains(".entry selective_scan("), "the PTX has the kernel selective_scan");
        assertTrue(ptx.contains(".entry cross_layout("), "and the cross scan's column-major copies, cross_layout");
        assertTrue(ptx.contains(".entry cross_combine("), "and the cross scan's sum of directions, cross_combine");
    }

    @Test
    void the_launch_geometry_matches_the_kernels_compiled_macros() throws IOException {
        String ptx;
        try (InputStream in = CudaScan.class.getResourceAsStream("selective_scan.ptx")) {
            ptx = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        // nvcc writes the int array as little-endian bytes, leaving out trailing zeros.
        Matcher m = Pattern.compile("selective_scan_geometry\\[12\\] = \\{([0-9, ]+)}").matcher(ptx);
        assertTrue(m.find(), "the PTX carries selective_scan_geometry");
        int[] bytes = new int[12];
        String[] listed = m.group(1).split(",\\s*");
        for (int i = 0; i < listed.length; i++) {
            bytes[i] = Integer.parseInt(listed[i].trim());
        }
        int[] geometry = new int[3];
        for (int i = 0; i < 3; i++) {
            geometry[i] = bytes[4 * i] | bytes[4 * i + 1] << 8 | bytes[4 * i + 2] << 16 | bytes[4 * i + 3] << 24;
        }

        assertArrayEquals(new int[] {CudaScan.CHANNELS_PER_BLOCK, CudaScan.BLOCK_THREADS, CudaScan.SHARED_BYTES},
                geometry, "channels a block, threads a block, shared bytes: CudaScan against selective_scan.cu");
    }

    @Test
    void errors_name_the_driver_call_and_its_result() {
        CudaException e = new CudaException("cuMemAlloc_v2(1024 bytes)", 2, "CUDA_ERROR_OUT_OF_MEMORY");

        assertEquals("cuMemAlloc_v2(1024 bytes) failed: CUDA_ERROR_OUT_OF_MEMORY (2)", e.getMessage());
        assertEquals(2, e.result());
    }
}
