package org.radmamba.inference.nn;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.radmamba.inference.nn.Kernels.FLOAT;
import static org.radmamba.inference.nn.Kernels.LANES;
import static org.radmamba.inference.nn.Kernels.ORDER;
import static org.radmamba.inference.nn.Kernels.SPECIES;

/**
 * A dense 3×3 (stride 1, padding 1) or 1×1 convolution computed directly on channels-last maps with the output
 * channels in the vector lanes; {@link Conv2d} uses it for those shapes when the output channels are a multiple of the
 * vector length. No im2col: the input (normalised by the optional input BatchNorm) is copied once into a heap array
 * with a zero border, so PyTorch's zero padding of the <em>normalised</em> input holds and the kernel needs no border
 * tests.
 *
 * <p>The microkernel keeps {@value #P} output positions × three vectors of output channels (24 accumulators with
 * 16 lanes) in registers; per input channel of each tap it loads three weight vectors and broadcasts one input sample
 * per position. The positions of a block are any eight consecutive output positions in batch·row·column order, so a
 * block may span rows (and images): each keeps its own base index into the padded input, and the taps are constant
 * offsets from it; the three taps of a kernel row read one contiguous run of 3·in samples, one inner loop. Weights are packed at load time per group of output channels as {@code [tap][in][group width]},
 * so a block streams one contiguous slab. Bias and activation are applied before the store. Threads split the
 * (group, block) pairs.
 *
 * <p>The packed weights live in native memory of this kernel's own {@link Arena}, freed by {@link #close()}: on the
 * Java heap they were a second large live set beside the state dict (VM-UNet ISIC: 88 MB), and G1 sizes its heap
 * after the live set (VM-UNet's peak RSS was 6-7 % above that of the build that kept them in ND4J's native memory).
 * After {@link #close()} a call fails with {@link IllegalStateException} instead of reading freed memory.
 */
final class DirectConv implements AutoCloseable {

    /** Output positions per microkernel call. */
    static final int P = 8;
    /** Output-channel vectors per wide group. */
    private static final int V = 3;
    private static final int PADDED_ROLE = 0x3c33;

    private final int in;
    private final int out;
    private final int kernel;
    private final int taps;
    private final int pad;
    /** Per group of output channels: its first channel, its width (V·LANES or LANES) and its slab in {@link #weights}. */
    private final int[] groupStart;
    private final int[] groupWidth;
    private final int[] groupOffset;
    /** Owns {@link #weights}; shared, since the kernels' threads all read them. */
    private final Arena arena;
    /** The packed weights, {@code [group][tap][in][group width]} floats, 64-byte aligned. */
    private final MemorySegment weights;
    private final float[] bias;
    private final float[] inputScale;
    private final float[] inputShift;
    private final Activation activation;

    /** Whether this kernel handles a convolution of this shape (square kernel, stride 1, "same" padding). */
    static boolean supports(int kernel, int stride, int padding, int out) {
        return (kernel == 1 || kernel == 3) && stride == 1 && padding == (kernel - 1) / 2 && out % LANES == 0;
    }

    /**
     * @param weight PyTorch's {@code (out, in, k, k)}; @param inputScale, inputShift the input BatchNorm or null
     */
    DirectConv(int in, int out, int kernel, float[] weight, float[] bias, float[] inputScale, float[] inputShift,
               Activation activation) {
        if (!supports(kernel, 1, (kernel - 1) / 2, out) || weight.length != out * in * kernel * kernel || bias.length != out) {
            throw new IllegalArgumentException("a direct convolution needs a 1x1 or 3x3 kernel, (" + out + ", " + in + ", "
                    + kernel + ", " + kernel + ") weights, " + out + " biases and a multiple of " + LANES + " outputs");
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.taps = kernel * kernel;
        this.pad = (kernel - 1) / 2;
        final int TAPS = taps;
        int wide = V * LANES;
        int groups = out / wide + (out % wide) / LANES;
        groupStart = new int[groups];
        groupWidth = new int[groups];
        groupOffset = new int[groups];
        arena = Arena.ofShared();
        weights = arena.allocate((long) kernel * kernel * in * out * Float.BYTES, 64);
        // each group is packed in a heap slab and copied over in bulk: element-wise native stores made loading slower
        float[] slab = new float[Math.min(wide, out) * TAPS * in];
        int start = 0;
        for (int g = 0; g < groups; g++) {
            int width = out - start >= wide ? wide : LANES;
            groupStart[g] = start;
            groupWidth[g] = width;
            groupOffset[g] = start * TAPS * in;
            for (int t = 0; t < TAPS; t++) {
                for (int i = 0; i < in; i++) {
                    for (int j = 0; j < width; j++) {
                        slab[(t * in + i) * width + j] = weight[((start + j) * in + i) * TAPS + t];
                    }
                }
            }
            MemorySegment.copy(slab, 0, weights, FLOAT, (long) groupOffset[g] * Float.BYTES, width * TAPS * in);
            start += width;
        }
        this.bias = bias.clone();
        this.inputScale = inputScale;
        this.inputShift = inputShift;
        this.activation = activation;
    }

    /** Convolves channels {@code channelOffset .. +in} of {@code x} into a new map of {@code out} channels. */
    FeatureMap apply(FeatureMap x, int channelOffset, Parallel parallel) {
        int batch = x.batch();
        int h = x.height();
        int w = x.width();
        int pw = w + 2 * pad;
        int ph = h + 2 * pad;
        float[] padded = ScratchArrays.get(PADDED_ROLE, batch * ph * pw * in);
        pad(x, channelOffset, padded, parallel);

        int positions = batch * h * w;
        int blocks = (positions + P - 1) / P;
        // whole blocks of rows, so that the kernel always stores P rows (a short last block stores copies of its
        // last position into the spare rows): no count-dependent branches in the compiled kernel
        RowMatrix y = RowMatrix.allocate(blocks * P, out);
        MemorySegment dst = y.segment();
        int groups = groupStart.length;
        int hw = h * w;
        parallel.forRange(groups * blocks, 1, (from, to) -> {
            int[] base = new int[P];
            for (int task = from; task < to; task++) {
                int g = task / blocks;
                int first = (task % blocks) * P;
                int count = Math.min(P, positions - first);
                for (int p = 0; p < P; p++) {
                    int q = first + Math.min(p, count - 1); // a short last block repeats its last position
                    int b = q / hw;
                    int r = q - b * hw;
                    int oy = r / w;
                    int ox = r - oy * w;
                    base[p] = ((b * ph + oy) * pw + ox) * in;
                }
                long dstOff = ((long) first * out + groupStart[g]) * Float.BYTES;
                if (groupWidth[g] == V * LANES) {
                    block3(padded, base, pw, groupOffset[g], groupStart[g], dst, dstOff);
                } else {
                    block1(padded, base, pw, groupOffset[g], groupStart[g], dst, dstOff);
                }
            }
        });
        return new FeatureMap(batch, h, w, y.rowBlock(0, positions));
    }

    /** Copies channels {@code channelOffset .. +in} of {@code x}, normalised, into {@code padded} with a zero border. */
    private void pad(FeatureMap x, int channelOffset, float[] padded, Parallel parallel) {
        int h = x.height();
        int w = x.width();
        int c = x.channels();
        int pw = w + 2 * pad;
        int ph = h + 2 * pad;
        MemorySegment src = x.data().segment();
        int rowLen = pw * in;
        int bound = SPECIES.loopBound(in);
        parallel.forRange(x.batch() * ph, Math.max(1, 4096 / rowLen), (from, to) -> {
            for (int by = from; by < to; by++) {
                int b = by / ph;
                int py = by % ph;
                int rowStart = by * rowLen;
                if (py < pad || py >= ph - pad) {
                    java.util.Arrays.fill(padded, rowStart, rowStart + rowLen, 0f);
                    continue;
                }
                java.util.Arrays.fill(padded, rowStart, rowStart + pad * in, 0f);
                java.util.Arrays.fill(padded, rowStart + (pw - pad) * in, rowStart + rowLen, 0f);
                for (int ix = 0; ix < w; ix++) {
                    long srcOff = ((((long) b * h + py - pad) * w + ix) * c + channelOffset) * Float.BYTES;
                    int d = rowStart + (ix + pad) * in;
                    if (inputScale == null) {
                        MemorySegment.copy(src, FLOAT, srcOff, padded, d, in);
                        continue;
                    }
                    int i = 0;
                    for (; i < bound; i += LANES) {
                        FloatVector.fromMemorySegment(SPECIES, src, srcOff + (long) i * Float.BYTES, ORDER)
                                .fma(FloatVector.fromArray(SPECIES, inputScale, i), FloatVector.fromArray(SPECIES, inputShift, i))
                                .intoArray(padded, d + i);
                    }
                    for (; i < in; i++) {
                        padded[d + i] = src.get(FLOAT, srcOff + (long) i * Float.BYTES) * inputScale[i] + inputShift[i];
                    }
                }
            }
        });
    }

    /** Eight positions × three output vectors. */
    private void block3(float[] x, int[] base, int pw, int wOffset, int oc, MemorySegment dst, long dstOff) {
        final int width = V * LANES;
        FloatVector b0 = FloatVector.fromArray(SPECIES, bias, oc);
        FloatVector b1 = FloatVector.fromArray(SPECIES, bias, oc + LANES);
        FloatVector b2 = FloatVector.fromArray(SPECIES, bias, oc + 2 * LANES);
        FloatVector c00 = b0, c01 = b1, c02 = b2;
        FloatVector c10 = b0, c11 = b1, c12 = b2;
        FloatVector c20 = b0, c21 = b1, c22 = b2;
        FloatVector c30 = b0, c31 = b1, c32 = b2;
        FloatVector c40 = b0, c41 = b1, c42 = b2;
        FloatVector c50 = b0, c51 = b1, c52 = b2;
        FloatVector c60 = b0, c61 = b1, c62 = b2;
        FloatVector c70 = b0, c71 = b1, c72 = b2;
        final int n = in;
        MemorySegment wt = weights;
        final int k = kernel;
        final int run = k * n; // the k taps of a kernel row read one contiguous run of k·in samples
        final long step = (long) width * Float.BYTES;
        final long lane1 = (long) LANES * Float.BYTES;
        final long lane2 = 2 * lane1;
        for (int ky = 0; ky < k; ky++) {
            int tapOff = ky * pw * n;
            int a0 = base[0] + tapOff, a1 = base[1] + tapOff, a2 = base[2] + tapOff, a3 = base[3] + tapOff;
            int a4 = base[4] + tapOff, a5 = base[5] + tapOff, a6 = base[6] + tapOff, a7 = base[7] + tapOff;
            long wb = ((long) wOffset + (long) ky * run * width) * Float.BYTES;
            for (int i = 0; i < run; i++, wb += step) {
                FloatVector w0 = FloatVector.fromMemorySegment(SPECIES, wt, wb, ORDER);
                FloatVector w1 = FloatVector.fromMemorySegment(SPECIES, wt, wb + lane1, ORDER);
                FloatVector w2 = FloatVector.fromMemorySegment(SPECIES, wt, wb + lane2, ORDER);
                FloatVector v;
                v = FloatVector.broadcast(SPECIES, x[a0 + i]);
                c00 = w0.fma(v, c00); c01 = w1.fma(v, c01); c02 = w2.fma(v, c02);
                v = FloatVector.broadcast(SPECIES, x[a1 + i]);
                c10 = w0.fma(v, c10); c11 = w1.fma(v, c11); c12 = w2.fma(v, c12);
                v = FloatVector.broadcast(SPECIES, x[a2 + i]);
                c20 = w0.fma(v, c20); c21 = w1.fma(v, c21); c22 = w2.fma(v, c22);
                v = FloatVector.broadcast(SPECIES, x[a3 + i]);
                c30 = w0.fma(v, c30); c31 = w1.fma(v, c31); c32 = w2.fma(v, c32);
                v = FloatVector.broadcast(SPECIES, x[a4 + i]);
                c40 = w0.fma(v, c40); c41 = w1.fma(v, c41); c42 = w2.fma(v, c42);
                v = FloatVector.broadcast(SPECIES, x[a5 + i]);
                c50 = w0.fma(v, c50); c51 = w1.fma(v, c51); c52 = w2.fma(v, c52);
                v = FloatVector.broadcast(SPECIES, x[a6 + i]);
                c60 = w0.fma(v, c60); c61 = w1.fma(v, c61); c62 = w2.fma(v, c62);
                v = FloatVector.broadcast(SPECIES, x[a7 + i]);
                c70 = w0.fma(v, c70); c71 = w1.fma(v, c71); c72 = w2.fma(v, c72);
            }
        }
        // Written out on purpose: a helper taking three FloatVectors per position boxed the vectors at the call,
        // which made the whole of MedMamba-T more than twice as slow.
        long row = (long) out * Float.BYTES;
        long l1 = (long) LANES * Float.BYTES;
        long l2 = 2 * l1;
        Activation act = activation;
        act.apply(c00).intoMemorySegment(dst, dstOff, ORDER);
        act.apply(c01).intoMemorySegment(dst, dstOff + l1, ORDER);
        act.apply(c02).intoMemorySegment(dst, dstOff + l2, ORDER);
        {
            long o = dstOff + row;
            act.apply(c10).intoMemorySegment(dst, o, ORDER);
            act.apply(c11).intoMemorySegment(dst, o + l1, ORDER);
            act.apply(c12).intoMemorySegment(dst, o + l2, ORDER);
        }
        {
            long o = dstOff + 2 * row;
            act.apply(c20).intoMemorySegment(dst, o, ORDER);
            act.apply(c21).intoMemorySegment(dst, o + l1, ORDER);
            act.apply(c22).intoMemorySegment(dst, o + l2, ORDER);
        }
        {
            long o = dstOff + 3 * row;
            act.apply(c30).intoMemorySegment(dst, o, ORDER);
            act.apply(c31).intoMemorySegment(dst, o + l1, ORDER);
            act.apply(c32).intoMemorySegment(dst, o + l2, ORDER);
        }
        {
            long o = dstOff + 4 * row;
            act.apply(c40).intoMemorySegment(dst, o, ORDER);
            act.apply(c41).intoMemorySegment(dst, o + l1, ORDER);
            act.apply(c42).intoMemorySegment(dst, o + l2, ORDER);
        }
        {
            long o = dstOff + 5 * row;
            act.apply(c50).intoMemorySegment(dst, o, ORDER);
            act.apply(c51).intoMemorySegment(dst, o + l1, ORDER);
            act.apply(c52).intoMemorySegment(dst, o + l2, ORDER);
        }
        {
            long o = dstOff + 6 * row;
            act.apply(c60).intoMemorySegment(dst, o, ORDER);
            act.apply(c61).intoMemorySegment(dst, o + l1, ORDER);
            act.apply(c62).intoMemorySegment(dst, o + l2, ORDER);
        }
        {
            long o = dstOff + 7 * row;
            act.apply(c70).intoMemorySegment(dst, o, ORDER);
            act.apply(c71).intoMemorySegment(dst, o + l1, ORDER);
            act.apply(c72).intoMemorySegment(dst, o + l2, ORDER);
        }
    }

    /** Eight positions × one output vector: the groups left when the outputs are not a multiple of three vectors. */
    private void block1(float[] x, int[] base, int pw, int wOffset, int oc, MemorySegment dst, long dstOff) {
        final int width = LANES;
        FloatVector b0 = FloatVector.fromArray(SPECIES, bias, oc);
        FloatVector c0 = b0, c1 = b0, c2 = b0, c3 = b0, c4 = b0, c5 = b0, c6 = b0, c7 = b0;
        final int n = in;
        MemorySegment wt = weights;
        final int k = kernel;
        final int run = k * n; // the k taps of a kernel row read one contiguous run of k·in samples
        final long step = (long) width * Float.BYTES;
        for (int ky = 0; ky < k; ky++) {
            int tapOff = ky * pw * n;
            int a0 = base[0] + tapOff, a1 = base[1] + tapOff, a2 = base[2] + tapOff, a3 = base[3] + tapOff;
            int a4 = base[4] + tapOff, a5 = base[5] + tapOff, a6 = base[6] + tapOff, a7 = base[7] + tapOff;
            long wb = ((long) wOffset + (long) ky * run * width) * Float.BYTES;
            for (int i = 0; i < run; i++, wb += step) {
                FloatVector w0 = FloatVector.fromMemorySegment(SPECIES, wt, wb, ORDER);
                c0 = w0.fma(FloatVector.broadcast(SPECIES, x[a0 + i]), c0);
                c1 = w0.fma(FloatVector.broadcast(SPECIES, x[a1 + i]), c1);
                c2 = w0.fma(FloatVector.broadcast(SPECIES, x[a2 + i]), c2);
                c3 = w0.fma(FloatVector.broadcast(SPECIES, x[a3 + i]), c3);
                c4 = w0.fma(FloatVector.broadcast(SPECIES, x[a4 + i]), c4);
                c5 = w0.fma(FloatVector.broadcast(SPECIES, x[a5 + i]), c5);
                c6 = w0.fma(FloatVector.broadcast(SPECIES, x[a6 + i]), c6);
                c7 = w0.fma(FloatVector.broadcast(SPECIES, x[a7 + i]), c7);
            }
        }
        long row = (long) out * Float.BYTES;
        Activation act = activation;
        act.apply(c0).intoMemorySegment(dst, dstOff, ORDER);
        act.apply(c1).intoMemorySegment(dst, dstOff + row, ORDER);
        act.apply(c2).intoMemorySegment(dst, dstOff + 2 * row, ORDER);
        act.apply(c3).intoMemorySegment(dst, dstOff + 3 * row, ORDER);
        act.apply(c4).intoMemorySegment(dst, dstOff + 4 * row, ORDER);
        act.apply(c5).intoMemorySegment(dst, dstOff + 5 * row, ORDER);
        act.apply(c6).intoMemorySegment(dst, dstOff + 6 * row, ORDER);
        act.apply(c7).intoMemorySegment(dst, dstOff + 7 * row, ORDER);
    }

    /** Frees the packed weights; later calls of {@link #apply} throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        synchronized (arena) {
            if (arena.scope().isAlive()) {
                arena.close();
            }
        }
    }
}
