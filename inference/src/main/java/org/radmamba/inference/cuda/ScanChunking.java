package org.radmamba.inference.cuda;

/**
 * How network.cu's chunked cross scan cuts one SS2D's sequences of {@code length} steps: a thread per (image,
 * direction, channel) walks its chunk in sequence, so at batch 1 the 3136 steps of MedMamba-T's first stage would be
 * one dependency chain on a few hundred threads; cut into chunks, the same work runs on enough threads to fill the
 * device, at the price of a second walk (the chunks' end states) over all but the last chunk. When the batch alone
 * gives enough threads, one chunk: no second walk.
 *
 * @param chunks    pieces of each sequence (1: the plain scan)
 * @param chunkLen  steps a piece walks (the last may be shorter)
 * @param kernelRank dt_rank rounded up to the kernel variant's 4, 8, 16, 32 or 64
 */
record ScanChunking(int chunks, int chunkLen, int kernelRank) {

    /**
     * Threads the scan should run on, which sets the chunks: enough to keep an H100's 132 multiprocessors busy, few
     * enough that a pass's blocks run in one wave. The state kernels take up to 128 registers a thread, so five
     * blocks of 96 threads (MedMamba-T's 96 channels) fit a multiprocessor, 660 at once; the out pass of dt_rank <= 4
     * (16-step tiles) takes 166, four blocks, 528. On an H100 (2026-12-07, MedMamba-T batch 8, stage 1) 49152 threads
     * give 16 chunks, 512 blocks and 192 µs of scan; 67584 give 22 chunks, two waves, 236 µs; 33792 give 11 chunks,
     * 251 µs (docs/performance.md, "The scan"). The system property
     * {@code radmamba.cuda.scanThreads} overrides it, so that the GPU profile can weigh more chunks against fewer on
     * another card without a rebuild.
     */
    static final int TARGET_THREADS = Integer.getInteger("radmamba.cuda.scanThreads", 49_152);
    /** The shortest chunk: below it the extra walk and the carry pass cost more than the parallelism gains. */
    static final int MIN_CHUNK = 32;
    /** The d_state the chunked kernels hold in registers. */
    static final int STATES = 16;
    static final int MAX_RANK = 64;
    /** Channels a block scans (a thread each): the [dt | B | C] rows it stages in shared memory serve them all. */
    static final int MAX_BLOCK = 128;
    /**
     * The fewest threads a block runs, whatever its channels: the kernels size each thread's share of a tile's
     * staging for it (network.cu's CS_MIN_BLOCK); the threads past the channels only stage.
     */
    static final int MIN_BLOCK = 64;

    ScanChunking {
        if (chunks < 1 || chunkLen < 1) {
            throw new IllegalArgumentException(chunks + " chunks of " + chunkLen);
        }
    }

    /** Whether the chunked kernels can scan an SS2D of this d_state and dt_rank (else the lane-per-state one). */
    static boolean supports(int dState, int rank) {
        return dState == STATES && rank >= 1 && rank <= MAX_RANK;
    }

    static ScanChunking plan(int batch, int length, int dInner, int rank) {
        if (batch < 1 || length < 1 || dInner < 1 || rank < 1 || rank > MAX_RANK) {
            throw new IllegalArgumentException("a scan of batch " + batch + ", " + length + " steps, " + dInner
                    + " channels, dt_rank " + rank);
        }
        if (4L * batch * length * dInner > Integer.MAX_VALUE
                || 4L * batch * length * (rank + 2L * STATES) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a scan of batch " + batch + ", " + length + " steps, " + dInner
                    + " channels exceeds the scan kernels' 32-bit element offsets: run it in smaller batches");
        }
        long threads = 4L * batch * dInner;
        // once the sequences alone are half the target, one walk beats two (batch 64 at stage 1: 1244 against 1326 µs)
        long wanted = 2 * threads >= TARGET_THREADS ? 1 : TARGET_THREADS / threads;
        long most = Math.max(1, length / MIN_CHUNK);
        int chunks = (int) Math.min(wanted, most);
        int chunkLen = (length + chunks - 1) / chunks;
        chunks = (length + chunkLen - 1) / chunkLen;
        int kernelRank = rank <= 4 ? 4 : rank <= 8 ? 8 : rank <= 16 ? 16 : rank <= 32 ? 32 : 64;
        return new ScanChunking(chunks, chunkLen, kernelRank);
    }

    /**
     * Threads a block (one chunk of one image and direction) runs: its channels rounded up to whole warps, 64 to 128.
     */
    static int blockThreads(int dInner) {
        return Math.max(MIN_BLOCK, Math.min(MAX_BLOCK, (dInner + 31) / 32 * 32));
    }

    /** Floats of the carry buffer: per (image, direction, chunk) the 16 states and sum(delta) of every channel. */
    long carryFloats(int batch, int dInner) {
        return chunks == 1 ? 0 : 4L * batch * chunks * (STATES + 1) * dInner;
    }
}
