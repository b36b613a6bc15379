package org.radmamba.inference.cuda;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Executes a {@link ForwardPlan} on the CPU, kernel by kernel, with the semantics network.cu gives each kernel
 * (float32, written from the .cu file's comments, not from the CPU engine): a test of the plan's wiring (buffers,
 * offsets, strides, modes) and of the packed weights against the goldens on a machine without a GPU.
 */
final class PlanInterpreter {

    private final Map<DeviceBuffer, float[]> buffers = new EnumMap<>(DeviceBuffer.class);

    PlanInterpreter(ForwardPlan plan, float[] weights) {
        for (var e : plan.bufferFloats().entrySet()) {
            float[] b = new float[Math.toIntExact(e.getValue())];
            java.util.Arrays.fill(b, Float.NaN); // unwritten reads show as NaN in the output
            buffers.put(e.getKey(), b);
        }
        buffers.put(DeviceBuffer.WEIGHTS, weights);
    }

    float[] run(ForwardPlan plan, float[] input) {
        System.arraycopy(input, 0, buffers.get(DeviceBuffer.INPUT), 0, input.length);
        for (KernelCall call : plan.calls()) {
            execute(call);
        }
        return java.util.Arrays.copyOf(buffers.get(DeviceBuffer.OUTPUT), plan.outputFloats());
    }

    /** An argument resolved: the array and the offset into it. */
    private record Ref(float[] array, int offset) {
        float get(long i) {
            return array[Math.toIntExact(offset + i)];
        }

        void set(long i, float v) {
            array[Math.toIntExact(offset + i)] = v;
        }
    }

    private Ref ref(Object arg) {
        KernelCall.Ptr p = (KernelCall.Ptr) arg;
        return p.isNull() ? null : new Ref(buffers.get(p.buffer()), Math.toIntExact(p.offset()));
    }

    private static int i(List<Object> a, int index) {
        return (Integer) a.get(index);
    }

    private void execute(KernelCall call) {
        List<Object> a = call.args();
        switch (call.kernel()) {
            case "gemm_nt", "gemm_nt_tf32" -> gemm(i(a, 0), i(a, 1), i(a, 2), ref(a.get(3)), i(a, 4), i(a, 5),
                    i(a, 6), i(a, 7), i(a, 8), i(a, 9), i(a, 10), i(a, 11), ref(a.get(12)), ref(a.get(13)),
                    ref(a.get(14)), ref(a.get(15)), i(a, 16), ref(a.get(17)), i(a, 18), i(a, 19), i(a, 20),
                    ref(a.get(21)), ref(a.get(22)), i(a, 23), call.gridZ(), call.kernel().equals("gemm_nt_tf32"));
            case "splitk_epilogue" -> {
                int m = i(a, 0);
                int n = i(a, 1);
                int splits = i(a, 2);
                Ref partial = ref(a.get(3));
                Ref bias = ref(a.get(4));
                int act = i(a, 5);
                Ref c = ref(a.get(6));
                int ldc = i(a, 7);
                int cOff = i(a, 8);
                int cStride = i(a, 9);
                Ref res = ref(a.get(10));
                for (int mi = 0; mi < m; mi++) {
                    for (int ni = 0; ni < n; ni++) {
                        float sum = 0;
                        for (int z = 0; z < splits; z++) {
                            sum += partial.get(((long) z * m + mi) * n + ni);
                        }
                        epilogue(sum, bias, act, ni, mi, c, ldc, cOff, cStride, res);
                    }
                }
            }
            case "layernorm_rows" -> {
                int rows = i(a, 0);
                int dim = i(a, 1);
                Ref in = ref(a.get(2));
                int ldi = i(a, 3);
                int off = i(a, 4);
                Ref g = ref(a.get(5));
                Ref b = ref(a.get(6));
                float eps = (Float) a.get(7);
                Ref out = ref(a.get(8));
                int ldo = i(a, 9);
                float[] row = new float[dim];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < dim; c++) {
                        row[c] = in.get((long) r * ldi + off + c);
                    }
                    normalise(row, g, b, eps);
                    for (int c = 0; c < dim; c++) {
                        out.set((long) r * ldo + c, row[c]);
                    }
                }
            }
            case "merge_norm" -> {
                int batch = i(a, 0);
                int h = i(a, 1);
                int w = i(a, 2);
                int ch = i(a, 3);
                Ref in = ref(a.get(4));
                Ref g = ref(a.get(5));
                Ref b = ref(a.get(6));
                float eps = (Float) a.get(7);
                Ref out = ref(a.get(8));
                int[][] order = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
                float[] row = new float[4 * ch];
                int r = 0;
                for (int bi = 0; bi < batch; bi++) {
                    for (int y = 0; y < h / 2; y++) {
                        for (int x = 0; x < w / 2; x++, r++) {
                            for (int part = 0; part < 4; part++) {
                                long pos = ((long) bi * h + 2 * y + order[part][0]) * w + 2 * x + order[part][1];
                                for (int c = 0; c < ch; c++) {
                                    row[part * ch + c] = in.get(pos * ch + c);
                                }
                            }
                            normalise(row, g, b, eps);
                            for (int c = 0; c < 4 * ch; c++) {
                                out.set((long) r * 4 * ch + c, row[c]);
                            }
                        }
                    }
                }
            }
            case "depthwise_silu" -> {
                int batch = i(a, 0);
                int h = i(a, 1);
                int w = i(a, 2);
                int ch = i(a, 3);
                int k = i(a, 4);
                Ref xz = ref(a.get(5));
                int ldx = i(a, 6);
                Ref wt = ref(a.get(7));
                Ref bias = ref(a.get(8));
                Ref u = ref(a.get(9));
                int pad = (k - 1) / 2;
                for (int b = 0; b < batch; b++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            for (int c = 0; c < ch; c++) {
                                float acc = bias.get(c);
                                for (int ky = 0; ky < k; ky++) {
                                    for (int kx = 0; kx < k; kx++) {
                                        int iy = y + ky - pad;
                                        int ix = x + kx - pad;
                                        if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                            acc += wt.get((ky * k + kx) * ch + c)
                                                    * xz.get((((long) b * h + iy) * w + ix) * ldx + c);
                                        }
                                    }
                                }
                                u.set((((long) b * h + y) * w + x) * ch + c, silu(acc));
                            }
                        }
                    }
                }
            }
            case "scan_chunk_state_r4", "scan_chunk_state_r8", "scan_chunk_state_r16", "scan_chunk_state_r32",
                 "scan_chunk_state_r64" -> scanChunks(a, call.gridY(), false);
            case "scan_chunk_out_r4", "scan_chunk_out_r8", "scan_chunk_out_r16", "scan_chunk_out_r32",
                 "scan_chunk_out_r64" -> scanChunks(a, call.gridY(), true);
            case "scan_chunk_carry" -> {
                int batch = i(a, 0);
                int dInner = i(a, 1);
                int chunks = i(a, 2);
                Ref aNeg = ref(a.get(3));
                Ref carry = ref(a.get(4));
                int n = ScanChunking.STATES;
                for (int bk = 0; bk < 4 * batch; bk++) {
                    for (int s = 0; s < n; s++) {
                        for (int c = 0; c < dInner; c++) {
                            float a2 = aNeg.get(((long) (bk % 4) * dInner + c) * n + s);
                            float state = 0;
                            for (int j = 0; j < chunks; j++) {
                                long base = ((long) bk * chunks + j) * (n + 1) * dInner + c;
                                if (j == chunks - 1) {
                                    carry.set(base + (long) s * dInner, state);
                                    break;
                                }
                                float end = carry.get(base + (long) s * dInner);
                                float sumDt = carry.get(base + (long) n * dInner);
                                carry.set(base + (long) s * dInner, state);
                                state = (float) Math.exp(sumDt * a2) * state + end;
                            }
                        }
                    }
                }
            }
            case "cross_scan" -> crossScan(i(a, 0), i(a, 1), i(a, 2), i(a, 3), i(a, 4), i(a, 5), ref(a.get(6)),
                    ref(a.get(7)), ref(a.get(8)), ref(a.get(9)), ref(a.get(10)), ref(a.get(11)), ref(a.get(12)));
            case "out_norm_gate" -> {
                int rows = i(a, 0);
                int dim = i(a, 1);
                Ref ys = ref(a.get(2));
                Ref g = ref(a.get(3));
                Ref b = ref(a.get(4));
                float eps = (Float) a.get(5);
                Ref xz = ref(a.get(6));
                int ldz = i(a, 7);
                int zOff = i(a, 8);
                Ref out = ref(a.get(9));
                long plane = (long) rows * dim;
                float[] row = new float[dim];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < dim; c++) {
                        long at = (long) r * dim + c;
                        row[c] = ys.get(at) + ys.get(plane + at) + ys.get(2 * plane + at) + ys.get(3 * plane + at);
                    }
                    normalise(row, g, b, eps);
                    for (int c = 0; c < dim; c++) {
                        out.set((long) r * dim + c, row[c] * silu(xz.get((long) r * ldz + zOff + c)));
                    }
                }
            }
            case "add_inplace" -> {
                long count = (Long) a.get(0);
                Ref x = ref(a.get(1));
                Ref y = ref(a.get(2));
                for (long j = 0; j < count; j++) {
                    x.set(j, x.get(j) + y.get(j));
                }
            }
            case "expand_norm" -> {
                int batch = i(a, 0);
                int h = i(a, 1);
                int w = i(a, 2);
                int scale = i(a, 3);
                int ch = i(a, 4);
                Ref in = ref(a.get(5));
                Ref g = ref(a.get(6));
                Ref b = ref(a.get(7));
                float eps = (Float) a.get(8);
                Ref out = ref(a.get(9));
                int oh = h * scale;
                int ow = w * scale;
                float[] row = new float[ch];
                for (int bi = 0; bi < batch; bi++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int part = oy % scale * scale + ox % scale;
                            long src = (((long) bi * h + oy / scale) * w + ox / scale) * scale * scale * ch
                                    + (long) part * ch;
                            for (int c = 0; c < ch; c++) {
                                row[c] = in.get(src + c);
                            }
                            normalise(row, g, b, eps);
                            long dst = (((long) bi * oh + oy) * ow + ox) * ch;
                            for (int c = 0; c < ch; c++) {
                                out.set(dst + c, row[c]);
                            }
                        }
                    }
                }
            }
            case "head_nchw" -> {
                int batch = i(a, 0);
                int pixels = i(a, 1);
                int in = i(a, 2);
                int classes = i(a, 3);
                Ref x = ref(a.get(4));
                Ref wt = ref(a.get(5));
                Ref bias = ref(a.get(6));
                boolean sigmoid = i(a, 7) != 0;
                Ref out = ref(a.get(8));
                for (long r = 0; r < (long) batch * pixels; r++) {
                    for (int k = 0; k < classes; k++) {
                        float acc = bias.get(k);
                        for (int c = 0; c < in; c++) {
                            acc += wt.get((long) k * in + c) * x.get(r * in + c);
                        }
                        long b = r / pixels;
                        out.set((b * classes + k) * pixels + r % pixels,
                                sigmoid ? (float) (1 / (1 + Math.exp(-acc))) : acc);
                    }
                }
            }
            case "avgpool" -> {
                int batch = i(a, 0);
                int length = i(a, 1);
                int ch = i(a, 2);
                Ref x = ref(a.get(3));
                Ref pooled = ref(a.get(4));
                for (int b = 0; b < batch; b++) {
                    for (int c = 0; c < ch; c++) {
                        double sum = 0;
                        for (int p = 0; p < length; p++) {
                            sum += x.get(((long) b * length + p) * ch + c);
                        }
                        pooled.set((long) b * ch + c, (float) (sum / length));
                    }
                }
            }
            default -> throw new IllegalStateException("no interpretation of " + call.kernel());
        }
    }

    @SuppressWarnings("checkstyle:ParameterNumber")
    private static void gemm(int m, int n, int k, Ref a, int lda, int mode, int h, int w, int cin, int p, int oh,
                             int ow, Ref inScale, Ref inShift, Ref wt, Ref bias, int act, Ref c, int ldc, int cOff,
                             int cStride, Ref res, Ref partial, int kChunk, int splits, boolean tf32) {
        float[] row = new float[k];
        Ref weights = tf32 ? new Ref(tf32Copy(wt, (long) n * k), 0) : wt;
        for (int mi = 0; mi < m; mi++) {
            for (int kk = 0; kk < k; kk++) {
                float v = gather(a, mode, mi, kk, lda, inScale, inShift, h, w, cin, p, oh, ow);
                row[kk] = tf32 ? toTf32(v) : v;
            }
            for (int ni = 0; ni < n; ni++) {
                if (partial != null) {
                    // split K: block z sums its chunk and writes the raw sum; splitk_epilogue finishes
                    for (int z = 0; z < splits; z++) {
                        float acc = 0;
                        for (int kk = z * kChunk; kk < Math.min(k, (z + 1) * kChunk); kk++) {
                            acc += row[kk] * weights.get((long) ni * k + kk);
                        }
                        partial.set(((long) z * m + mi) * n + ni, acc);
                    }
                    continue;
                }
                float acc = 0;
                for (int kk = 0; kk < k; kk++) {
                    acc += row[kk] * weights.get((long) ni * k + kk);
                }
                epilogue(acc, bias, act, ni, mi, c, ldc, cOff, cStride, res);
            }
        }
    }

    /** gemm_nt_tf32's operand rounding (cvt.rna.tf32.f32): 10 mantissa bits, to nearest, ties away from zero. */
    static float toTf32(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7f800000) == 0x7f800000) {
            return x;
        }
        return Float.intBitsToFloat((bits + 0x1000) & 0xffffe000);
    }

    private static float[] tf32Copy(Ref wt, long count) {
        float[] out = new float[Math.toIntExact(count)];
        for (int i = 0; i < out.length; i++) {
            out[i] = toTf32(wt.get(i));
        }
        return out;
    }

    private static void epilogue(float sum, Ref bias, int act, int ni, int mi, Ref c, int ldc, int cOff, int cStride,
                                 Ref res) {
        float v = sum + (bias == null ? 0 : bias.get(ni));
        if (act == 1) {
            v = Math.max(v, 0);
        }
        long idx = (long) mi * ldc + cOff + (long) ni * cStride;
        c.set(idx, res == null ? v : res.get(idx) + v);
    }

    private static float gather(Ref a, int mode, int m, int k, int lda, Ref inScale, Ref inShift, int h, int w,
                                int cin, int p, int oh, int ow) {
        if (mode == 0) {
            return a.get((long) m * lda + k);
        }
        if (mode == 1) {
            int tap = k / cin;
            int ci = k % cin;
            int b = m / (h * w);
            int y = m % (h * w) / w + tap / 3 - 1;
            int x = m % w + tap % 3 - 1;
            if (y < 0 || y >= h || x < 0 || x >= w) {
                return 0;
            }
            float v = a.get((((long) b * h + y) * w + x) * lda + ci);
            return inScale == null ? v : v * inScale.get(ci) + inShift.get(ci);
        }
        int ci = k / (p * p);
        int ky = k % (p * p) / p;
        int kx = k % p;
        int b = m / (oh * ow);
        int py = m % (oh * ow) / ow;
        int px = m % ow;
        return a.get((((long) b * cin + (ci < cin ? ci : 0)) * h + py * p + ky) * w + px * p + kx);
    }

    /**
     * The chunked scan's passes as network.cu's scanChunk computes them (a2 = A, exp rather than exp2 of A·log2e):
     * {@code out == false} writes chunk j's end state from zero and sum(delta) for j < gridY; {@code out} walks
     * every chunk from its entering state (zero with one chunk) and writes y.
     */
    private void scanChunks(List<Object> a, int gridY, boolean out) {
        int batch = i(a, 0);
        int h = i(a, 1);
        int w = i(a, 2);
        int dInner = i(a, 3);
        int rank = i(a, 4);
        int chunkLen = i(a, 5);
        int chunks = i(a, 6);
        Ref u = ref(a.get(7));
        Ref xdbl = ref(a.get(8));
        Ref dtW = ref(a.get(9));
        Ref dtBias = ref(a.get(10));
        Ref aNeg = ref(a.get(11));
        Ref ds = ref(a.get(12));
        Ref ys = ref(a.get(13));
        Ref carry = ref(a.get(14));
        int n = ScanChunking.STATES;
        int length = h * w;
        int width = rank + 2 * n;
        float[] hs = new float[n];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < 4; k++) {
                for (int chunk = 0; chunk < gridY; chunk++) {
                    for (int c = 0; c < dInner; c++) {
                        int kc = k * dInner + c;
                        long carryBase = ((long) (b * 4 + k) * chunks + chunk) * (n + 1) * dInner + c;
                        for (int s = 0; s < n; s++) {
                            hs[s] = out && chunks > 1 ? carry.get(carryBase + (long) s * dInner) : 0;
                        }
                        float sumDt = 0;
                        for (int t = chunk * chunkLen; t < Math.min(length, (chunk + 1) * chunkLen); t++) {
                            int tt = k >= 2 ? length - 1 - t : t;
                            int p = k == 0 || k == 2 ? tt : tt % h * w + tt / h;
                            long row = ((long) b * length + p) * 4 * width + (long) k * width;
                            float dt = dtBias.get(kc);
                            for (int r = 0; r < rank; r++) {
                                dt += dtW.get((long) kc * rank + r) * xdbl.get(row + r);
                            }
                            dt = dt > 20 ? dt : (float) Math.log1p(Math.exp(dt));
                            sumDt += dt;
                            float uv = u.get(((long) b * length + p) * dInner + c);
                            float[] y = new float[4]; // the kernel's four partial sums over the states
                            for (int s = 0; s < n; s++) {
                                float decay = (float) Math.exp(dt * aNeg.get((long) kc * n + s));
                                hs[s] = decay * hs[s] + dt * uv * xdbl.get(row + rank + s);
                                y[s & 3] += hs[s] * xdbl.get(row + rank + n + s);
                            }
                            if (out) {
                                ys.set(((long) k * batch + b) * length * dInner + (long) p * dInner + c,
                                        ds.get(kc) * uv + ((y[0] + y[1]) + (y[2] + y[3])));
                            }
                        }
                        if (!out) {
                            for (int s = 0; s < n; s++) {
                                carry.set(carryBase + (long) s * dInner, hs[s]);
                            }
                            carry.set(carryBase + (long) n * dInner, sumDt);
                        }
                    }
                }
            }
        }
    }

    @SuppressWarnings("checkstyle:ParameterNumber")
    private static void crossScan(int batch, int h, int w, int dInner, int n, int rank, Ref u, Ref xdbl, Ref dtW,
                                  Ref dtBias, Ref aNeg, Ref ds, Ref ys) {
        int length = h * w;
        int width = 4 * (rank + 2 * n);
        double[] state = new double[n];
        for (int k = 0; k < 4; k++) {
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < dInner; c++) {
                    java.util.Arrays.fill(state, 0);
                    int kc = k * dInner + c;
                    for (int t = 0; t < length; t++) {
                        int tt = k >= 2 ? length - 1 - t : t;
                        int pos = k == 0 || k == 2 ? tt : (tt % h) * w + tt / h;
                        long row = ((long) b * length + pos) * width + (long) k * (rank + 2 * n);
                        float dt = dtBias.get(kc);
                        for (int r = 0; r < rank; r++) {
                            dt += dtW.get((long) kc * rank + r) * xdbl.get(row + r);
                        }
                        dt = dt > 20 ? dt : (float) Math.log1p(Math.exp(dt));
                        float uv = u.get(((long) b * length + pos) * dInner + c);
                        float y = 0;
                        for (int s = 0; s < n; s++) {
                            state[s] = (float) (Math.exp(dt * aNeg.get((long) kc * n + s)) * state[s]
                                    + dt * xdbl.get(row + rank + s) * uv);
                            y += (float) state[s] * xdbl.get(row + rank + n + s);
                        }
                        ys.set(((long) k * batch * length + (long) b * length + pos) * dInner + c, y + ds.get(kc) * uv);
                    }
                }
            }
        }
    }

    private static void normalise(float[] row, Ref g, Ref b, float eps) {
        int dim = row.length;
        float sum = 0;
        for (float v : row) {
            sum += v;
        }
        float mean = sum / dim;
        float q = 0;
        for (float v : row) {
            q += (v - mean) * (v - mean);
        }
        float rstd = (float) (1 / Math.sqrt(q / dim + eps));
        for (int c = 0; c < dim; c++) {
            row[c] = (row[c] - mean) * rstd * g.get(c) + b.get(c);
        }
    }

    private static float silu(float v) {
        return (float) (v / (1 + Math.exp(-v)));
    }
}
