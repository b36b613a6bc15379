package org.radmamba.inference.cuda;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkKernelsTest {

    @Test
    void the_shipped_cubins_were_assembled_from_the_shipped_ptx() throws Exception {
        for (String module : NetworkKernels.MODULES) {
            byte[] ptx = NetworkKernels.resource(NetworkKernels.ptx(module));
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ptx));
            String recorded = new String(NetworkKernels.resource(NetworkKernels.cubinSource(module)),
                    StandardCharsets.US_ASCII).strip();
            assertEquals(recorded, digest, module + ".ptx was rebuilt without its cubins: run build-ptx.sh " + module);
            for (String arch : NetworkKernels.CUBIN_ARCHITECTURES) {
                byte[] cubin = NetworkKernels.resource(NetworkKernels.cubinResource(module, arch));
                assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(cubin, 4), arch);
            }
        }
    }

    @Test
    void a_cubin_serves_its_architecture_and_its_later_minor_revisions_only() {
        List<String> shipped = List.of("sm_80", "sm_90");
        assertEquals("network.sm_90.cubin", NetworkKernels.cubinFor("network", 9, 0, shipped));
        assertEquals("network.sm_80.cubin", NetworkKernels.cubinFor("network", 8, 0, shipped));
        assertEquals("network.sm_80.cubin", NetworkKernels.cubinFor("network", 8, 9, shipped));
        assertEquals("network.sm_86.cubin", NetworkKernels.cubinFor("network", 8, 9, List.of("sm_80", "sm_86")));
        assertNull(NetworkKernels.cubinFor("network", 7, 5, shipped));
        assertNull(NetworkKernels.cubinFor("network", 10, 0, shipped));
        assertNull(NetworkKernels.cubinFor("network", 12, 0, shipped));
        assertEquals("gemm_tf32.sm_80.cubin", NetworkKernels.cubinFor("gemm_tf32", 8, 6, shipped));
    }

    @Test
    void a_device_with_a_cubin_tries_it_first_then_the_ptx_and_an_override_alone() throws Exception {
        List<NetworkKernels.Image> hopper = NetworkKernels.candidates("network", 9, 0, null);
        assertEquals(List.of("network.sm_90.cubin", "network.ptx"), hopper.stream().map(NetworkKernels.Image::name)
                .toList());
        assertTrue(hopper.get(0).machineCode());
        assertFalse(hopper.get(1).machineCode());
        assertEquals(List.of("network.ptx"), NetworkKernels.candidates("network", 7, 0, null).stream()
                .map(NetworkKernels.Image::name).toList());
        assertEquals(List.of("gemm_tf32.sm_90.cubin", "gemm_tf32.ptx"), NetworkKernels.candidates("gemm_tf32", 9, 0,
                null).stream().map(NetworkKernels.Image::name).toList());
        java.nio.file.Path variant = java.nio.file.Files.createTempFile("variant", ".ptx");
        try {
            java.nio.file.Files.writeString(variant, ".version 7.0\n");
            List<NetworkKernels.Image> override = NetworkKernels.candidates("network", 9, 0, variant.toString());
            assertEquals(1, override.size());
            assertFalse(override.get(0).machineCode());
            assertEquals(".version 7.0\n", new String(override.get(0).bytes(), StandardCharsets.US_ASCII));
        } finally {
            java.nio.file.Files.delete(variant);
        }
    }
}
