package org.radmamba.app.ai;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.plugin.PluginRegistry;
import org.radmamba.inference.cuda.CudaUnavailableException;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.scan.CpuSimdScan;
import org.radmamba.inference.scan.ScanDevice;
import org.radmamba.inference.scan.ScanDevicePreference;
import org.radmamba.inference.scan.ScanSelection;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GPU engine of the service on this machine (no GPU): the driver stood in through {@link GpuProbe}, and the
 * loading of a model's whole network on the device through {@link DeviceNetworkEngine.Loader}. Where a test needs
 * the device to serve a batch, the loader hands back a {@link DeviceNetworkStandIn}: the family's real host network
 * built from the same weights.
 */
class InferenceServiceDeviceTest {

    private static final GpuDevice H100 = new GpuDevice("NVIDIA H100 80GB HBM3", 9, 0, 80L << 30, 78L << 30);
    /** Turing: the GPU engine runs on it in float32, but it has no TF32 tensor cores. */
    private static final GpuDevice T4 = new GpuDevice("Tesla T4", 7, 5, 15L << 30, 14L << 30);

    @TempDir
    Path folder;

    private CpuSimdScan scan;
    private InferenceService cpuOnly;

    @BeforeEach
    void start() {
        scan = new CpuSimdScan(1);
        cpuOnly = service(() -> {
            throw new CudaUnavailableException("no NVIDIA driver found (libcuda.so.1 could not be loaded)");
        }, (weights, precision) -> {
            throw new AssertionError("no device network without a GPU");
        });
    }

    @AfterEach
    void stop() {
        cpuOnly.close();
        scan.close();
    }

    private InferenceService service(GpuProbe gpu, DeviceNetworkEngine.Loader device) {
        return new InferenceService(p -> new ScanSelection(scan, ScanDevice.CPU, "CPU: test"), gpu, device,
                ScanDevicePreference.AUTO, 2, 2, PluginRegistry.builtIns());
    }

    private static List<ImageSource> randomImages(int from, int to) {
        List<ImageSource> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            int seed = i;
            out.add(new ImageSource("img-" + i, "image " + i, () -> {
                byte[] px = new byte[90 * 70];
                new Random(seed).nextBytes(px);
                return new AiImage("img-" + seed, new ByteImage(90, 70, 1, px), Optional.empty());
            }));
        }
        return out;
    }

    private static List<AiResult> run(InferenceService service, ModelEntry model, List<ImageSource> images)
            throws InterruptedException, ModelException {
        InferenceService.Job job = InferenceJobs.submit(service, "job", model, images, new InferenceService.Listener() { });
        List<AiResult> results = InferenceService.await(job, 120);
        assertEquals(InferenceService.Job.State.DONE, job.state());
        assertEquals(List.of(), job.failures());
        return results;
    }

    private static float[] logits(AiResult result) {
        return ((ClassificationResult) result).logits();
    }

    @Test
    void a_network_the_device_cannot_load_runs_on_the_cpu_with_that_reason_and_the_cpu_numbers() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        AtomicInteger loads = new AtomicInteger();
        String reason = "the CUDA kernels cannot run this network: d_state 12 (the kernels take 16)";
        try (InferenceService gpu = service(() -> H100, (weights, precision) -> {
            loads.incrementAndGet();
            throw new CudaUnavailableException(reason);
        })) {
            List<AiResult> expected = run(cpuOnly, model, randomImages(0, 10));
            List<AiResult> results = run(gpu, model, randomImages(0, 10));

            assertEquals("Engine: CPU (float32) — " + reason, gpu.engine().orElseThrow().text());
            assertEquals(expected.size(), results.size());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(logits(expected.get(i)), logits(results.get(i)), "image " + i);
            }
            // The model's reason is kept: the next job does not read the checkpoint and try the device again.
            gpu.setDevicePreference(ScanDevicePreference.CUDA);
            run(gpu, model, randomImages(10, 11));
            assertEquals(1, loads.get());
            assertEquals("Engine: CPU (float32) — CUDA was asked for but cannot run: " + reason, gpu.engine().orElseThrow().text());
        }
    }

    @Test
    void a_usable_gpu_runs_the_whole_network_there_in_batches_and_the_panel_line_names_it() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        List<DeviceNetworkStandIn> loaded = new CopyOnWriteArrayList<>();
        try (InferenceService gpu = service(() -> H100, DeviceNetworkStandIn.into(loaded))) {
            List<AiResult> expected = run(cpuOnly, model, randomImages(0, 20));
            InferenceService.Job job = InferenceJobs.submit(gpu, "series", model, randomImages(0, 20),
                    new InferenceService.Listener() { });
            List<AiResult> results = InferenceService.await(job, 120);

            assertEquals(EngineChoice.Kind.CUDA, job.engine().kind());
            assertEquals("Engine: CUDA (float32) on NVIDIA H100 80GB HBM3 (compute 9.0), 78.0 GiB free of 80.0 GiB",
                    gpu.engine().orElseThrow().text());
            assertEquals(1, loaded.size());
            assertEquals(List.of(8, 8, 4), loaded.get(0).batches, "batches of CUDA_BATCH, the rest last");
            for (int i = 0; i < expected.size(); i++) {
                float[] want = logits(expected.get(i));
                float[] got = logits(results.get(i));
                for (int k = 0; k < want.length; k++) {
                    assertEquals(want[k], got[k], 1e-5 * Math.abs(want[0]) + 1e-6, "image " + i);
                }
            }
            // The device network is the model's: loaded once for the session, not per job.
            run(gpu, model, randomImages(20, 21));
            assertEquals(1, loaded.size());
            assertEquals(List.of(8, 8, 4, 1), loaded.get(0).batches);
        }
        assertTrue(loaded.get(0).closed, "closed with the service");
    }

    @Test
    void a_gpu_that_fails_during_a_series_hands_it_and_the_session_to_the_cpu_with_the_reason() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        List<DeviceNetworkStandIn> loaded = new CopyOnWriteArrayList<>();
        try (InferenceService gpu = service(() -> H100, (weights, precision) -> {
            DeviceNetworkStandIn n = new DeviceNetworkStandIn(weights, precision, 2);
            loaded.add(n);
            return n;
        })) {
            List<AiResult> expected = run(cpuOnly, model, randomImages(0, 20));
            InferenceService.Job job = InferenceJobs.submit(gpu, "series", model, randomImages(0, 20),
                    new InferenceService.Listener() { });
            List<AiResult> results = InferenceService.await(job, 120);

            assertEquals(List.of(8, 8), loaded.get(0).batches, "the device served the first batch, failed in the second");
            assertEquals(InferenceService.Job.State.DONE, job.state());
            assertEquals(List.of(), job.failures());
            String reason = "the GPU failed during the run (cuLaunchKernel(gemm_nt) failed: "
                    + "CUDA_ERROR_ILLEGAL_ADDRESS (700)); the CPU engine took over";
            assertEquals("Engine: CPU (float32) — " + reason, gpu.engine().orElseThrow().text());
            assertEquals(EngineChoice.Kind.CPU, job.engine().kind());
            for (int i = InferenceService.CUDA_BATCH; i < expected.size(); i++) {
                assertArrayEquals(logits(expected.get(i)), logits(results.get(i)), "image " + i + " rerun on the CPU");
            }
            // The session stays on the CPU, saying why, until the preference is set again.
            run(gpu, model, randomImages(20, 21));
            assertEquals(2, loaded.get(0).batches.size());
            assertEquals("Engine: CPU (float32) — " + reason, gpu.engine().orElseThrow().text());
            gpu.setDevicePreference(ScanDevicePreference.AUTO);
            run(gpu, model, randomImages(21, 22));
            assertEquals(EngineChoice.Kind.CUDA, gpu.engine().orElseThrow().kind());
        }
    }

    @Test
    void a_model_evicted_from_the_service_closes_its_device_network() throws Exception {
        ModelEntry a = TestModels.tinyClassifier(folder, "classifier-a");
        ModelEntry b = TestModels.tinyClassifier(folder, "classifier-b");
        ModelEntry c = TestModels.tinyClassifier(folder, "classifier-c");
        List<DeviceNetworkStandIn> loaded = new CopyOnWriteArrayList<>();
        try (InferenceService gpu = service(() -> H100, DeviceNetworkStandIn.into(loaded))) {
            run(gpu, a, randomImages(0, 1));
            run(gpu, b, randomImages(0, 1));
            assertEquals(2, loaded.size());
            assertFalse(loaded.get(0).closed);
            run(gpu, c, randomImages(0, 1));
            assertEquals(3, loaded.size());
            assertTrue(loaded.get(0).closed, "the least recently used model went, its device network with it");
            assertFalse(loaded.get(1).closed);
            assertFalse(loaded.get(2).closed);
        }
        assertTrue(loaded.get(1).closed && loaded.get(2).closed, "the service closes the models it kept");
    }

    @Test
    void a_gpu_without_room_for_the_model_leaves_the_job_on_the_cpu_without_loading_it_there() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        GpuDevice full = new GpuDevice("NVIDIA T4", 7, 5, 15L << 30, 100L << 20);
        try (InferenceService gpu = service(() -> full, (weights, precision) -> {
            throw new AssertionError("the network must not be loaded on a GPU it does not fit");
        })) {
            run(gpu, model, randomImages(0, 1));
            String text = gpu.engine().orElseThrow().text();
            assertTrue(text.startsWith("Engine: CPU (float32) — the model needs about 0.")
                    && text.endsWith(" GiB of GPU memory but NVIDIA T4 has 0.10 GiB free"), text);
        }
    }

    @Test
    void tf32_on_a_card_older_than_ampere_runs_the_job_on_the_cpu_in_float32_and_float32_still_uses_that_gpu()
            throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        List<DeviceNetworkStandIn> loaded = new CopyOnWriteArrayList<>();
        try (InferenceService gpu = service(() -> T4, DeviceNetworkStandIn.into(loaded))) {
            List<AiResult> expected = run(cpuOnly, model, randomImages(0, 3));
            gpu.setPrecision(NetworkPrecision.TF32);
            List<AiResult> results = run(gpu, model, randomImages(0, 3));

            assertEquals("Engine: CPU (float32) — Tesla T4 has compute capability 7.5; tf32 needs 8.0 (Ampere) or newer",
                    gpu.engine().orElseThrow().text());
            assertEquals(List.of(), loaded, "the card is refused before the checkpoint is read for it");
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(logits(expected.get(i)), logits(results.get(i)), "image " + i + " on the CPU");
            }

            gpu.setPrecision(NetworkPrecision.FLOAT32);
            run(gpu, model, randomImages(3, 4));
            assertEquals(EngineChoice.Kind.CUDA, gpu.engine().orElseThrow().kind());
            assertEquals(1, loaded.size());
            assertEquals(NetworkPrecision.FLOAT32, loaded.getFirst().precision);
        }
    }

    @Test
    void the_precision_set_on_the_service_reaches_the_device_network_and_a_change_loads_it_anew() throws Exception {
        ModelEntry model = TestModels.tinyClassifier(folder);
        List<DeviceNetworkStandIn> loaded = new CopyOnWriteArrayList<>();
        try (InferenceService gpu = service(() -> H100, DeviceNetworkStandIn.into(loaded))) {
            gpu.setPrecision(NetworkPrecision.TF32);
            run(gpu, model, randomImages(0, 2));
            assertEquals("Engine: CUDA (tf32) on NVIDIA H100 80GB HBM3 (compute 9.0), 78.0 GiB free of 80.0 GiB",
                    gpu.engine().orElseThrow().text());
            assertEquals(1, loaded.size());
            assertEquals(NetworkPrecision.TF32, loaded.getFirst().precision);

            // The same images in float32: computed again by a float32 network, not answered from the TF32 results.
            gpu.setPrecision(NetworkPrecision.FLOAT32);
            run(gpu, model, randomImages(0, 2));
            assertEquals(2, loaded.size());
            assertEquals(NetworkPrecision.FLOAT32, loaded.get(1).precision);
            assertEquals(List.of(2), loaded.get(1).batches);
            assertTrue(loaded.getFirst().closed, "one device network at a time: the TF32 one went");
            assertEquals("Engine: CUDA (float32) on NVIDIA H100 80GB HBM3 (compute 9.0), 78.0 GiB free of 80.0 GiB",
                    gpu.engine().orElseThrow().text());
            assertTrue(gpu.cached("img-0", model, NetworkPrecision.TF32).isPresent());
        }
    }
}
