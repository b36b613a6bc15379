package org.radmamba.inference.cuda;

/**
 * The device buffers of a planned forward pass. Activations reuse one buffer per role across layers (the launches
 * of one stream run in order), each sized for the largest layer that uses it; {@link #WEIGHTS} is the packed weights
 * of the model, uploaded once.
 */
enum DeviceBuffer {
    /** The input batch, NCHW as the caller passes it. */
    INPUT,
    /** Activations, channels-last, ping-ponged between blocks. */
    X0,
    X1,
    /** ln_1 of a block's right half: SS2D's input. */
    RIGHT,
    /** in_proj's output, [x | z]. */
    XZ,
    /** The depthwise convolution's output: the scan's u. */
    U,
    /** x_proj's output: per position and direction [dt | B | C]. */
    XDBL,
    /** The chunked scan's per-chunk states and sum(delta) ({@link ScanChunking}). */
    CARRY,
    /** The four directions' y, direction-major. */
    YS,
    /** out_norm(y) * SiLU(z). */
    GATED,
    /** The convolution branch between its three convolutions. */
    T1,
    T2,
    /** PatchMerging2D's gathered and normalised 2x2 neighbourhoods. */
    MERGED,
    /** VM-UNet's encoder stage inputs, kept for the decoder's skip additions (stage 0..7). */
    SKIP0,
    SKIP1,
    SKIP2,
    SKIP3,
    SKIP4,
    SKIP5,
    SKIP6,
    SKIP7,
    /** VM-UNet's patch expansion before its rearrangement. */
    EXPANDED,
    /** The average-pooled features before the head. */
    POOLED,
    /** Split-K partial sums of one GEMM ({@link GemmTiling}), reused by every split product. */
    PARTIAL,
    /** The network's output. */
    OUTPUT,
    /** The packed weights. */
    WEIGHTS
}
