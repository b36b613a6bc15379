package org.radmamba.inference.medmamba;

import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.InferenceMemory;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.CpuSimdScan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Inference frees its native memory deterministically: a thousand runs in a row do not grow the process. */
class MedMambaMemoryTest {

    @Test
    void a_thousand_inferences_in_a_row_keep_native_memory_bounded() throws Exception {
        NpyArray x = Npy.read(TestResources.path("/fixtures/medmamba_tiny.input.npy"));
        try (MedMamba model = MedMamba.load(TestResources.path("/checkpoints/medmamba_tiny.pth"));
             Parallel parallel = new Parallel(2);
             CpuSimdScan scan = new CpuSimdScan(2)) {
            ComputeContext ctx = new ComputeContext(parallel, scan);
            for (int i = 0; i < 30; i++) { // the workspace learns its size, the JIT settles
                model.run(x.data(), 2, 64, 64, ctx);
            }
            long workspace = InferenceMemory.workspaceBytesOfThisThread();
            long trackedBefore = settledNativeBytes();
            long rssBefore = residentKilobytes();
            for (int i = 0; i < 1000; i++) {
                model.run(x.data(), 2, 64, 64, ctx);
            }
            long trackedGrownKb = (settledNativeBytes() - trackedBefore) / 1024;
            long grownMb = (residentKilobytes() - rssBefore) / 1024;

            assertEquals(workspace, InferenceMemory.workspaceBytesOfThisThread(), "the workspace must be reused, not grown");
            // Native buffers outside the workspace (JavaCPP counts each one until its Java object is collected): what
            // survives a collection after 1000 runs must be small; leaked activations would be gigabytes.
            assertTrue(trackedGrownKb < 8 * 1024, "native buffers grew by " + trackedGrownKb + " KiB over 1000 inferences");
            // 1000 runs allocate about 3 GB of activations; a leak of them shows as hundreds of MB. The bound leaves
            // room for the JVM's own growth (heap, JIT code, malloc arenas), which measured up to 65 MB in CI.
            assertTrue(grownMb < 256, "resident memory grew by " + grownMb + " MB over 1000 inferences");
        }
    }

    /**
     * Native bytes JavaCPP still counts once unreachable buffers are collected: small shape and scalar buffers are
     * freed only when the GC finds their Java objects, so an uncollected count depends on GC timing. Settled means
     * two collections in a row found nothing more to free (on a busy machine one can come too early); the least
     * count seen is the answer.
     */
    private static long settledNativeBytes() throws InterruptedException {
        long least = Long.MAX_VALUE;
        long previous = -1;
        for (int i = 0; i < 20; i++) {
            System.gc();
            Thread.sleep(50);
            Pointer.deallocateReferences();
            long now = Pointer.totalBytes();
            least = Math.min(least, now);
            if (now == previous) {
                break;
            }
            previous = now;
        }
        return least;
    }

    /** VmRSS of this process; 0 where there is no /proc (the workspace check still runs). */
    private static long residentKilobytes() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
