package org.radmamba.viewer.dicom.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JPEG 2000 and HTJ2K decode speed of our decoder beside the field's own decoders, on the same code streams in the
 * same run: OpenJPEG's {@code opj_decompress -threads 1} and OpenJPH's {@code ojph_expand}. A program, not a test
 * (the figures depend on the machine). Run from the repository root:
 * <pre>
 * mvn -q -o -pl viewer test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
 *     -Dmdep.includeScope=test &amp;&amp; /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \
 *     -cp viewer/target/test-classes:viewer/target/classes:$(cat viewer/target/test-classpath.txt) \
 *     org.radmamba.viewer.dicom.codec.Jpeg2000Benchmark 21
 * </pre>
 * (Maven itself may run on an older JDK, and exec:exec is not in the offline repository, hence the classpath file
 * and the JDK 25 {@code java}.)
 * (the argument: timed decodes per figure, default 21). It writes 512x512 sources (16-bit greyscale, 8-bit
 * greyscale, 8-bit RGB) to a temporary folder, encodes them there with opj_compress and ojph_compress (16-bit
 * lossless, 8-bit 9/7 lossy, RGB lossless with RCT), and prints per stream:
 * <ul>
 *   <li>ours, 1 thread: the median of the timed decodes of one frame, after warm-up decodes (at least ten and
 *       three seconds, so that the figure is the compiled decoder's, not the JIT's warm-up), in a one-worker
 *       fork-join pool so that the decoder's parallel phases stay on one thread;</li>
 *   <li>ours, all cores: frames decoded concurrently on one thread per core, wall time divided by frames (the
 *       throughput of a series load);</li>
 *   <li>the tool's own figure (median; opj_decompress reports its decode time, ojph_expand its time from reading
 *       the stream to writing the image), and the tool process's whole wall time (median) for comparison;</li>
 *   <li>whether our samples equal the tool's (exactly for reversible streams, within 1 LSB for 9/7).</li>
 * </ul>
 * Streams no registered decoder takes (HTJ2K before its decoder exists) show why instead of figures. Without the
 * tools it says which is missing and stops.
 */
public final class Jpeg2000Benchmark {

    private static final int SIZE = 512;
    private static final int WARM_UP_DECODES = 10;
    /**
     * Warm-up also lasts at least this long: a cheap stream (the 9/7 one decodes in ~12 ms) gets through ten decodes
     * before C2 has compiled and, after deoptimising the paths the reversible rows trained, recompiled its hot
     * methods, most of all on a loaded machine, so its median was then the JIT's cost rather than the decoder's
     * (34.5 ms after ten warm-up decodes against 8.6 ms after three seconds, opj_decompress 9 ms, load ~6).
     */
    private static final long WARM_UP_NANOS = 3_000_000_000L;
    private static final String HTJ2K_LOSSLESS = "1.2.840.10008.1.2.4.201";
    private static final String HTJ2K = "1.2.840.10008.1.2.4.203";

    private record CodedStream(String label, String transferSyntax, Path file, FrameFormat format, String tool, int tolerance) {
    }

    private Jpeg2000Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        for (String tool : List.of("opj_compress", "opj_decompress", "ojph_compress", "ojph_expand")) {
            if (!onPath(tool)) {
                System.out.println("Jpeg2000Benchmark skipped: " + tool + " is not on the PATH (Debian: apt-get install "
                        + "libopenjp2-tools openjph-tools)");
                return;
            }
        }
        Path dir = Files.createTempDirectory("jpeg2000-benchmark");
        try {
            List<CodedStream> streams = encode(dir);
            int cores = Runtime.getRuntime().availableProcessors();
            System.out.printf("JPEG 2000 / HTJ2K decoding, %dx%d, median of %d decodes; %d cores; Java %s%n", SIZE, SIZE,
                    repeats, cores, Runtime.version());
            System.out.printf("%-30s %-14s %10s %12s %12s %12s  %s%n", "stream", "bytes", "ours 1T ms",
                    "ours " + cores + "T ms/f", "tool ms", "tool proc ms", "tool / check");
            for (CodedStream stream : streams) {
                run(stream, repeats, cores, dir);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<CodedStream> encode(Path dir) throws IOException, InterruptedException {
        int[] grey16 = content(1, 16, 1);
        int[] grey8 = content(1, 8, 2);
        int[] rgb8 = content(3, 8, 3);
        writeRawl(dir.resolve("g16.rawl"), grey16, 1, 16);
        writeRawl(dir.resolve("g8.rawl"), grey8, 1, 8);
        writeRawl(dir.resolve("rgb8.rawl"), rgb8, 3, 8);
        writePnm(dir.resolve("g16.pgm"), grey16, 1, 16);
        writePnm(dir.resolve("g8.pgm"), grey8, 1, 8);
        writePnm(dir.resolve("rgb8.ppm"), rgb8, 3, 8);
        String raw1x16 = SIZE + "," + SIZE + ",1,16,u";
        String raw1x8 = SIZE + "," + SIZE + ",1,8,u";
        String raw3x8 = SIZE + "," + SIZE + ",3,8,u";
        tool(dir, "opj_compress", "-i", "g16.rawl", "-F", raw1x16, "-o", "p1_g16_lossless.j2k");
        tool(dir, "opj_compress", "-i", "g8.rawl", "-F", raw1x8, "-o", "p1_g8_lossy.j2k", "-I", "-r", "10");
        tool(dir, "opj_compress", "-i", "rgb8.rawl", "-F", raw3x8, "-o", "p1_rgb8_lossless.j2k", "-mct", "1");
        tool(dir, "ojph_compress", "-i", "g16.pgm", "-o", "ht_g16_lossless.j2c", "-reversible", "true");
        tool(dir, "ojph_compress", "-i", "g8.pgm", "-o", "ht_g8_lossy.j2c", "-reversible", "false", "-qstep", "0.01");
        tool(dir, "ojph_compress", "-i", "rgb8.ppm", "-o", "ht_rgb8_lossless.j2c", "-reversible", "true");
        FrameFormat g16 = new FrameFormat(SIZE, SIZE, 1, 16, 16, false, 0, "MONOCHROME2");
        FrameFormat g8 = new FrameFormat(SIZE, SIZE, 1, 8, 8, false, 0, "MONOCHROME2");
        FrameFormat rgbRct = new FrameFormat(SIZE, SIZE, 3, 8, 8, false, 0, "YBR_RCT");
        return List.of(
                new CodedStream("J2K 16-bit lossless", TransferSyntax.JPEG_2000_LOSSLESS, dir.resolve("p1_g16_lossless.j2k"), g16, "opj_decompress", 0),
                new CodedStream("J2K 8-bit lossy 9/7", TransferSyntax.JPEG_2000, dir.resolve("p1_g8_lossy.j2k"), g8, "opj_decompress", 1),
                new CodedStream("J2K RGB lossless RCT", TransferSyntax.JPEG_2000_LOSSLESS, dir.resolve("p1_rgb8_lossless.j2k"), rgbRct, "opj_decompress", 0),
                new CodedStream("HTJ2K 16-bit lossless", HTJ2K_LOSSLESS, dir.resolve("ht_g16_lossless.j2c"), g16, "opj_decompress", 0),
                new CodedStream("HTJ2K 16-bit lossless", HTJ2K_LOSSLESS, dir.resolve("ht_g16_lossless.j2c"), g16, "ojph_expand", 0),
                new CodedStream("HTJ2K 8-bit lossy 9/7", HTJ2K, dir.resolve("ht_g8_lossy.j2c"), g8, "opj_decompress", 1),
                new CodedStream("HTJ2K 8-bit lossy 9/7", HTJ2K, dir.resolve("ht_g8_lossy.j2c"), g8, "ojph_expand", 1),
                new CodedStream("HTJ2K RGB lossless RCT", HTJ2K_LOSSLESS, dir.resolve("ht_rgb8_lossless.j2c"), rgbRct, "opj_decompress", 0),
                new CodedStream("HTJ2K RGB lossless RCT", HTJ2K_LOSSLESS, dir.resolve("ht_rgb8_lossless.j2c"), rgbRct, "ojph_expand", 0));
    }

    private static void run(CodedStream stream, int repeats, int cores, Path dir) throws Exception {
        byte[] encoded = Files.readAllBytes(stream.file());
        ToolTimes tool = timeTool(stream, repeats, dir);
        String ours1;
        String oursAll;
        String check;
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(stream.transferSyntax()).orElse(null);
        if (decoder == null) {
            ours1 = oursAll = "-";
            check = "no decoder registered for " + stream.transferSyntax();
        } else {
            try {
                DecodedFrame frame = decoder.decode(encoded, stream.format());
                check = compare(frame.samples(), tool.samples, stream.tolerance());
                ours1 = String.format("%.2f", medianSingleThreadMs(decoder, encoded, stream.format(), repeats));
                oursAll = String.format("%.2f", allCoresMsPerFrame(decoder, encoded, stream.format(), repeats, cores));
            } catch (CodecException e) {
                ours1 = oursAll = "-";
                check = "ours refused: " + e.getMessage();
            }
        }
        System.out.printf("%-30s %-14d %10s %12s %12.2f %12.2f  %s: %s%n", stream.label(), encoded.length, ours1, oursAll,
                tool.reportedMs, tool.processMs, stream.tool(), check);
    }

    /**
     * Runs inside a one-worker fork-join pool: the decoder's parallel code-block and component phases then stay on
     * that one thread, so the figure is one core's work, comparable with {@code opj_decompress -threads 1}.
     */
    private static double medianSingleThreadMs(FrameDecoder decoder, byte[] encoded, FrameFormat format, int repeats)
            throws Exception {
        try (ForkJoinPool one = new ForkJoinPool(1)) {
            return one.submit(() -> {
                long warmUpStart = System.nanoTime();
                for (int i = 0; i < WARM_UP_DECODES || System.nanoTime() - warmUpStart < WARM_UP_NANOS; i++) {
                    decoder.decode(encoded, format);
                }
                double[] ms = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    long start = System.nanoTime();
                    decoder.decode(encoded, format);
                    ms[i] = (System.nanoTime() - start) / 1e6;
                }
                return median(ms);
            }).get();
        }
    }

    private static double allCoresMsPerFrame(FrameDecoder decoder, byte[] encoded, FrameFormat format, int repeats,
            int cores) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(cores)) {
            int frames = Math.max(repeats, 1) * cores;
            for (int round = 0; round < 2; round++) { // the first round warms every worker thread up
                long start = System.nanoTime();
                List<Future<DecodedFrame>> decodes = new ArrayList<>();
                for (int i = 0; i < frames; i++) {
                    decodes.add(pool.submit(() -> decoder.decode(encoded, format)));
                }
                for (Future<DecodedFrame> decode : decodes) {
                    decode.get();
                }
                if (round == 1) {
                    return (System.nanoTime() - start) / 1e6 / frames;
                }
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private record ToolTimes(double reportedMs, double processMs, int[] samples) {
    }

    /** Runs the tool {@code repeats} times on the stream; its own reported time and the process's, medians. */
    private static ToolTimes timeTool(CodedStream stream, int repeats, Path dir) throws IOException, InterruptedException {
        boolean openjpeg = stream.tool().equals("opj_decompress");
        String output = openjpeg ? "decoded.rawl" : stream.format().samplesPerPixel() == 1 ? "decoded.pgm" : "decoded.ppm";
        Pattern reported = openjpeg ? Pattern.compile("decode time: ([0-9.]+) ms") : Pattern.compile("Elapsed time = ([0-9.eE+-]+)");
        double[] reportedMs = new double[repeats];
        double[] processMs = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            String log = openjpeg
                    ? tool(dir, "opj_decompress", "-threads", "1", "-i", stream.file().toString(), "-o", output)
                    : tool(dir, "ojph_expand", "-i", stream.file().toString(), "-o", output);
            processMs[i] = (System.nanoTime() - start) / 1e6;
            Matcher m = reported.matcher(log);
            if (!m.find()) {
                throw new IllegalStateException(stream.tool() + " reported no time: " + log);
            }
            reportedMs[i] = Double.parseDouble(m.group(1)) * (openjpeg ? 1 : 1000);
        }
        int[] samples = openjpeg ? readRawl(dir.resolve(output), stream.format()) : readPnm(dir.resolve(output));
        return new ToolTimes(median(reportedMs), median(processMs), samples);
    }

    private static String compare(Samples ours, int[] theirs, int tolerance) {
        if (ours.length() != theirs.length) {
            return "DIFFERENT sample count: " + ours.length() + " vs " + theirs.length;
        }
        int differing = 0;
        int worst = 0;
        for (int i = 0; i < theirs.length; i++) {
            int difference = Math.abs(ours.rawBits(i) - theirs[i]);
            worst = Math.max(worst, difference);
            if (difference > tolerance) {
                differing++;
            }
        }
        return differing == 0 ? (worst == 0 ? "same samples" : "within " + worst + " LSB")
                : "DIFFERENT: " + differing + " samples off by more than " + tolerance + " (up to " + worst + ")";
    }

    /** opj_decompress's raw output: component planes, little-endian; interleaved here as our samples are. */
    private static int[] readRawl(Path file, FrameFormat format) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int spp = format.samplesPerPixel();
        int pixels = format.rows() * format.columns();
        int[] samples = new int[pixels * spp];
        for (int c = 0; c < spp; c++) {
            for (int p = 0; p < pixels; p++) {
                samples[p * spp + c] = format.bitsAllocated() == 8 ? b.get() & 0xFF : b.getShort() & 0xFFFF;
            }
        }
        return samples;
    }

    private static int[] readPnm(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        int at = 0;
        int[] fields = new int[3];
        for (int field = -1; field < 3; field++) {
            while (Character.isWhitespace(data[at])) {
                at++;
            }
            int start = at;
            while (!Character.isWhitespace(data[at])) {
                at++;
            }
            if (field >= 0) {
                fields[field] = Integer.parseInt(new String(data, start, at - start, StandardCharsets.US_ASCII));
            }
        }
        at++;
        int wide = fields[2] > 255 ? 2 : 1;
        int[] samples = new int[(data.length - at) / wide];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = wide == 1 ? data[at + i] & 0xFF : (data[at + 2 * i] & 0xFF) << 8 | (data[at + 2 * i + 1] & 0xFF);
        }
        return samples;
    }

    /** Gradients, a disc, a sinusoid and noise: content with both smooth areas and texture, like an image. */
    private static int[] content(int spp, int bits, long seed) {
        Random random = new Random(seed);
        int max = (1 << bits) - 1;
        int[] samples = new int[SIZE * SIZE * spp];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                for (int c = 0; c < spp; c++) {
                    double v = 0.45 * x / SIZE + 0.25 * y / SIZE + 0.08 * Math.sin(x / 3.0 + c * 2.1) * Math.cos(y / 5.0);
                    double dx = x - SIZE * 0.3;
                    double dy = y - SIZE * 0.5;
                    v += dx * dx + dy * dy < SIZE * SIZE * 0.05 ? 0.15 : 0;
                    v += random.nextGaussian() * 0.01;
                    samples[(y * SIZE + x) * spp + c] = (int) Math.round(Math.clamp(v, 0, 1) * max);
                }
            }
        }
        return samples;
    }

    private static void writeRawl(Path file, int[] interleaved, int spp, int bits) throws IOException {
        int pixels = interleaved.length / spp;
        ByteBuffer b = ByteBuffer.allocate(interleaved.length * (bits > 8 ? 2 : 1)).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < spp; c++) {
            for (int p = 0; p < pixels; p++) {
                if (bits > 8) {
                    b.putShort((short) interleaved[p * spp + c]);
                } else {
                    b.put((byte) interleaved[p * spp + c]);
                }
            }
        }
        Files.write(file, b.array());
    }

    private static void writePnm(Path file, int[] interleaved, int spp, int bits) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(((spp == 1 ? "P5" : "P6") + "\n" + SIZE + " " + SIZE + "\n" + ((1 << bits) - 1) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ByteBuffer b = ByteBuffer.allocate(interleaved.length * (bits > 8 ? 2 : 1)); // PNM is big-endian
            for (int v : interleaved) {
                if (bits > 8) {
                    b.putShort((short) v);
                } else {
                    b.put((byte) v);
                }
            }
            out.write(b.array());
        }
    }

    private static String tool(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + log);
        }
        return log;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
