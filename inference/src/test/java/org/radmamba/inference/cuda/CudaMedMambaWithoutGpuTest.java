package org.radmamba.inference.cuda;

import org.junit.jupiter.api.Test;
import org.radmamba.inference.checkpoint.PthReader;
import org.radmamba.inference.checkpoint.StateDict;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;
import org.radmamba.inference.medmamba.MedMambaConfig;
import org.radmamba.inference.medmamba.RandomMedMambaWeights;
import org.radmamba.inference.nn.ConvParams;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host half of the device-resident MedMamba, on a machine without a GPU (CI): weight packing, the launch plan
 * against the kernels' PTX signatures and the buffers it sizes, and the unavailability path.
 */
class CudaMedMambaWithoutGpuTest {

    private static final Path TINY = Path.of("../test-fixtures/checkpoints/medmamba_tiny.pth");

    @Test
    void conv_weights_are_reordered_tap_major_for_the_implicit_gemm() {
        // out 2, in 3, 3x3: w[o][ci][tap] = 100 o + 10 ci + tap
        float[] w = new float[2 * 3 * 9];
        for (int o = 0; o < 2; o++) {
            for (int ci = 0; ci < 3; ci++) {
                for (int tap = 0; tap < 9; tap++) {
                    w[(o * 3 + ci) * 9 + tap] = 100 * o + 10 * ci + tap;
                }
            }
        }
        float[] packed = MedMambaDeviceWeights.tapMajor(new ConvParams(2, 3, 3, w, new float[2]));
        // column tap * in + ci of row o
        assertEquals(100 + 10 * 2 + 4, packed[(9 + 4) * 3 + 2]);
        assertEquals(10 * 1 + 8, packed[8 * 3 + 1]);
        assertEquals(0, packed[0]);
    }

    @Test
    void depthwise_weights_are_stored_tap_major_and_a_is_minus_exp_of_a_logs() {
        float[] w = {0, 1, 2, 3, 10, 11, 12, 13}; // 2 channels, 2x2... as (c, 1, k, k) with k = 2
        assertArrayEquals(new float[] {0, 10, 1, 11, 2, 12, 3, 13}, MedMambaDeviceWeights.depthwiseTapMajor(w, 2, 2));
        assertArrayEquals(new float[] {-1f, (float) -Math.exp(0.5)},
                MedMambaDeviceWeights.negativeExp(new float[] {0f, 0.5f}));
    }

    @Test
    void packing_uses_every_tensor_of_the_checkpoint_folds_batch_norm_and_aligns_each_tensor() {
        StateDict sd = PthReader.read(TINY);
        MedMambaDeviceWeights weights = MedMambaDeviceWeights.pack(sd); // assertAllConsumed inside

        assertEquals(MedMambaConfig.infer(sd), weights.config());
        MedMambaDeviceWeights.Block first = weights.layers().getFirst().getFirst();
        assertEquals(16, first.channels());
        assertEquals(16, first.dInner(), "expand 2 of the half (8)");
        assertEquals(16, first.dState());
        assertEquals(1, first.rank(), "ceil(8 / 16)");
        assertEquals(3, first.convKernel());
        assertEquals(0, first.conv1Weight() % WeightPack.ALIGN);
        assertEquals(0, first.aNeg() % WeightPack.ALIGN);
        long params = sd.totalElements() - countBatchesTracked(sd);
        // every parameter once (BN running stats and affine fold into scale/shift or into the conv: fewer floats)
        assertTrue(weights.packed().length < params + 64L * WeightPack.ALIGN * 8, "no tensor packed twice");
        // the folded conv1 bias is conv bias * scale + shift of layers.0.blocks.0.conv33conv33conv11.2
        StateDict.Reader r = sd.reader();
        float[] bias = r.require("layers.0.blocks.0.conv33conv33conv11.1.bias", 8).values();
        float[] g = r.require("layers.0.blocks.0.conv33conv33conv11.2.weight", 8).values();
        float[] b = r.require("layers.0.blocks.0.conv33conv33conv11.2.bias", 8).values();
        float[] mean = r.require("layers.0.blocks.0.conv33conv33conv11.2.running_mean", 8).values();
        float[] var = r.require("layers.0.blocks.0.conv33conv33conv11.2.running_var", 8).values();
        double s = g[3] / Math.sqrt(var[3] + 1e-5);
        assertEquals(bias[3] * s + b[3] - mean[3] * s, weights.packed()[first.conv1Bias() + 3], 1e-5);
    }

    /**
     * Launches other than split-K reductions and the chunked scan's first two passes: one a layer operation, as
     * the plan's comment counts them.
     */
    private static long layerLaunches(ForwardPlan plan) {
        return plan.calls().stream().map(KernelCall::kernel).filter(k -> !k.equals("splitk_epilogue")
                && !k.startsWith("scan_chunk_state") && !k.equals("scan_chunk_carry")).count();
    }

    private static long countBatchesTracked(StateDict sd) {
        return sd.keys().stream().filter(k -> k.endsWith(StateDict.BATCHES_TRACKED_SUFFIX)).count();
    }

    @Test
    void the_plan_has_ten_launches_a_block_and_every_call_matches_its_kernels_ptx_signature() throws IOException {
        MedMambaDeviceWeights weights = MedMambaDeviceWeights.pack(PthReader.read(TINY));
        ForwardPlan plan = MedMambaPlanner.plan(weights, 2, 64, 64);

        // embed 2 + blocks 10 x (1+1+2+1) + merges 2 x 3 + head 2
        assertEquals(2 + 10 * 5 + 2 * 3 + 2, layerLaunches(plan));
        assertSignatures(plan, weights.packed());
        assertEquals(2L * 3 * 64 * 64, plan.bufferFloats().get(DeviceBuffer.INPUT));
        assertEquals(2L * 3, plan.bufferFloats().get(DeviceBuffer.OUTPUT));
        assertEquals(6, plan.outputFloats());
        // stage 1: 2 x 16 x 16 positions of 16 channels; the scan's four directions of d_inner 16
        assertEquals(2L * 16 * 16 * 16, plan.bufferFloats().get(DeviceBuffer.X0));
        assertEquals(4L * 2 * 16 * 16 * 16, plan.bufferFloats().get(DeviceBuffer.YS));
    }

    @Test
    void the_plan_interpreted_kernel_by_kernel_on_the_cpu_gives_the_golden_logits() throws IOException {
        MedMambaDeviceWeights weights = MedMambaDeviceWeights.pack(PthReader.read(TINY));
        NpyArray input = Npy.read(Path.of("../test-fixtures/fixtures/medmamba_tiny.input.npy"));
        float[] golden = Npy.read(Path.of("../test-fixtures/fixtures/medmamba_tiny.output.npy")).data();
        ForwardPlan plan = MedMambaPlanner.plan(weights, input.dim(0), input.dim(2), input.dim(3));

        float[] out = new PlanInterpreter(plan, weights.packed()).run(plan, input.data());

        assertWithinGolden("medmamba_tiny", out, golden);
    }

    @Test
    void the_vmunet_plans_interpreted_on_the_cpu_give_the_golden_maps() throws IOException {
        for (String name : new String[] {"vmunet_tiny_binary", "vmunet_tiny_multiclass"}) {
            Path pth = name.endsWith("binary") ? Path.of("../test-fixtures/checkpoints/" + name + ".pth")
                    : Path.of("../test-fixtures/fixtures/" + name + ".pth");
            DeviceModel model = CudaNetwork.pack(PthReader.read(pth));
            assertNull(model.unsupported());
            NpyArray input = Npy.read(Path.of("../test-fixtures/fixtures/" + name + ".input.npy"));
            float[] golden = Npy.read(Path.of("../test-fixtures/fixtures/" + name + ".output.npy")).data();
            ForwardPlan plan = model.plan(input.dim(0), input.dim(1), input.dim(2), input.dim(3));
            assertSignatures(plan, model.packed());

            float[] out = new PlanInterpreter(plan, model.packed()).run(plan, input.data());

            assertWithinGolden(name, out, golden);
        }
    }

    /**
     * The TF32 plan interpreted on the CPU (operands rounded as gemm_nt_tf32 rounds them): a model of the GPU's TF32
     * numbers that CI can run. It must leave the goldens by more than float32 does (the rounding reaches the output)
     * yet stay within 5 % of max |golden| (measured: 0.06 %, 0.25 % and 0.8 %), where a misplaced operand would
     * be off by the whole output.
     */
    @Test
    void the_tf32_plans_interpreted_on_the_cpu_stay_near_the_goldens() throws IOException {
        for (String name : new String[] {"medmamba_tiny", "vmunet_tiny_binary", "vmunet_tiny_multiclass"}) {
            Path pth = name.equals("vmunet_tiny_multiclass") ? Path.of("../test-fixtures/fixtures/" + name + ".pth")
                    : Path.of("../test-fixtures/checkpoints/" + name + ".pth");
            DeviceModel model = CudaNetwork.pack(PthReader.read(pth));
            NpyArray input = Npy.read(Path.of("../test-fixtures/fixtures/" + name + ".input.npy"));
            float[] golden = Npy.read(Path.of("../test-fixtures/fixtures/" + name + ".output.npy")).data();
            ForwardPlan plan = model.plan(input.dim(0), input.dim(1), input.dim(2), input.dim(3))
                    .withGemmKernel(NetworkPrecision.TF32.gemmKernel());

            float[] out = new PlanInterpreter(plan, model.packed()).run(plan, input.data());

            double max = maxAbs(golden);
            double diff = maxAbsDifference(out, golden);
            System.out.printf("%s TF32 on the CPU: max |out - golden| %.3g = %.3g of max |golden|%n", name, diff,
                    diff / max);
            assertTrue(diff > 1e-4 * max && diff <= 5e-2 * max, name + ": max |out - golden| = " + diff
                    + ", expected in (" + 1e-4 * max + ", " + 5e-2 * max + "]");
        }
    }

    private static void assertWithinGolden(String name, float[] out, float[] golden) {
        double max = maxAbs(golden);
        double diff = maxAbsDifference(out, golden);
        assertEquals(golden.length, out.length, name);
        assertTrue(diff <= 1e-4 * max, name + ": max |out - golden| = " + diff + ", limit " + 1e-4 * max);
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static double maxAbsDifference(float[] out, float[] reference) {
        double diff = 0;
        for (int i = 0; i < reference.length; i++) {
            diff = Math.max(diff, Math.abs(out[i] - reference[i]));
        }
        return diff;
    }

    @Test
    void every_gemm_grid_covers_its_output_and_every_write_stays_inside_its_buffer() {
        MedMambaDeviceWeights weights = MedMambaDeviceWeights.pack(PthReader.read(TINY));
        for (int[] shape : new int[][] {{1, 64, 64}, {3, 70, 50}, {2, 32, 32}}) {
            ForwardPlan plan = MedMambaPlanner.plan(weights, shape[0], shape[1], shape[2]);
            for (KernelCall call : plan.calls()) {
                if (!call.kernel().startsWith("gemm_nt")) {
                    continue;
                }
                List<Object> a = call.args();
                int m = (Integer) a.get(0);
                int n = (Integer) a.get(1);
                assertTrue(call.gridX() * GemmTiling.TILE >= n && call.gridY() * GemmTiling.TILE >= m);
                assertTrue(call.gridZ() * (Integer) a.get(23) >= (Integer) a.get(2), "the splits cover K");
                KernelCall.Ptr c = (KernelCall.Ptr) a.get(17);
                long ldc = (Integer) a.get(18);
                long last = (m - 1) * ldc + (Integer) a.get(19) + (long) (n - 1) * (Integer) a.get(20);
                assertTrue(last < plan.bufferFloats().get(c.buffer()), "gemm writes " + c.buffer() + " up to " + last);
            }
        }
    }

    @Test
    void medmamba_t_at_224_plans_110_launches_and_its_activations_fit_a_small_gpu_at_batch_1() {
        MedMambaDeviceWeights weights = MedMambaDeviceWeights.pack(RandomMedMambaWeights.stateDict(
                MedMambaConfig.tiny(6), 1));
        ForwardPlan plan = MedMambaPlanner.plan(weights, 1, 224, 224);

        assertEquals(2 + (2 + 2 + 4 + 2) * 10 + 3 * 2 + 2, layerLaunches(plan));
        assertTrue(plan.activationBytes() < 64L << 20, plan.activationBytes() + " bytes");
        assertNull(MedMambaPlanner.unsupported(weights));
    }

    @Test
    void an_odd_state_size_is_refused_with_the_reason() {
        Map<String, org.radmamba.inference.checkpoint.CheckpointTensor> tensors = new HashMap<>(
                PthReader.read(TINY).asMap());
        StateDict sd = new StateDict("test", tensors);
        MedMambaDeviceWeights weights = MedMambaDeviceWeights.pack(sd);
        var b = weights.layers().getFirst().getFirst();
        var odd = new MedMambaDeviceWeights.Block(b.channels(), b.dInner(), 12, b.rank(), b.convKernel(), 0, 0, 0, 0,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var changed = new MedMambaDeviceWeights(weights.config(), weights.embed(), List.of(List.of(odd)),
                weights.merges(), weights.head(), weights.packed());
        assertEquals("d_state 12 is not a power of two up to 32", MedMambaPlanner.unsupported(changed));
    }

    @Test
    void without_a_driver_loading_and_querying_say_why() {
        StateDict sd = PthReader.read(TINY);
        CudaUnavailableException load = assertThrows(CudaUnavailableException.class,
                () -> CudaNetwork.load(sd, "libcuda-not-installed.so.1", NetworkPrecision.FLOAT32));
        assertEquals("no NVIDIA driver found (libcuda-not-installed.so.1 could not be loaded)", load.getMessage());
        CudaUnavailableException query = assertThrows(CudaUnavailableException.class,
                () -> CudaDevice.query("libcuda-not-installed.so.1", 0));
        assertEquals(load.getMessage(), query.getMessage());
    }

    @Test
    void the_tf32_plan_launches_the_tensor_core_gemm_wherever_the_float32_plan_launches_gemm_nt() throws IOException {
        MedMambaDeviceWeights weights = MedMambaDeviceWeights.pack(PthReader.read(TINY));
        ForwardPlan plan = MedMambaPlanner.plan(weights, 2, 64, 64);
        ForwardPlan tf32 = plan.withGemmKernel(NetworkPrecision.TF32.gemmKernel());

        assertSignatures(tf32, weights.packed());
        assertEquals(plan.calls().size(), tf32.calls().size());
        assertEquals(plan.bufferFloats(), tf32.bufferFloats());
        long gemms = 0;
        for (int i = 0; i < plan.calls().size(); i++) {
            KernelCall f32 = plan.calls().get(i);
            KernelCall t = tf32.calls().get(i);
            boolean gemm = f32.kernel().equals("gemm_nt");
            gemms += gemm ? 1 : 0;
            assertEquals(gemm ? "gemm_nt_tf32" : f32.kernel(), t.kernel());
            assertEquals(List.of(f32.gridX(), f32.gridY(), f32.gridZ(), f32.block(), f32.args()),
                    List.of(t.gridX(), t.gridY(), t.gridZ(), t.block(), t.args()));
        }
        assertTrue(gemms >= 10 * 3, gemms + " GEMMs: at least in_proj, x_proj and out_proj of each of the 10 blocks");
        assertSame(plan, plan.withGemmKernel(NetworkPrecision.FLOAT32.gemmKernel()));
    }

    /**
     * Every call names an entry of network.ptx (or gemm_tf32.ptx) with its parameters' count and types; pointers are
     * resolvable.
     */
    private static void assertSignatures(ForwardPlan plan, float[] packed) throws IOException {
        Map<String, List<String>> signatures = ptxSignatures();
        for (KernelCall call : plan.calls()) {
            List<String> types = signatures.get(call.kernel());
            assertTrue(types != null, call.kernel() + " is an entry of network.ptx or gemm_tf32.ptx");
            assertEquals(types.size(), call.args().size(), call.kernel() + ": argument count");
            for (int i = 0; i < types.size(); i++) {
                Object arg = call.args().get(i);
                String expected = switch (arg) {
                    case Integer v -> "u32|s32";
                    case Long v -> "u64|s64";
                    case Float v -> "f32";
                    case KernelCall.Ptr p -> "u64";
                    default -> "?";
                };
                assertTrue(types.get(i).matches(expected), call.kernel() + " argument " + i + " is ." + types.get(i)
                        + ", the plan passes " + arg);
                if (arg instanceof KernelCall.Ptr p && !p.isNull() && p.buffer() != DeviceBuffer.WEIGHTS) {
                    assertTrue(plan.bufferFloats().containsKey(p.buffer()), p.buffer() + " is sized by the plan");
                }
                if (arg instanceof KernelCall.Ptr p && p.buffer() == DeviceBuffer.WEIGHTS) {
                    assertTrue(p.offset() >= 0 && p.offset() < packed.length, "weight offset in the pack");
                }
            }
        }
    }

    /** Each .entry of network.ptx and gemm_tf32.ptx with its parameters' types, in order. */
    private static Map<String, List<String>> ptxSignatures() throws IOException {
        Map<String, List<String>> out = new HashMap<>();
        readSignatures("network.ptx", "sm_70", out);  // JIT-compilable for Volta and every later GPU
        readSignatures("gemm_tf32.ptx", "sm_80", out);  // TF32 mma.sync: Ampere and later
        return out;
    }

    private static void readSignatures(String resource, String target, Map<String, List<String>> out)
            throws IOException {
        String ptx;
        try (InputStream in = CudaNetwork.class.getResourceAsStream(resource)) {
            ptx = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        assertTrue(ptx.contains("\n.target " + target + "\n"), resource + " targets " + target);
        assertTrue(ptx.contains("\n.version 7.0\n"), resource + ": PTX ISA 7.0, which drivers since CUDA 11.0 load");
        Matcher entry = Pattern.compile("\\.entry (\\w+)\\(([^)]*)\\)").matcher(ptx);
        while (entry.find()) {
            List<String> types = new ArrayList<>();
            Matcher param = Pattern.compile("\\.param \\.(\\w+) ").matcher(entry.group(2));
            while (param.find()) {
                types.add(param.group(1));
            }
            out.put(entry.group(1), types);
        }
    }
}
