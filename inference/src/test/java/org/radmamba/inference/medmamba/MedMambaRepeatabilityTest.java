package org.radmamba.inference.medmamba;

import org.junit.jupiter.api.Test;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.ReferenceScan;
import org.radmamba.inference.scan.SelectiveScan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The same input through the same model gives bit-identical logits however often it runs in one process. The runs
 * are many because the JIT compiles the kernels in between: SiLU's {@code lanewise(EXP)} and LayerNorm's
 * {@code reduceLanes(ADD)} gave other last bits once C2 had compiled them (about the 4th run of this model), so
 * the first run of a process (the command line) and a later one (the viewer) disagreed by ~5e-7.
 */
class MedMambaRepeatabilityTest {

    private static final int RUNS = 12;

    @Test
    void the_simd_scan_on_two_threads_gives_the_same_bits_every_run() throws Exception {
        try (Parallel parallel = new Parallel(2); CpuSimdScan scan = new CpuSimdScan(2)) {
            assertSameBitsEveryRun(parallel, scan);
        }
    }

    @Test
    void the_reference_scan_on_one_thread_gives_the_same_bits_every_run() throws Exception {
        try (Parallel parallel = Parallel.single()) {
            assertSameBitsEveryRun(parallel, new ReferenceScan());
        }
    }

    private static void assertSameBitsEveryRun(Parallel parallel, SelectiveScan scan) throws Exception {
        NpyArray x = Npy.read(TestResources.path("/fixtures/medmamba_tiny.input.npy"));
        // The JIT's state is the JVM's, not the model's: run alone (-Dtest=MedMambaRepeatabilityTest) the first
        // run here is interpreted and later ones compiled, which is what caught the two kernels above.
        try (MedMamba model = MedMamba.load(TestResources.path("/checkpoints/medmamba_tiny.pth"))) {
            ComputeContext ctx = new ComputeContext(parallel, scan);
            float[] first = model.run(x.data(), 2, 64, 64, ctx);
            for (int run = 2; run <= RUNS; run++) {
                assertArrayEquals(first, model.run(x.data(), 2, 64, 64, ctx), 0f, "run " + run + " against run 1");
            }
        }
    }
}
