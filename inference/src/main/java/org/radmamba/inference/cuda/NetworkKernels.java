package org.radmamba.inference.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The compiled form of a kernel module a device loads (network.cu, the whole network; gemm_tf32.cu, its GEMM on
 * tensor cores for {@link NetworkPrecision#TF32}): machine code (a cubin) built for its architecture where the
 * inference module ships one, so that the driver has nothing to compile, else the PTX, which the driver compiles for
 * any Volta or newer device. Compiling the network's PTX took a first process about 2.6 s of its start (a 500-slice
 * series ran in 5.9 s in the very first process on a fresh H200 and in 3.2 s once the driver had cached the result,
 * 2026-12-06). A cubin also runs on its architecture's later minor revisions (sm_80's on 8.6 and 8.9), never on another
 * major one. build-ptx.sh writes the cubins from the committed PTX and the PTX's digest beside them, so that a PTX
 * rebuilt without its cubins is caught by a test instead of shipping old machine code.
 */
final class NetworkKernels {

    /** The module of every layer's kernels (network.cu). */
    static final String NETWORK = "network";
    /** The module of the TF32 GEMM (gemm_tf32.cu), loaded beside {@link #NETWORK} for {@link NetworkPrecision#TF32}. */
    static final String GEMM_TF32 = "gemm_tf32";
    /** The modules build-ptx.sh assembles cubins for. */
    static final List<String> MODULES = List.of(NETWORK, GEMM_TF32);
    /** The architectures build-ptx.sh assembles the PTX for. */
    static final List<String> CUBIN_ARCHITECTURES = List.of("sm_80", "sm_90");

    /** A module image for cuModuleLoadData: PTX text (NUL-terminated by the caller) or a cubin. */
    record Image(String name, byte[] bytes, boolean machineCode) {
    }

    private NetworkKernels() {
    }

    static String ptx(String module) {
        return module + ".ptx";
    }

    /** The resource holding SHA-256 (hex) of the module's PTX its shipped cubins were assembled from. */
    static String cubinSource(String module) {
        return module + ".cubin-source.sha256";
    }

    /** The module's cubin resource that serves compute capability {@code major.minor} among {@code shipped}, or null. */
    static String cubinFor(String module, int major, int minor, List<String> shipped) {
        String best = null;
        int bestMinor = -1;
        for (String arch : shipped) {
            int archMajor = Integer.parseInt(arch.substring(3, arch.length() - 1));
            int archMinor = arch.charAt(arch.length() - 1) - '0';
            if (archMajor == major && archMinor <= minor && archMinor > bestMinor) {
                best = cubinResource(module, arch);
                bestMinor = archMinor;
            }
        }
        return best;
    }

    static String cubinResource(String module, String arch) {
        return module + "." + arch + ".cubin";
    }

    /**
     * The images of {@code module} to try, in order, for a device of compute capability {@code major.minor}: the PTX
     * file that {@code override} names (kernel experiments) alone; else the shipped cubin for the device, if any,
     * then the shipped PTX.
     */
    static List<Image> candidates(String module, int major, int minor, String override) {
        if (override != null && !override.isBlank()) {
            try {
                return List.of(new Image(override, Files.readAllBytes(Path.of(override)), false));
            } catch (IOException e) {
                throw new UncheckedIOException("the network kernels' PTX " + override + " could not be read", e);
            }
        }
        Image ptx = new Image(ptx(module), resource(ptx(module)), false);
        String cubin = cubinFor(module, major, minor, CUBIN_ARCHITECTURES);
        byte[] machineCode = cubin == null ? null : optionalResource(cubin);
        return machineCode == null ? List.of(ptx) : List.of(new Image(cubin, machineCode, true), ptx);
    }

    static byte[] resource(String name) {
        byte[] bytes = optionalResource(name);
        if (bytes == null) {
            throw new IllegalStateException("the kernels' resource " + name
                    + " is missing from the inference module");
        }
        return bytes;
    }

    private static byte[] optionalResource(String name) {
        try (InputStream in = NetworkKernels.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("the kernels' resource " + name + " could not be read", e);
        }
    }
}
