package org.radmamba.viewer.dicom.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JPEG 2000 and HTJ2K decode speed of our decoder beside the field's own decoders, on the same code streams in the
 * same run: OpenJPEG's {@code opj_decompress -threads 1} and OpenJPH's {@code ojph_expand} (single-threaded). A
 * program, not a test (the figures depend on the machine). One command from the repository root:
 * <pre>
 * mvn -q -o -pl viewer test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
 *     -Dmdep.includeScope=test &amp;&amp; /usr/lib/jvm/temurin-25-jdk-amd64/bin/java \
 *     -cp viewer/target/test-classes:viewer/target/classes:$(cat viewer/target/test-classpath.txt) \
 *     org.radmamba.viewer.dicom.codec.Jpeg2000Benchmark 21
 * </pre>
 * (Maven itself may run on an older JDK, and exec:exec is not in the offline repository, hence the classpath file
 * and the JDK 25 {@code java}; the argument: timed decodes per figure, default 21.) It writes 512x512 sources
 * (16-bit greyscale, 8-bit greyscale, 8-bit RGB) to a temporary folder, encodes them there with opj_compress and
 * ojph_compress (16-bit lossless, 8-bit 9/7 lossy, RGB lossless with RCT) and, per stream, after warming our
 * decoder up (at least ten decodes and three seconds, so that the figures are the compiled decoder's, not the
 * JIT's), takes its samples interleaved, one of each per round, so that a change in the machine's load hits both
 * sides alike:
 * <ul>
 *   <li>ours, 1 thread: the CPU time of the decoding thread for one frame, decoded in a one-worker fork-join pool
 *       so that the decoder's parallel code-block and component phases stay on that thread;</li>
 *   <li>the tool, 1 thread: its process's user + system CPU time (getrusage of the child, through bash's
 *       {@code times}), less the median CPU time of the same tool decoding a 16x16 stream (process start,
 *       library loading, writing the output), so that what remains is the decode; the tool's own reported decode
 *       time (wall clock) is printed beside it;</li>
 *   <li>ours, 2 threads, one frame: wall time of one frame decoded from a plain thread, its code-blocks and
 *       components spread over the common fork-join pool (the latency of showing one image);</li>
 *   <li>ours, 2 threads, many frames: frames decoded concurrently on one thread per core, wall time divided by
 *       frames (the throughput of a series load), measured after the rounds.</li>
 * </ul>
 * Printed per row: medians, the ratios (ours 1-thread CPU / tool CPU: at most 1 is the target; tool CPU / ours
 * 2-thread wall per frame: 2 is the goal), and whether our samples equal the tool's (exactly for reversible streams,
 * within 1 LSB for 9/7), so a speed figure is never that of a wrong decode. On a loaded machine the CPU figures
 * hold and the wall-clock ones (2 threads, the tool's own time) grow; the load average is printed before and after.
 * Without the tools it says which is missing and stops.
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
        for (String tool : List.of("opj_compress", "opj_decompress", "ojph_compress", "ojph_expand", "bash")) {
            if (!onPath(tool)) {
                System.out.println("Jpeg2000Benchmark skipped: " + tool + " is not on the PATH (Debian: apt-get install "
                        + "libopenjp2-tools openjph-tools)");
                return;
            }
        }
        Path dir = Files.createTempDirectory("jpeg2000-benchmark");
        try {
            List<CodedStream> streams = encode(dir);
            Map<String, Double> startupCpuMs = new HashMap<>();
            startupCpuMs.put("opj_decompress", startupCpuMs(dir, "opj_decompress", "tiny.j2k", repeats));
            startupCpuMs.put("ojph_expand", startupCpuMs(dir, "ojph_expand", "tiny.j2c", repeats));
            int cores = Runtime.getRuntime().availableProcessors();
            System.out.printf("JPEG 2000 / HTJ2K decoding, %dx%d, median of %d interleaved rounds; %d cores; Java %s; "
                    + "load average %s%n", SIZE, SIZE, repeats, cores, Runtime.version(), loadAverage());
            System.out.printf("tool start-up CPU (16x16 stream, subtracted): opj_decompress %.1f ms, ojph_expand %.1f ms%n",
                    startupCpuMs.get("opj_decompress"), startupCpuMs.get("ojph_expand"));
            System.out.printf("%-30s %7s | %10s %10s %10s %10s | %10s %10s %10s | %s%n", "stream", "bytes", "ours 1T",
                    "tool 1T", "ours/tool", "tool own", "ours " + cores + "T", "ours " + cores + "T", "tool 1T/",
                    "tool / check");
            System.out.printf("%-30s %7s | %10s %10s %10s %10s | %10s %10s %10s |%n", "", "", "CPU ms", "CPU ms",
                    "(goal<=1)", "wall ms", "1 frame ms", "ms/frame", "ours " + cores + "T");
            for (CodedStream stream : streams) {
                run(stream, repeats, cores, dir, startupCpuMs.get(stream.tool()));
            }
            System.out.printf("load average at the end: %s%n", loadAverage());
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
        // a 16x16 stream: decoding it costs the tool little more than starting, loading and writing
        Files.write(dir.resolve("tiny.rawl"), new byte[16 * 16 * 2]);
        tool(dir, "opj_compress", "-i", "tiny.rawl", "-F", "16,16,1,16,u", "-o", "tiny.j2k", "-n", "1");
        writePnm(dir.resolve("tiny.pgm"), new int[16 * 16], 1, 16, 16);
        tool(dir, "ojph_compress", "-i", "tiny.pgm", "-o", "tiny.j2c", "-reversible", "true", "-num_decomps", "0");
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

    private static void run(CodedStream stream, int repeats, int cores, Path dir, double startupCpuMs) throws Exception {
        byte[] encoded = Files.readAllBytes(stream.file());
        String label = stream.label() + (stream.tool().equals("opj_decompress") ? " (opj)" : " (ojph)");
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(stream.transferSyntax()).orElse(null);
        if (decoder == null) {
            System.out.printf("%-30s %7d | no decoder registered for %s%n", label, encoded.length, stream.transferSyntax());
            return;
        }
        DecodedFrame frame;
        try {
            frame = decoder.decode(encoded, stream.format());
        } catch (CodecException e) {
            System.out.printf("%-30s %7d | ours refused: %s%n", label, encoded.length, e.getMessage());
            return;
        }
        double[] oursCpu = new double[repeats];
        double[] toolCpu = new double[repeats];
        double[] toolOwn = new double[repeats];
        double[] oursTwoThreads = new double[repeats];
        int[] toolSamples = null;
        try (ForkJoinPool one = new ForkJoinPool(1)) {
            one.submit(() -> {
                long warmUpStart = System.nanoTime();
                for (int i = 0; i < WARM_UP_DECODES || System.nanoTime() - warmUpStart < WARM_UP_NANOS; i++) {
                    decoder.decode(encoded, stream.format());
                }
                return null;
            }).get();
            for (int i = 0; i < repeats; i++) {
                oursCpu[i] = one.submit(() -> {
                    long start = THREADS.getCurrentThreadCpuTime();
                    decoder.decode(encoded, stream.format());
                    return (THREADS.getCurrentThreadCpuTime() - start) / 1e6;
                }).get();
                ToolRun tool = runTool(stream, dir);
                toolCpu[i] = tool.cpuMs() - startupCpuMs;
                toolOwn[i] = tool.reportedMs();
                toolSamples = tool.samples();
                long start = System.nanoTime();
                decoder.decode(encoded, stream.format());
                oursTwoThreads[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        double throughput = allCoresMsPerFrame(decoder, encoded, stream.format(), repeats, cores);
        String check = stream.tool() + ": " + compare(frame.samples(), toolSamples, stream.tolerance());
        double ours1 = median(oursCpu);
        double tool1 = median(toolCpu);
        System.out.printf("%-30s %7d | %10.2f %10.2f %10.2f %10.2f | %10.2f %10.2f %10.2f | %s%n", label, encoded.length, ours1,
                tool1, ours1 / tool1, median(toolOwn), median(oursTwoThreads), throughput, tool1 / throughput, check);
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

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

    private record ToolRun(double cpuMs, double reportedMs, int[] samples) {
    }

    private static final Pattern OPJ_TIME = Pattern.compile("decode time: ([0-9.]+) ms");
    private static final Pattern OJPH_TIME = Pattern.compile("Elapsed time = ([0-9.eE+-]+)");

    /** One run of the tool on the stream: its process CPU time, its own reported time and its output. */
    private static ToolRun runTool(CodedStream stream, Path dir) throws IOException, InterruptedException {
        boolean openjpeg = stream.tool().equals("opj_decompress");
        String output = openjpeg ? "decoded.rawl" : stream.format().samplesPerPixel() == 1 ? "decoded.pgm" : "decoded.ppm";
        TimedLog run = timed(dir, stream.tool(), stream.file().toString(), output);
        Matcher m = (openjpeg ? OPJ_TIME : OJPH_TIME).matcher(run.log());
        if (!m.find()) {
            throw new IllegalStateException(stream.tool() + " reported no time: " + run.log());
        }
        double reported = Double.parseDouble(m.group(1)) * (openjpeg ? 1 : 1000);
        int[] samples = openjpeg ? readRawl(dir.resolve(output), stream.format()) : readPnm(dir.resolve(output));
        return new ToolRun(run.cpuMs(), reported, samples);
    }

    private static double startupCpuMs(Path dir, String tool, String tinyStream, int repeats)
            throws IOException, InterruptedException {
        String output = tool.equals("opj_decompress") ? "tiny-decoded.rawl" : "tiny-decoded.pgm";
        double[] cpu = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            cpu[i] = timed(dir, tool, tinyStream, output).cpuMs();
        }
        return median(cpu);
    }

    private record TimedLog(double cpuMs, String log) {
    }

    private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s");

    /**
     * Runs the decoder under bash, whose {@code times} prints its children's user and system CPU time from
     * getrusage (millisecond resolution, where /usr/bin/time prints hundredths of a second).
     */
    private static TimedLog timed(Path dir, String tool, String input, String output)
            throws IOException, InterruptedException {
        List<String> command = tool.equals("opj_decompress")
                ? List.of("opj_decompress", "-threads", "1", "-i", input, "-o", output)
                : List.of("ojph_expand", "-i", input, "-o", output);
        List<String> shell = new ArrayList<>(List.of("bash", "-c", "\"$@\" > tool.log 2>&1; status=$?; times; exit $status",
                "bash"));
        shell.addAll(command);
        String times = tool(dir, shell.toArray(String[]::new));
        String[] lines = times.strip().split("\n");
        Matcher m = TIMES.matcher(lines[lines.length - 1]);
        if (!m.find()) {
            throw new IllegalStateException("no CPU times from bash: " + times);
        }
        double cpuMs = (Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4))) * 1000;
        return new TimedLog(cpuMs, Files.readString(dir.resolve("tool.log")));
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return load < 0 ? "unknown" : String.format("%.2f", load);
        }
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
        writePnm(file, interleaved, spp, bits, SIZE);
    }

    private static void writePnm(Path file, int[] interleaved, int spp, int bits, int size) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(((spp == 1 ? "P5" : "P6") + "\n" + size + " " + size + "\n" + ((1 << bits) - 1) + "\n")
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
