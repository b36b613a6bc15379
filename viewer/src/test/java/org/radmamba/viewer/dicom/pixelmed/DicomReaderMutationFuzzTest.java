package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A seeded, time-bounded, structure-aware mutation fuzzer of the whole read path, beside the coverage-guided
 * {@link DicomReaderFuzzTest} (Jazzer), whose seed corpus it shares ({@code DicomReaderFuzzTestInputs/<method>/}).
 * It was written while jazzer-junit 0.24.0 could not instrument Java 25 classes; it stays because its mutations
 * know DICOM's length fields, which Jazzer has to discover. Every seed is first replayed as it is, then mutated.
 * Mutations aim at what breaks DICOM
 * readers: length fields set to 0, odd, huge or undefined; bit flips; truncation; chunks deleted, duplicated or
 * spliced from another seed. Seconds: {@code -Dradmamba.fuzz.seconds} (default 10); seed:
 * {@code -Dradmamba.fuzz.seed} (a fixed default, so that the test run is reproducible). A failing input is written to {@code target/fuzz-failures/}; copy it into
 * {@code DicomReaderFuzzTestInputs/any_bytes_read_or_fail_with_a_message_naming_the_file/} to keep it as a
 * regression input. Found so far: {@code dicom/fuzz-findings/jpeg2000-decoder-hang.dcm}, a mutated JPEG 2000 frame
 * on which the former JJ2000-based decoder never returned; the project's own decoder, whose loops are all bounded
 * by the data, refuses it at once ({@code Jpeg2000HangTest}).
 */
class DicomReaderMutationFuzzTest {

    private static final Logger LOG = LoggerFactory.getLogger(DicomReaderMutationFuzzTest.class);
    private static final int[] INTERESTING_32 = {0, 1, 2, 3, 4, 7, 8, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
            0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFF0};

    @Test
    @Timeout(300)
    void mutated_files_read_or_fail_with_a_message_naming_the_file() throws Exception {
        List<byte[]> seeds = seeds();
        assertFalse(seeds.isEmpty(), "no seed inputs found");
        // A fixed default keeps the test run reproducible; -Dradmamba.fuzz.seed=<n> explores other inputs.
        long seed = Long.getLong("radmamba.fuzz.seed", 20261122L);
        long budgetNs = Long.getLong("radmamba.fuzz.seconds", 10) * 1_000_000_000L;
        SplittableRandom random = new SplittableRandom(seed);
        long start = System.nanoTime();
        for (byte[] input : seeds) {
            checkWithin(input, seed, -1);
        }
        long runs = 0;
        while (System.nanoTime() - start < budgetNs) {
            byte[] input = mutate(seeds, random);
            checkWithin(input, seed, runs);
            runs++;
        }
        LOG.info("mutation fuzzing: {} inputs in {} s, seed {}", runs, (System.nanoTime() - start) / 1_000_000_000, seed);
    }

    /** Runs the property on a daemon thread, so that a decoder that never returns fails the test, not the build. */
    private static void checkWithin(byte[] input, long seed, long run) throws InterruptedException {
        java.util.concurrent.FutureTask<Void> task = new java.util.concurrent.FutureTask<>(() -> {
            ReadProperty.check(input);
            return null;
        });
        Thread worker = Thread.ofPlatform().daemon().name("fuzz-input").start(task);
        try {
            // A hang guard, not a speed test: first use of a codec (ImageIO plugin scan) is slow on a busy machine.
            task.get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            worker.interrupt();
            throw new AssertionError("seed " + seed + ", run " + run + " did not finish in 20 s; input kept as " + keep(input));
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("seed " + seed + ", run " + run + ": " + e.getCause() + "; input kept as " + keep(input),
                    e.getCause());
        }
    }

    private static byte[] mutate(List<byte[]> seeds, SplittableRandom random) {
        byte[] data = seeds.get(random.nextInt(seeds.size())).clone();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && data.length > 0; m++) {
            int at = random.nextInt(data.length);
            switch (random.nextInt(7)) {
                case 0 -> data[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> data[at] = (byte) random.nextInt(256);
                case 2 -> {
                    // A 16- or 32-bit little-endian length set to an interesting value, at an even offset.
                    int even = at & ~1;
                    int value = INTERESTING_32[random.nextInt(INTERESTING_32.length)];
                    int width = random.nextBoolean() ? 4 : 2;
                    if (even + width <= data.length) {
                        ByteBuffer b = ByteBuffer.wrap(data).order(random.nextInt(8) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                        if (width == 4) {
                            b.putInt(even, value);
                        } else {
                            b.putShort(even, (short) value);
                        }
                    }
                }
                case 3 -> data = Arrays.copyOf(data, at);
                case 4 -> {
                    int length = Math.min(data.length - at, 1 + random.nextInt(64));
                    byte[] out = new byte[data.length - length];
                    System.arraycopy(data, 0, out, 0, at);
                    System.arraycopy(data, at + length, out, at, data.length - at - length);
                    data = out;
                }
                case 5 -> {
                    int length = Math.min(data.length - at, 1 + random.nextInt(64));
                    byte[] out = new byte[data.length + length];
                    System.arraycopy(data, 0, out, 0, at + length);
                    System.arraycopy(data, at, out, at + length, data.length - at);
                    data = out;
                }
                default -> {
                    byte[] other = seeds.get(random.nextInt(seeds.size()));
                    int from = random.nextInt(other.length);
                    int length = Math.min(other.length - from, Math.min(data.length - at, 1 + random.nextInt(128)));
                    System.arraycopy(other, from, data, at, length);
                }
            }
        }
        return data;
    }

    private static List<byte[]> seeds() throws IOException, URISyntaxException {
        Path dir = Path.of(DicomReaderMutationFuzzTest.class.getResource(
                "DicomReaderFuzzTestInputs/any_bytes_read_or_fail_with_a_message_naming_the_file").toURI());
        List<byte[]> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                seeds.add(Files.readAllBytes(file));
            }
        }
        return seeds;
    }

    private static Path keep(byte[] input) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-failures"));
            return Files.write(Files.createTempFile(dir, "failure-", ".dcm"), input).toAbsolutePath();
        } catch (IOException e) {
            return Path.of("(could not be written: " + e.getMessage() + ")");
        }
    }
}
