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
 * network.cu's and gemm_tf32.cu's kernels themselves run on this machine's CPU (src/test/cuda: the CUDA source
 * compiled by g++ against cuda_on_cpu.h, a small emulation of blocks, shared memory, barriers and TF32's mma.sync)
 * and compared with float64 references: the chunked cross scan (scan_on_cpu.cpp), the depthwise convolution
 * (depthwise_on_cpu.cpp) and the GEMM tiles, float32 and TF32 (gemm_on_cpu.cpp). CI has no GPU, and the kernels'
 * indexing (the scan's directions, chunks, tiles and idle warps; the depthwise's channel groups and load paths; the
 * GEMM's edge tiles, loaders, implicit im2col and strided epilogue) is where a kernel change most easily goes wrong unseen until a GPU machine runs the parity checks. g++ is
 * a Debian package that .ci/run installs; without it these tests fail.
 */
class NetworkKernelsOnCpuTest {

    @Test
    void the_chunked_scan_kernels_agree_with_a_float64_scan() throws Exception {
        assertEquals(7, runOnCpu("scan_on_cpu"), "shapes that passed");
    }

    @Test
    void the_depthwise_convolution_agrees_with_a_float64_one_on_both_its_load_paths() throws Exception {
        assertEquals(5, runOnCpu("depthwise_on_cpu"), "shapes that passed");
    }

    @Test
    void every_gemm_tile_agrees_with_a_float64_product_and_bit_for_bit_with_the_others() throws Exception {
        // 5 products (dense with float4 and with scalar loads, 3x3 convolutions of 8 and 12 channels with their
        // input BatchNorm, patch embedding) x (6 tile shapes + 2 tiles staged by cp.async (gemm_async.cuh) + gemm_nt's
        // split K and the cp.async rows tile's + gemm_nt_tf32 whole and split, 2 other TF32 tile shapes and the
        // cp.async TF32 tile against the TF32-rounded operands + gemm_nt_tf32 off the float32 product by TF32's
        // rounding)
        assertEquals(80, runOnCpu("gemm_on_cpu"), "(product, tiling) pairs that passed");
    }

    /** Builds src/test/cuda/NAME.cpp, runs it, and returns how many of its lines say PASS (it must exit 0). */
    private static long runOnCpu(String name) throws IOException, InterruptedException {
        Path source = Path.of("src/test/cuda/" + name + ".cpp").toAbsolutePath();
        assertTrue(Files.isRegularFile(source), source + " is missing");
        Path binary = Files.createTempDirectory(Path.of("target"), name).resolve(name);
        Result build = run(List.of("g++", "-std=c++20", "-O1", "-pthread", "-o", binary.toString(),
                source.toString()), 180);
        assertEquals(0, build.status(), "g++ could not build " + name + ":\n" + build.output());
        Result result = run(List.of(binary.toString()), 120);
        assertEquals(0, result.status(), result.output());
        return result.output().lines().filter(l -> l.startsWith("PASS ")).count();
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
