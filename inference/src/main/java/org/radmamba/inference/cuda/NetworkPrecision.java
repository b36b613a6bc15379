package org.radmamba.inference.cuda;

import java.util.Locale;

/**
 * The arithmetic of the GPU engine's products (linear layers, patch embedding and merging, the 1×1 and 3×3
 * convolutions: about 95 % of the network's FLOPs). Everything else (the scan, the norms, the epilogues) is float32
 * in both.
 */
public enum NetworkPrecision {

    /** Float32 FMAs throughout ({@code gemm_nt}): the default, parity with the goldens to 1e-4 × max |golden|. */
    FLOAT32("float32", GemmTiling.KERNEL, 7),
    /**
     * The explicit faster option: the products' operands rounded to TF32 (10 mantissa bits) on tensor cores
     * ({@code gemm_nt_tf32}, compute capability 8.0 and newer), summed in float32. Outputs move by what
     * docs/performance.md ("TF32") measured on the demo models' held-out images.
     */
    TF32("tf32", "gemm_nt_tf32", 8);

    private final String label;
    private final String gemmKernel;
    private final int minMajor;

    NetworkPrecision(String label, String gemmKernel, int minMajor) {
        this.label = label;
        this.gemmKernel = gemmKernel;
        this.minMajor = minMajor;
    }

    /** The name the command line and the settings use. */
    public String label() {
        return label;
    }

    /** The GEMM kernel of this precision; every one takes {@code gemm_nt}'s arguments, grid and split-K contract. */
    String gemmKernel() {
        return gemmKernel;
    }

    /** The oldest compute capability (major) whose hardware runs this precision's kernels. */
    public int minMajor() {
        return minMajor;
    }

    /**
     * Why a card of compute capability {@code major.minor} cannot run this precision's kernels (TF32 before Ampere),
     * or null when it can: one wording for the engine's choice before a checkpoint is read and for the device
     * network's own refusal.
     */
    public String refusal(String card, int major, int minor) {
        return major >= minMajor ? null : card + " has compute capability " + major + "." + minor + "; " + label
                + " needs " + minMajor + ".0 (" + (minMajor >= 8 ? "Ampere" : "Volta") + ") or newer";
    }

    /**
     * {@code float32} or {@code tf32}, any case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static NetworkPrecision parse(String text) {
        String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (NetworkPrecision p : values()) {
            if (p.label.equals(wanted)) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision '" + text + "': expected float32 or tf32");
    }

    @Override
    public String toString() {
        return label;
    }
}
