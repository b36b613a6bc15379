package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Decode speed per codec on 512×512 frames. Not part of the normal test run (the name does not end in Test);
 * make the frames and run it with:
 * <pre>
 * viewer/src/test/resources/dicom/compressed/make-fixtures.sh --benchmark /tmp/codec-bench
 * mvn -q -o -pl viewer test -Dtest=CodecBenchmark -Dradmamba.codec.benchmark=/tmp/codec-bench
 * </pre>
 * Figures go to target/surefire-reports/...CodecBenchmark-output.txt.
 */
class CodecBenchmark {

    private static final int WARM_UP_DECODES = 30;
    /** Other builds share the machine: CPU time of the decoding thread is the steadier figure. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long MEASURE_NANOS = 2_000_000_000L;

    @Test
    void decode_speed_per_codec() throws IOException {
        String dir = System.getProperty("radmamba.codec.benchmark");
        assumeTrue(dir != null, "set -Dradmamba.codec.benchmark=<dir made by make-fixtures.sh --benchmark>");
        List<Path> files;
        try (Stream<Path> listing = Files.list(Path.of(dir))) {
            files = listing.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
        }
        System.out.printf("%-24s %-20s %9s %9s %9s%n", "fixture", "frame", "wall ms", "CPU ms", "Msample/s");
        for (Path file : files) {
            DicomFixture fixture = DicomFixture.read(file);
            FrameDecoder decoder = FrameDecoders.forTransferSyntax(fixture.transferSyntax()).orElseThrow();
            FrameFormat format = fixture.format();
            int frames = fixture.frames().size();
            for (int i = 0; i < WARM_UP_DECODES; i++) {
                decoder.decode(fixture.frames().get(i % frames), format);
            }
            long start = System.nanoTime();
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            int decodes = 0;
            long checksum = 0;
            while (System.nanoTime() - start < MEASURE_NANOS) {
                checksum += decoder.decode(fixture.frames().get(decodes % frames), format).samples().rawBits(decodes);
                decodes++;
            }
            double wallMs = (System.nanoTime() - start) / 1e6 / decodes;
            double cpuMs = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e6 / decodes;
            System.out.printf("%-24s %-20s %9.2f %9.2f %9.1f  (%d decodes, checksum %d)%n", fixture.name(),
                    format.columns() + "x" + format.rows() + "x" + format.samplesPerPixel() + " " + format.bitsAllocated() + "-bit",
                    wallMs, cpuMs, format.sampleCount() / cpuMs / 1000, decodes, checksum);
        }
    }
}
