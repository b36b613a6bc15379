package org.radmamba.inference.nn;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

import static org.radmamba.inference.nn.Kernels.FLOAT;
import static org.radmamba.inference.nn.Kernels.LANES;
import static org.radmamba.inference.nn.Kernels.ORDER;
import static org.radmamba.inference.nn.Kernels.SPECIES;

/**
 * A dense 2-d convolution on channels-last feature maps. 3×3 with padding 1 and 1×1, stride 1, with a multiple of
 * the vector length of outputs (MedMamba's conv branch) run the direct Vector API kernel {@link DirectConv}; other
 * shapes (the 4×4 stride-4 patch embeddings) run as im2col + one sgemm: the input patches become the rows
 * of a {@code (positions, k·k·in)} matrix (columns ordered ky, kx, channel, so each copy is a run of channels) that
 * multiplies the weight packed as {@code (out, k·k·in)}. ND4J's own conv2d is several times slower on these shapes.
 *
 * <p>Optionally an {@code inputNorm} (a BatchNorm that precedes the convolution in the network) is applied to the
 * input samples while gathering them: folding it into the weights instead would be wrong at the borders, where
 * PyTorch pads the normalised input with zeros. Bias and activation run in one pass after the product.
 */
public final class Conv2d implements AutoCloseable {

    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;
    /** The sgemm's weight {@code (out, k·k·in)} in native memory, or null when {@link #direct} holds the weights. */
    private final RowMatrix packedWeight;
    private final float[] bias;
    private final float[] inputScale;
    private final float[] inputShift;
    private final Activation activation;
    /** The direct kernel for 3×3 / padding 1 and 1×1, stride 1 (see {@link DirectConv}), or null: im2col + sgemm. */
    private final DirectConv direct;

    /** @param inputNorm a BatchNorm applied to the input before the convolution, or null */
    public Conv2d(ConvParams params, int stride, int padding, BatchNorm inputNorm, Activation activation) {
        this(params, stride, padding, inputNorm, activation, true);
    }

    /**
     * As the public constructor; {@code allowDirect = false} always takes im2col + sgemm (for tests that compare the
     * two). Only that path keeps the sgemm's packed weight: beside a direct kernel it would be a second copy of every
     * weight of MedMamba's conv branch (9 MB of native memory in MedMamba-T, 26 MB in -B).
     */
    Conv2d(ConvParams params, int stride, int padding, BatchNorm inputNorm, Activation activation, boolean allowDirect) {
        if (stride < 1 || padding < 0) {
            throw new IllegalArgumentException("stride must be positive and padding non-negative");
        }
        if (inputNorm != null && inputNorm.channels() != params.in()) {
            throw new IllegalArgumentException("a BatchNorm of " + inputNorm.channels() + " channels before a convolution with "
                    + params.in() + " inputs");
        }
        this.in = params.in();
        this.out = params.out();
        this.kernel = params.kernel();
        this.stride = stride;
        this.padding = padding;
        this.bias = params.bias().clone();
        this.inputScale = inputNorm == null ? null : inputNorm.scale();
        this.inputShift = inputNorm == null ? null : inputNorm.shift();
        this.activation = activation;
        this.direct = allowDirect && DirectConv.supports(kernel, stride, padding, out)
                ? new DirectConv(in, out, kernel, params.weight(), params.bias(), inputScale, inputShift, activation)
                : null;
        this.packedWeight = direct == null ? packForGemm(params.weight()) : null;
    }

    /** PyTorch's {@code (out, in, k, k)} as the sgemm's {@code (out, k·k·in)}, in native memory. */
    private RowMatrix packForGemm(float[] weight) {
        int kk = kernel * kernel;
        float[] packed = new float[out * kk * in];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int t = 0; t < kk; t++) {
                    packed[(o * kk + t) * in + i] = weight[(o * in + i) * kk + t];
                }
            }
        }
        return RowMatrix.detached(packed, out, kk * in);
    }

    public int outChannels() {
        return out;
    }

    /** The output size along a dimension of {@code size} input samples. */
    public int outputSize(int size) {
        return (size + 2 * padding - kernel) / stride + 1;
    }

    /** Convolves channels {@code channelOffset .. channelOffset+in} of {@code x}. */
    public FeatureMap apply(FeatureMap x, int channelOffset, Parallel parallel) {
        if (channelOffset < 0 || channelOffset + in > x.channels()) {
            throw new IllegalArgumentException("a convolution of " + in + " input channels cannot read channels "
                    + channelOffset + ".. of a map with " + x.channels());
        }
        int oh = outputSize(x.height());
        int ow = outputSize(x.width());
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("a " + x.height() + "x" + x.width() + " map is smaller than the "
                    + kernel + "x" + kernel + " kernel");
        }
        if (direct != null) {
            return direct.apply(x, channelOffset, parallel);
        }
        boolean pointwise = kernel == 1 && stride == 1 && padding == 0 && inputScale == null
                && channelOffset == 0 && in == x.channels();
        RowMatrix patches = pointwise ? x.data() : im2col(x, channelOffset, oh, ow, parallel);
        RowMatrix y = Gemm.product(patches, false, packedWeight, true, parallel);
        Kernels.biasActivation(y, bias, activation, parallel);
        return new FeatureMap(x.batch(), oh, ow, y);
    }

    private RowMatrix im2col(FeatureMap x, int channelOffset, int oh, int ow, Parallel parallel) {
        int kk = kernel * kernel;
        int rowLen = kk * in;
        RowMatrix col = RowMatrix.allocate(x.batch() * oh * ow, rowLen);
        MemorySegment src = x.data().segment();
        MemorySegment dst = col.segment();
        int h = x.height();
        int w = x.width();
        int c = x.channels();
        parallel.forRange(x.batch() * oh, 1, (from, to) -> {
            for (int bo = from; bo < to; bo++) {
                int b = bo / oh;
                int oy = bo % oh;
                for (int ox = 0; ox < ow; ox++) {
                    long dstRow = ((long) bo * ow + ox) * rowLen;
                    for (int ky = 0; ky < kernel; ky++) {
                        int iy = oy * stride - padding + ky;
                        for (int kx = 0; kx < kernel; kx++) {
                            int ix = ox * stride - padding + kx;
                            long dstOff = (dstRow + (long) (ky * kernel + kx) * in) * Float.BYTES;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                dst.asSlice(dstOff, (long) in * Float.BYTES).fill((byte) 0);
                            } else {
                                long srcOff = ((((long) b * h + iy) * w + ix) * c + channelOffset) * Float.BYTES;
                                copyChannels(src, srcOff, dst, dstOff);
                            }
                        }
                    }
                }
            }
        });
        return col;
    }

    private void copyChannels(MemorySegment src, long srcOff, MemorySegment dst, long dstOff) {
        if (inputScale == null) {
            MemorySegment.copy(src, srcOff, dst, dstOff, (long) in * Float.BYTES);
            return;
        }
        int bound = SPECIES.loopBound(in);
        int i = 0;
        for (; i < bound; i += LANES) {
            long o = (long) i * Float.BYTES;
            FloatVector.fromMemorySegment(SPECIES, src, srcOff + o, ORDER)
                    .fma(FloatVector.fromArray(SPECIES, inputScale, i), FloatVector.fromArray(SPECIES, inputShift, i))
                    .intoMemorySegment(dst, dstOff + o, ORDER);
        }
        for (; i < in; i++) {
            long o = (long) i * Float.BYTES;
            dst.set(FLOAT, dstOff + o, src.get(FLOAT, srcOff + o) * inputScale[i] + inputShift[i]);
        }
    }

    @Override
    public void close() {
        if (packedWeight != null) {
            packedWeight.close();
        }
        if (direct != null) {
            direct.close();
        }
    }
}
