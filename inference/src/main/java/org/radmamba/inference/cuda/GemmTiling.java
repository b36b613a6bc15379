package org.radmamba.inference.cuda;

/**
 * Which of network.cu's GEMM kernels a product of {@code m × n} outputs, {@code k} deep, runs on, and how its K is
 * split. The 128-row tiles (8×8 outputs a thread) move half the shared-memory bytes per FMA of the 64×64 one (4×4),
 * but only pay when their tiles still fill the device; a product of at most 64 outputs takes the 128×64 tile, which
 * the 128×128 one would leave more than half empty. A product with few 64×64 tiles and a deep K (batch 1, the late
 * stages: 49 rows, K up to 3456) would walk K in sequence on a handful of multiprocessors, so its K is split over
 * blocks that write partial sums, added in order by {@code splitk_epilogue} (deterministic: no atomics). Every kernel
 * sums k in order, so the choice never changes a bit of the result.
 *
 * @param kernel  the kernel and its tile
 * @param splits  blocks along K (1: no split, the GEMM applies its own epilogue)
 * @param kChunk  the K each split sums, a multiple of the kernel's tile depth (K itself when not split)
 */
record GemmTiling(Kernel kernel, int splits, int kChunk) {

    /** network.cu's GEMM kernels: the function, the block's tile of outputs and its threads. */
    enum Kernel {
        BIG("gemm_nt_big", 128, 128, 256),
        TALL("gemm_nt_tall", 128, 64, 128),
        SMALL("gemm_nt", 64, 64, 256);

        private final String function;
        private final int tileM;
        private final int tileN;
        private final int threads;

        Kernel(String function, int tileM, int tileN, int threads) {
            this.function = function;
            this.tileM = tileM;
            this.tileN = tileN;
            this.threads = threads;
        }

        String function() {
            return function;
        }

        int tileM() {
            return tileM;
        }

        int tileN() {
            return tileN;
        }

        int threads() {
            return threads;
        }

        long tiles(long m, int n) {
            return ceilDiv(m, tileM) * ceilDiv(n, tileN);
        }

        static Kernel named(String function) {
            for (Kernel kernel : values()) {
                if (kernel.function.equals(function)) {
                    return kernel;
                }
            }
            throw new IllegalArgumentException("no GEMM kernel " + function);
        }
    }

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
        Kernel wide = n <= Kernel.TALL.tileN() ? Kernel.TALL : Kernel.BIG;
        if (wide.tiles(m, n) >= WAVE) {
            return new GemmTiling(wide, 1, k);
        }
        long small = Kernel.SMALL.tiles(m, n);
        long wanted = Math.min(MAX_SPLITS, Math.min(ceilDiv(WAVE, small), k / MIN_SPLIT_K));
        if (small * 2 > WAVE || wanted < 2) {
            return new GemmTiling(Kernel.SMALL, 1, k);
        }
        int chunk = Math.toIntExact(ceilDiv(ceilDiv(k, wanted), SMALL_DEPTH) * SMALL_DEPTH);
        int splits = Math.toIntExact(ceilDiv(k, chunk));
        return new GemmTiling(Kernel.SMALL, splits, splits < 2 ? k : chunk);
    }

    boolean split() {
        return splits > 1;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
