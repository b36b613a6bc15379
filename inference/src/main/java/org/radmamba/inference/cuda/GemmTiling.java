package org.radmamba.inference.cuda;

/**
 * How network.cu's GEMM ({@code gemm_nt}: 64×64 tiles, 4×4 outputs a thread, 256 threads) runs a product of
 * {@code m × n} outputs, {@code k} deep: its K split or not. A product with few tiles and a deep K (batch 1, the late
 * stages: 49 rows, K up to 3456) would walk K in sequence on a handful of multiprocessors, so its K is split over
 * blocks that write partial sums, added in order by {@code splitk_epilogue} (deterministic: no atomics). One tile for
 * every product: on an H100 it beat 128×128 and 128×64 tiles of 8×8 a thread on nearly every MedMamba-T product at
 * batch 8 and 64 ({@code src/test/cuda/gemm_bench.cu}, docs/performance.md).
 *
 * @param splits  blocks along K (1: no split, the GEMM applies its own epilogue)
 * @param kChunk  the K each split sums, a multiple of the kernel's tile depth (K itself when not split)
 */
record GemmTiling(int splits, int kChunk) {

    static final String KERNEL = "gemm_nt";
    /** The square tile of outputs a block computes. */
    static final int TILE = 64;
    static final int THREADS = 256;
    /** Thread blocks that fill an H100 (132 multiprocessors) once; an A100 has 108, Volta 80. */
    static final int WAVE = 132;
    /** The smallest K a split sums: below this the partial sums' extra traffic costs more than the split gains. */
    static final int MIN_SPLIT_K = 128;
    static final int MAX_SPLITS = 32;
    /** The kernel's tile depth: a split's K is a multiple of it. */
    static final int DEPTH = 16;

    GemmTiling {
        if (splits < 1 || kChunk < 1) {
            throw new IllegalArgumentException(KERNEL + ": " + splits + " splits of " + kChunk);
        }
    }

    static GemmTiling choose(long m, int n, int k) {
        if (m <= 0 || n <= 0 || k <= 0) {
            throw new IllegalArgumentException("a GEMM of " + m + "x" + n + ", " + k + " deep");
        }
        long tiles = ceilDiv(m, TILE) * ceilDiv(n, TILE);
        long wanted = Math.min(MAX_SPLITS, Math.min(ceilDiv(WAVE, tiles), k / MIN_SPLIT_K));
        if (tiles * 2 > WAVE || wanted < 2) {
            return new GemmTiling(1, k);
        }
        int chunk = Math.toIntExact(ceilDiv(ceilDiv(k, wanted), DEPTH) * DEPTH);
        int splits = Math.toIntExact(ceilDiv(k, chunk));
        return new GemmTiling(splits, splits < 2 ? k : chunk);
    }

    boolean split() {
        return splits > 1;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
