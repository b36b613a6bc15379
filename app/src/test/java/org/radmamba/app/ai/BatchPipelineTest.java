package org.radmamba.app.ai;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.inference.cuda.CudaException;
import org.radmamba.inference.nn.ComputeContext;
import org.radmamba.inference.nn.Parallel;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.scan.CpuSimdScan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch pipeline on the tiny checkpoints, on the CPU: a run through the CPU engine gives, bit for bit, what one
 * image at a time through {@link LoadedModel#run} gives (a batched engine agrees within float rounding); results come in image order whatever order the readers finish in; cancel
 * stops it and leaves the rest unread; a GPU failure (a {@link CudaException} from the engine, the seam where the
 * driver reports one) moves the run to the CPU with the reason and loses no image.
 */
class BatchPipelineTest {

    @TempDir
    Path folder;

    private CpuSimdScan scan;
    private Parallel parallel;
    private ComputeContext ctx;
    private InferenceEngine cpu;
    private ExecutorService readers;

    @BeforeEach
    void start() {
        scan = new CpuSimdScan(1);
        parallel = new Parallel(2);
        ctx = new ComputeContext(parallel, scan);
        cpu = InferenceEngine.of(EngineChoice.Kind.CPU, ctx);
        readers = Executors.newFixedThreadPool(3);
    }

    @AfterEach
    void stop() {
        readers.shutdownNow();
        parallel.close();
        scan.close();
    }

    /** Random grey images of assorted sizes; each read waits {@code delayMs.apply(i)} first. */
    private static List<ImageSource> images(int count, java.util.function.IntUnaryOperator delayMs, AtomicInteger reads) {
        List<ImageSource> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            out.add(new ImageSource("img-" + i, "image " + i, () -> {
                reads.incrementAndGet();
                try {
                    Thread.sleep(delayMs.applyAsInt(index));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                int w = 60 + 7 * (index % 5);
                int h = 50 + 11 * (index % 3);
                byte[] px = new byte[w * h];
                new Random(index).nextBytes(px);
                return new AiImage("img-" + index, new ByteImage(w, h, 1, px), Optional.empty());
            }));
        }
        return out;
    }

    private record Delivered(List<Integer> order, List<AiResult> results, List<String> failures) {
    }

    private Delivered run(BatchPipeline pipeline, List<ImageSource> images, LoadedModel model, InferenceEngine engine,
                          java.util.function.BooleanSupplier cancelled, List<String> fallbacks) {
        List<Integer> order = new ArrayList<>();
        List<AiResult> results = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        pipeline.run(images, model, engine, cpu, s -> null, cancelled, fallbacks::add, (index, result, failure) -> {
            order.add(index);
            results.add(result);
            failures.add(failure);
        });
        return new Delivered(order, results, failures);
    }

    private List<AiResult> oneByOne(List<ImageSource> images, LoadedModel model) throws IOException {
        List<AiResult> out = new ArrayList<>();
        for (ImageSource source : images) {
            out.add(model.run(source.read(), ctx));
        }
        return out;
    }

    private static void assertSameLogits(List<AiResult> expected, List<AiResult> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).imageId(), actual.get(i).imageId());
            assertArrayEquals(((ClassificationResult) expected.get(i)).logits(), ((ClassificationResult) actual.get(i)).logits(),
                    "image " + i + " differs from its one-by-one run");
        }
    }

    @Test
    void a_batched_classifier_run_equals_a_one_by_one_run_bit_for_bit() throws Exception {
        try (LoadedModel model = LoadedModel.open(TestModels.tinyClassifier(folder))) {
            List<ImageSource> images = images(11, i -> 0, new AtomicInteger()); // batches of 4, 4 and 3
            Delivered batched = run(new BatchPipeline(readers, 4), images, model, cpu, () -> false, new ArrayList<>());
            assertSameLogits(oneByOne(images, model), batched.results());
        }
    }

    @Test
    void a_batched_engine_gives_the_one_by_one_logits_within_float_rounding_and_in_order() throws Exception {
        try (LoadedModel model = LoadedModel.open(TestModels.tinyClassifier(folder))) {
            List<ImageSource> images = images(7, i -> 0, new AtomicInteger());
            // The CUDA engine's shape of call (a whole batch per forward pass), computed here by the CPU network.
            InferenceEngine batched = InferenceEngine.of(EngineChoice.Kind.CUDA, ctx);
            Delivered out = run(new BatchPipeline(readers, 4), images, model, batched, () -> false, new ArrayList<>());
            List<AiResult> single = oneByOne(images, model);
            for (int i = 0; i < images.size(); i++) {
                float[] want = ((ClassificationResult) single.get(i)).logits();
                float[] got = ((ClassificationResult) out.results().get(i)).logits();
                float scale = 0;
                for (float v : want) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int k = 0; k < want.length; k++) {
                    assertEquals(want[k], got[k], 1e-5 * scale, "image " + i + " logit " + k);
                }
            }
        }
    }

    @Test
    void a_batched_segmenter_run_gives_the_masks_of_a_one_by_one_run() throws Exception {
        try (LoadedModel model = LoadedModel.open(TestModels.tinySegmenter(folder))) {
            List<ImageSource> images = images(5, i -> 0, new AtomicInteger());
            Delivered batched = run(new BatchPipeline(readers, 3), images, model, cpu, () -> false, new ArrayList<>());
            List<AiResult> single = oneByOne(images, model);
            for (int i = 0; i < images.size(); i++) {
                SegmentationResult a = (SegmentationResult) single.get(i);
                SegmentationResult b = (SegmentationResult) batched.results().get(i);
                assertEquals(a.mask().width(), b.mask().width());
                assertArrayEquals(a.mask().labels(), b.mask().labels(), "mask of image " + i);
            }
        }
    }

    @Test
    void results_come_in_image_order_when_later_images_are_read_first() throws Exception {
        try (LoadedModel model = LoadedModel.open(TestModels.tinyClassifier(folder))) {
            // Within each batch the first image takes longest to read, so the workers finish it last.
            List<ImageSource> images = images(9, i -> i % 3 == 0 ? 60 : 0, new AtomicInteger());
            Delivered batched = run(new BatchPipeline(readers, 3), images, model, cpu, () -> false, new ArrayList<>());
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), batched.order());
            assertEquals(List.of("img-0", "img-1", "img-2", "img-3", "img-4", "img-5", "img-6", "img-7", "img-8"),
                    batched.results().stream().map(AiResult::imageId).toList());
        }
    }

    @Test
    void cancel_stops_before_the_next_image_and_leaves_the_rest_of_the_series_unread() throws Exception {
        try (LoadedModel model = LoadedModel.open(TestModels.tinyClassifier(folder))) {
            AtomicInteger reads = new AtomicInteger();
            List<ImageSource> images = images(40, i -> 0, reads);
            List<Integer> order = new ArrayList<>();
            boolean complete = new BatchPipeline(readers, 4).run(images, model, cpu, cpu, s -> null,
                    () -> order.size() == 6, r -> { }, (index, result, failure) -> order.add(index));
            assertFalse(complete);
            assertEquals(List.of(0, 1, 2, 3, 4, 5), order);
            readers.shutdown();
            readers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            // The batch of images 4..7 ran; 8..11 may have been read ahead; nothing after.
            assertTrue(reads.get() <= 12, reads.get() + " images read");
        }
    }

    @Test
    void an_unreadable_image_is_named_and_the_rest_of_its_batch_still_runs() throws Exception {
        try (LoadedModel model = LoadedModel.open(TestModels.tinyClassifier(folder))) {
            List<ImageSource> images = new ArrayList<>(images(3, i -> 0, new AtomicInteger()));
            images.add(1, new ImageSource("broken", "broken.dcm", () -> {
                throw new IOException("broken.dcm: the pixel data is truncated");
            }));
            Delivered batched = run(new BatchPipeline(readers, 4), images, model, cpu, () -> false, new ArrayList<>());
            assertNull(batched.results().get(1));
            assertEquals("broken.dcm: broken.dcm: the pixel data is truncated", batched.failures().get(1));
            List<ImageSource> readable = List.of(images.get(0), images.get(2), images.get(3));
            assertSameLogits(oneByOne(readable, model),
                    List.of(batched.results().get(0), batched.results().get(2), batched.results().get(3)));
        }
    }

    /** The GPU engine's seam: the real network on the CPU until the driver "fails" on call {@code failOnCall}. */
    private InferenceEngine gpuFailingOnCall(int failOnCall, AtomicInteger calls) {
        return new InferenceEngine() {
            @Override
            public EngineChoice.Kind kind() {
                return EngineChoice.Kind.CUDA;
            }

            @Override
            public float[] forward(LoadedModel model, float[] input, int batch, int height, int width) {
                if (calls.incrementAndGet() == failOnCall) {
                    throw new CudaException("cuLaunchKernel(selective_scan)", 700, "CUDA_ERROR_ILLEGAL_ADDRESS");
                }
                return model.forward(input, batch, height, width, ctx);
            }

            @Override
            public int maxBatch() {
                return 1; // the CPU's numbers exactly, so that a lost or misplaced image shows
            }
        };
    }

    @Test
    void a_driver_error_mid_run_moves_the_rest_to_the_cpu_and_loses_no_image() throws Exception {
        try (LoadedModel model = LoadedModel.open(TestModels.tinyClassifier(folder))) {
            List<ImageSource> images = images(10, i -> 0, new AtomicInteger());
            AtomicInteger gpuCalls = new AtomicInteger();
            List<String> fallbacks = new ArrayList<>();
            Delivered batched = run(new BatchPipeline(readers, 4), images, model, gpuFailingOnCall(5, gpuCalls),
                    () -> false, fallbacks);
            assertEquals(List.of("the GPU failed during the run (cuLaunchKernel(selective_scan) failed: "
                    + "CUDA_ERROR_ILLEGAL_ADDRESS (700)); the CPU engine took over"), fallbacks);
            assertEquals(5, gpuCalls.get(), "after the failure (call 5, the first image of the second batch) the GPU "
                    + "engine is not called again");
            assertSameLogits(oneByOne(images, model), batched.results());
        }
    }

    @Test
    void a_device_that_fell_back_by_itself_is_reported_and_left() throws Exception {
        try (LoadedModel model = LoadedModel.open(TestModels.tinyClassifier(folder))) {
            AtomicInteger calls = new AtomicInteger();
            InferenceEngine lost = new InferenceEngine() {
                @Override
                public EngineChoice.Kind kind() {
                    return EngineChoice.Kind.CUDA;
                }

                @Override
                public float[] forward(LoadedModel m, float[] input, int batch, int height, int width) {
                    calls.incrementAndGet();
                    return m.forward(input, batch, height, width, ctx);
                }

                @Override
                public int maxBatch() {
                    return 1;
                }

                @Override
                public Optional<String> deviceLost() {
                    return Optional.of("the CUDA scan failed and the CPU scan took over (see the log)");
                }
            };
            List<String> fallbacks = new ArrayList<>();
            List<ImageSource> images = images(6, i -> 0, new AtomicInteger());
            Delivered batched = run(new BatchPipeline(readers, 2), images, model, lost, () -> false, fallbacks);
            assertEquals(2, calls.get(), "only the first batch (two calls of one image) ran on the lost device");
            assertEquals(List.of("the CUDA scan failed and the CPU scan took over (see the log)"), fallbacks);
            assertSameLogits(oneByOne(images, model), batched.results());
        }
    }

    @Test
    void cached_images_are_not_read_again() throws Exception {
        try (LoadedModel model = LoadedModel.open(TestModels.tinyClassifier(folder))) {
            AtomicInteger reads = new AtomicInteger();
            List<ImageSource> images = images(5, i -> 0, reads);
            List<AiResult> first = oneByOne(images, model);
            reads.set(0);
            List<AiResult> delivered = new ArrayList<>();
            new BatchPipeline(readers, 2).run(images, model, cpu, cpu,
                    s -> s.id().equals("img-2") ? first.get(2) : null, () -> false, r -> { },
                    (index, result, failure) -> delivered.add(result));
            assertEquals(4, reads.get());
            assertTrue(delivered.get(2) == first.get(2));
            assertSameLogits(first, delivered);
        }
    }
}
