package org.radmamba.app.ai;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.ScanDevicePreference;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Engine selection on this machine (no GPU): each way the driver can answer, stood in through {@link GpuProbe}, and
 * the engine and the words the AI panel shows for it.
 */
class EngineSelectorTest {

    private static final long GIB = 1L << 30;
    private static final GpuDevice H100 = new GpuDevice("NVIDIA H100 80GB HBM3", 9, 0, 79L * GIB + GIB / 2, 78L * GIB);
    private static final GpuDevice T4 = new GpuDevice("Tesla T4", 7, 5, 15 * GIB, 14 * GIB);
    private static final GpuDevice A100 = new GpuDevice("NVIDIA A100-SXM4-40GB", 8, 0, 40 * GIB, 39 * GIB);

    @TempDir
    Path folder;

    private static GpuProbe answering(GpuDevice device) {
        return () -> device;
    }

    private static GpuProbe failing(String reason) {
        return () -> {
            throw new CudaUnavailableException(reason);
        };
    }

    @Test
    void a_usable_gpu_with_room_for_the_model_is_the_cuda_engine_with_its_name_and_memory() {
        EngineChoice choice = new EngineSelector(answering(H100)).choose(ScanDevicePreference.AUTO, NetworkPrecision.FLOAT32, 2 * GIB);
        assertEquals(EngineChoice.Kind.CUDA, choice.kind());
        assertSame(H100, choice.device());
        assertEquals("Engine: CUDA (float32) on NVIDIA H100 80GB HBM3 (compute 9.0), 78.0 GiB free of 79.5 GiB", choice.text());
        assertEquals("the model needs about 2.00 GiB of the 78.00 GiB free", choice.reason());
    }

    @Test
    void no_driver_means_the_cpu_with_the_drivers_reason() {
        EngineChoice choice = new EngineSelector(failing("no NVIDIA driver found (libcuda.so.1 could not be loaded)"))
                .choose(ScanDevicePreference.AUTO, NetworkPrecision.FLOAT32, GIB);
        assertEquals(EngineChoice.Kind.CPU, choice.kind());
        assertNull(choice.device());
        assertEquals("Engine: CPU (float32) — no NVIDIA driver found (libcuda.so.1 could not be loaded)", choice.text());
    }

    @Test
    void a_gpu_older_than_volta_is_not_used() {
        GpuDevice pascal = new GpuDevice("Tesla P100-PCIE-16GB", 6, 0, 16 * GIB, 15 * GIB);
        EngineChoice choice = new EngineSelector(answering(pascal)).choose(ScanDevicePreference.AUTO, NetworkPrecision.FLOAT32, GIB);
        assertEquals(EngineChoice.Kind.CPU, choice.kind());
        assertEquals("Engine: CPU (float32) — Tesla P100-PCIE-16GB has compute capability 6.0; the GPU engine needs 7.0 (Volta) "
                + "or newer", choice.text());
        // Volta itself is served.
        GpuDevice volta = new GpuDevice("Tesla V100-SXM2-16GB", 7, 0, 16 * GIB, 15 * GIB);
        assertEquals(EngineChoice.Kind.CUDA, new EngineSelector(answering(volta)).choose(ScanDevicePreference.AUTO, NetworkPrecision.FLOAT32, GIB).kind());
    }

    @Test
    void a_model_that_does_not_fit_the_free_memory_runs_on_the_cpu() {
        GpuDevice busy = new GpuDevice("NVIDIA RTX A2000", 8, 6, 6 * GIB, GIB / 4);
        EngineChoice choice = new EngineSelector(answering(busy)).choose(ScanDevicePreference.AUTO, NetworkPrecision.FLOAT32, GIB);
        assertEquals(EngineChoice.Kind.CPU, choice.kind());
        assertSame(busy, choice.device());
        assertEquals("Engine: CPU (float32) — the model needs about 1.00 GiB of GPU memory but NVIDIA RTX A2000 has 0.25 GiB free",
                choice.text());
        // Exactly the free memory still fits.
        assertEquals(EngineChoice.Kind.CUDA, new EngineSelector(answering(busy)).choose(ScanDevicePreference.AUTO, NetworkPrecision.FLOAT32, GIB / 4).kind());
    }

    @Test
    void the_cpu_preference_never_asks_the_driver() {
        EngineChoice choice = new EngineSelector(() -> {
            throw new AssertionError("the driver must not be asked");
        }).choose(ScanDevicePreference.CPU, NetworkPrecision.FLOAT32, GIB);
        assertEquals("Engine: CPU (float32) — the CPU engine was chosen", choice.text());
    }

    @Test
    void an_explicit_cuda_preference_that_cannot_be_served_runs_on_the_cpu_and_says_it_was_asked_for() {
        EngineChoice choice = new EngineSelector(failing("the NVIDIA driver reports no CUDA device"))
                .choose(ScanDevicePreference.CUDA, NetworkPrecision.FLOAT32, GIB);
        assertEquals(EngineChoice.Kind.CPU, choice.kind());
        assertEquals("Engine: CPU (float32) — CUDA was asked for but cannot run: the NVIDIA driver reports no CUDA device",
                choice.text());
    }

    @Test
    void the_memory_estimate_counts_weights_twice_a_batch_of_activations_and_the_reserve() {
        ModelCard card = new ModelCard("m", "M", ModelTask.CLASSIFICATION, ArchitectureId.of(ModelFamily.MEDMAMBA),
                "m.pth", "0".repeat(64), 1000L, null, List.of(224, 224), ModelCard.officialPreprocessing(ModelFamily.MEDMAMBA),
                List.of("a", "b"), null, false, "tests", "tests", null, null);
        long input = 3L * 224 * 224 * 4;
        assertEquals(2 * 58_000_000L + 8 * input * EngineSelector.ACTIVATIONS_PER_INPUT_BYTE + EngineSelector.RESERVE_BYTES,
                EngineSelector.deviceBytes(card, 58_000_000L, 8));
    }

    @Test
    void tf32_on_a_card_older_than_ampere_runs_on_the_cpu_in_float32_while_float32_runs_on_that_card() {
        EngineChoice tf32 = new EngineSelector(answering(T4)).choose(ScanDevicePreference.AUTO, NetworkPrecision.TF32, GIB);
        assertEquals(EngineChoice.Kind.CPU, tf32.kind());
        assertSame(T4, tf32.device());
        assertEquals(NetworkPrecision.FLOAT32, tf32.precision());
        assertEquals("Engine: CPU (float32) — Tesla T4 has compute capability 7.5; tf32 needs 8.0 (Ampere) or newer",
                tf32.text());

        EngineChoice float32 = new EngineSelector(answering(T4))
                .choose(ScanDevicePreference.AUTO, NetworkPrecision.FLOAT32, GIB);
        assertEquals(EngineChoice.Kind.CUDA, float32.kind());
        assertEquals(NetworkPrecision.FLOAT32, float32.precision());
    }

    @Test
    void tf32_asked_with_cuda_on_an_older_card_says_cuda_was_asked_for() {
        EngineChoice choice = new EngineSelector(answering(T4))
                .choose(ScanDevicePreference.CUDA, NetworkPrecision.TF32, GIB);
        assertEquals("CUDA was asked for but cannot run: Tesla T4 has compute capability 7.5; tf32 needs 8.0 (Ampere) "
                + "or newer", choice.reason());
    }

    @Test
    void tf32_on_ampere_is_the_cuda_engine_and_its_line_names_the_precision() {
        EngineChoice choice = new EngineSelector(answering(A100))
                .choose(ScanDevicePreference.AUTO, NetworkPrecision.TF32, GIB);
        assertEquals(EngineChoice.Kind.CUDA, choice.kind());
        assertEquals(NetworkPrecision.TF32, choice.precision());
        assertEquals("Engine: CUDA (tf32) on NVIDIA A100-SXM4-40GB (compute 8.0), 39.0 GiB free of 40.0 GiB",
                choice.text());
    }

    @Test
    void the_cpu_engine_runs_float32_whatever_precision_was_asked_for() {
        EngineChoice choice = new EngineSelector(answering(H100))
                .choose(ScanDevicePreference.CPU, NetworkPrecision.TF32, GIB);
        assertEquals(NetworkPrecision.FLOAT32, choice.precision());
        assertEquals("Engine: CPU (float32) — the CPU engine was chosen", choice.text());
        assertThrows(IllegalArgumentException.class,
                () -> new EngineChoice(EngineChoice.Kind.CPU, null, NetworkPrecision.TF32, "a CPU in TF32"));
    }

    @Test
    void the_loader_receives_the_precision_asked_for() throws Exception {
        ModelEntry entry = TestModels.tinyClassifier(folder);
        List<DeviceNetworkStandIn> loaded = new ArrayList<>();
        try (LoadedModel model = LoadedModel.open(entry);
             Parallel parallel = new Parallel(1);
             CpuSimdScan scan = new CpuSimdScan(1)) {
            ComputeContext ctx = new ComputeContext(parallel, scan);
            InferenceEngine cpu = InferenceEngine.of(EngineChoice.Kind.CPU, ctx);
            EngineSelector.Chosen chosen = new EngineSelector(answering(H100)).engineFor(model,
                    ScanDevicePreference.AUTO, NetworkPrecision.TF32, 1, cpu, ctx, DeviceNetworkStandIn.into(loaded));

            assertEquals(EngineChoice.Kind.CUDA, chosen.engine().kind());
            assertEquals(NetworkPrecision.TF32, chosen.choice().precision());
            assertEquals(1, loaded.size());
            assertEquals(NetworkPrecision.TF32, loaded.getFirst().precision);
        }
    }
}
