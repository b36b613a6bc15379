package org.radmamba.inference.cuda;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * network.cu's chunked cross scan, the kernels themselves, run on this machine's CPU (src/test/cuda/scan_on_cpu.cpp:
 * the CUDA source compiled by g++ against a small emulation of blocks, shared memory and barriers) and compared with
 * a float64 scan. CI has no GPU, and the scan's indexing (directions, chunks, tiles staged in shared memory, steps
 * past a chunk's end, idle warps) is where a kernel change most easily goes wrong unseen until a GPU machine runs
 * the parity checks. g++ is a Debian package that .ci/run installs; without it this test fails.
 */
class NetworkScanOnCpuTest {

    @Test
    void the_chunked_scan_kernels_agree_with_a_float64_scan() throws Exception {
        Path source = Path.of("src/test/cuda/scan_on_cpu.cpp").toAbsolutePath();
        assertTrue(Files.isRegularFile(source), source + " is missing");
        Path binary = Files.createTempDirectory(Path.of("target"), "scan-on-cpu").resolve("scan_on_cpu");
        Result build = run(List.of("g++", "-std=c++20", "-O1", "-pthread", "-o", binary.toString(),
                source.toString()), 180);
        assertEquals(0, build.status(), "g++ could not build the emulated scan:\n" + build.output());
        Result scan = run(List.of(binary.toString()), 120);
        assertEquals(0, scan.status(), scan.output());
        assertEquals(5, scan.output().lines().filter(l -> l.startsWith("PASS ")).count(), scan.output());
    }

    private record Result(int status, String output) {
    }

    private static Result run(List<String> command, int seconds) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException(command.get(0) + " could not be started (the Debian package g++ provides the "
                    + "compiler; .ci/run installs it): " + e.getMessage(), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " ran over " + seconds + " s:\n" + output);
        }
        return new Result(process.exitValue(), output);
    }
}
