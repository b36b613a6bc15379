package org.radmamba.inference.vmunet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.CpuSimdScan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official VMUNet's outputs on the golden fixtures, within 1e-4 of their largest magnitude. */
class VmUnetParityTest {

    private static final Logger LOG = LoggerFactory.getLogger(VmUnetParityTest.class);

    private static Parallel parallel;
    private static ComputeContext ctx;

    @BeforeAll
    static void engine() {
        parallel = new Parallel(2);
        ctx = new ComputeContext(parallel, new CpuSimdScan());
    }

    @AfterAll
    static void release() {
        parallel.close();
    }

    @Test
    void the_binary_model_gives_the_official_sigmoid_probabilities() throws Exception {
        assertParity("vmunet_tiny_binary", new long[] {1, 1, 64, 64});
    }

    @Test
    void the_multiclass_model_gives_the_official_logits() throws Exception {
        assertParity("vmunet_tiny_multiclass", new long[] {1, 4, 64, 64});
    }

    @Test
    void a_single_channel_input_is_repeated_to_three_channels() throws Exception {
        try (VmUnet model = VmUnet.load(VmUnetFixtures.checkpoint("vmunet_tiny_binary"))) {
            float[] grey = new float[64 * 64];
            for (int i = 0; i < grey.length; i++) {
                grey[i] = (float) Math.sin(i * 0.37);
            }
            float[] rgb = new float[3 * grey.length];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(grey, 0, rgb, c * grey.length, grey.length);
            }

            assertArrayEquals(model.run(rgb, 1, 3, 64, 64, ctx), model.run(grey, 1, 1, 64, 64, ctx), 1e-6f);
        }
    }

    private static void assertParity(String name, long[] outputShape) throws IOException {
        NpyArray input = Npy.read(VmUnetFixtures.resource("/fixtures/" + name + ".input.npy"));
        NpyArray golden = Npy.read(VmUnetFixtures.resource("/fixtures/" + name + ".output.npy"));
        assertArrayEquals(outputShape, golden.shape());
        try (VmUnet model = VmUnet.load(VmUnetFixtures.checkpoint(name))) {
            float[] out = model.run(input.data(), input.dim(0), input.dim(1), input.dim(2), input.dim(3), ctx);

            double maxGolden = 0;
            double maxError = 0;
            for (int i = 0; i < out.length; i++) {
                maxGolden = Math.max(maxGolden, Math.abs(golden.data()[i]));
                maxError = Math.max(maxError, Math.abs(out[i] - golden.data()[i]));
            }
            assertTrue(out.length == golden.data().length, "output length " + out.length);
            LOG.info("{}: max |out - golden| = {} (max |golden| = {})", name, maxError, maxGolden);
            assertTrue(maxError <= 1e-4 * maxGolden, name + ": max |out - golden| = " + maxError
                    + ", allowed " + 1e-4 * maxGolden);
        }
    }
}
