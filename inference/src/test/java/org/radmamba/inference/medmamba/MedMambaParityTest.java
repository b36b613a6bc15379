package org.radmamba.inference.medmamba;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.ReferenceScan;
import org.radmamba.inference.scan.SelectiveScan;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official MedMamba's logits on the golden fixture, within 1e-4 of their largest magnitude. */
class MedMambaParityTest {

    private static Parallel parallel;
    private static MedMamba model;

    @BeforeAll
    static void load() throws Exception {
        parallel = new Parallel(2);
        model = MedMamba.load(TestResources.path("/checkpoints/medmamba_tiny.pth"));
    }

    @AfterAll
    static void release() {
        model.close();
        parallel.close();
    }

    @Test
    void the_architecture_is_read_off_the_checkpoint() {
        MedMambaConfig c = model.config();
        assertArrayEquals(new int[] {1, 1, 2, 1}, c.depths());
        assertArrayEquals(new int[] {16, 32, 64, 128}, c.dims());
        assertEquals(3, c.numClasses());
        assertEquals(3, c.inChannels());
        assertEquals(4, c.patchSize());
        assertEquals(16, model.dState());
    }

    @Test
    void the_tiny_model_gives_the_official_logits_with_the_reference_scan() throws Exception {
        assertParity(new ReferenceScan());
    }

    @Test
    void the_tiny_model_gives_the_official_logits_with_the_simd_scan() throws Exception {
        try (CpuSimdScan scan = new CpuSimdScan(2)) {
            assertParity(scan);
        }
    }

    @Test
    void one_thread_and_two_threads_give_the_same_logits() throws Exception {
        NpyArray x = Npy.read(TestResources.path("/fixtures/medmamba_tiny.input.npy"));
        ReferenceScan scan = new ReferenceScan();
        float[] two = model.run(x.data(), 2, 64, 64, new ComputeContext(parallel, scan));
        try (Parallel one = Parallel.single()) {
            // Equal up to float rounding: OpenBLAS may sum in another order when the machine is busy; a race in
            // our kernels would show orders of magnitude above this.
            assertArrayEquals(two, model.run(x.data(), 2, 64, 64, new ComputeContext(one, scan)), 1e-5f);
        }
    }

    @Test
    void each_image_of_a_batch_gets_the_logits_it_gets_alone() throws Exception {
        NpyArray x = Npy.read(TestResources.path("/fixtures/medmamba_tiny.input.npy"));
        ComputeContext ctx = new ComputeContext(parallel, new ReferenceScan());
        float[] both = model.run(x.data(), 2, 64, 64, ctx);
        int image = 3 * 64 * 64;
        float[] second = java.util.Arrays.copyOfRange(x.data(), image, 2 * image);
        float[] alone = model.run(second, 1, 64, 64, ctx);
        assertArrayEquals(java.util.Arrays.copyOfRange(both, 3, 6), alone, 1e-5f);
    }

    static void assertParity(MedMamba net, SelectiveScan scan, Parallel par, Path input, Path golden) throws Exception {
        NpyArray x = Npy.read(input);
        NpyArray expected = Npy.read(golden);
        float[] logits = net.run(x.data(), x.dim(0), x.dim(2), x.dim(3), new ComputeContext(par, scan));
        assertEquals(expected.data().length, logits.length);
        float maxGolden = 0f;
        float maxError = 0f;
        for (int i = 0; i < logits.length; i++) {
            maxGolden = Math.max(maxGolden, Math.abs(expected.data()[i]));
            maxError = Math.max(maxError, Math.abs(logits[i] - expected.data()[i]));
        }
        assertTrue(maxError <= 1e-4f * maxGolden, "max |logits - golden| = " + maxError + " > 1e-4 * " + maxGolden);
    }

    private static void assertParity(SelectiveScan scan) throws Exception {
        assertParity(model, scan, parallel, TestResources.path("/fixtures/medmamba_tiny.input.npy"),
                TestResources.path("/fixtures/medmamba_tiny.output.npy"));
    }
}
