package org.radmamba.inference.cuda;

/**
 * Which of network.cu's GEMM kernels a product of {@code m × n} outputs, {@code k} deep, runs on, and how its K is
 * split. The 128×128 tile (8×8 outputs a thread) moves half the shared-memory bytes per FMA of the 64×64 one (4×4),
 * but only pays when its tiles still fill the device; a product with few 64×64 tiles and a deep K (batch 1, the late
 * stages: 49 rows, K up to 3456) would walk K in sequence on a handful of multiprocessors, so its K is split over
 * blocks that write partial sums, added in order by {@code splitk_epilogue} (deterministic: no atomics).
 *
 * @param kernel  {@code gemm_nt_big} or {@code gemm_nt}
 * @param tile    the square tile's side, 128 or 64
 * @param splits  blocks along K (1: no split, the GEMM applies its own epilogue)
 * @param kChunk  the K each split sums, a multiple of the kernel's tile depth (K itself when not split)
 */
record GemmTiling(String kernel, int tile, int splits, int kChunk) {

    /** Thread blocks that fill an H100 (132 multiprocessors) once; an A100 has 108, Volta 80. */
    static final int WAVE = 132;
    /** The smallest K a split sums: below this the partial sums' extra traffic costs more than the split gains. */
    static final int MIN_SPLIT_K = 128;
    static final int MAX_SPLITS = 32;
    static final int SMALL_DEPTH = 16;

    GemmTiling {
        if (splits < 1 || kChunk < 1) {
            throw new IllegalArgumentException(kernel + ": " + splits + " splits of " + kChunk);
        }
    }

    static GemmTiling choose(long m, int n, int k) {
        if (m <= 0 || n <= 0 || k <= 0) {
            throw new IllegalArgumentException("a GEMM of " + m + "x" + n + ", " + k + " deep");
        }
        long big = ceilDiv(m, 128) * ceilDiv(n, 128);
        if (big >= WAVE) {
            return new GemmTiling("gemm_nt_big", 128, 1, k);
        }
        long small = ceilDiv(m, 64) * ceilDiv(n, 64);
        long wanted = Math.min(MAX_SPLITS, Math.min(ceilDiv(WAVE, small), k / MIN_SPLIT_K));
        if (small * 2 > WAVE || wanted < 2) {
            return new GemmTiling("gemm_nt", 64, 1, k);
        }
        int chunk = Math.toIntExact(ceilDiv(ceilDiv(k, wanted), SMALL_DEPTH) * SMALL_DEPTH);
        int splits = Math.toIntExact(ceilDiv(k, chunk));
        return splits < 2 ? new GemmTiling("gemm_nt", 64, 1, k) : new GemmTiling("gemm_nt", 64, splits, chunk);
    }

    boolean split() {
        return splits > 1;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
