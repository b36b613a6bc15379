package org.radmamba.viewer.dicom.codec.jpeg2000;

import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.Band;
import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.CodeBlock;
import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.Component;
import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.Precinct;
import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.Resolution;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * Decodes a JPEG 2000 Part 1 code stream (raw, or inside a JP2 file), with HTJ2K code-blocks handed to
 * {@link HtBlockDecoder}, to exactly the samples OpenJPEG 2.5's {@code opj_decompress} produces: the pipeline of
 * OpenJPEG's j2k.c/tcd.c (BSD-2-Clause, Université catholique de Louvain and contributors) — tier-2, tier-1,
 * dequantisation, inverse 5/3 or 9/7 wavelet, inverse RCT/ICT, DC level shift and clamping to the precision.
 *
 * <p>Every loop is bounded by the data or by sizes checked against the caller's {@link Jpeg2000Limits}, so a damaged
 * or hostile stream either decodes as far as its data go (as OpenJPEG does) or fails with a one-sentence
 * {@link Jpeg2000Exception}. Large tiles decode their code-blocks in parallel on the common fork-join pool.
 */
public final class Jpeg2000Reader {

    /** Below this many samples in a tile, code-blocks are decoded on the calling thread. */
    private static final int PARALLEL_THRESHOLD = 128 * 128;

    private static final ThreadLocal<BlockDecoder> DECODERS = ThreadLocal.withInitial(BlockDecoder::new);

    private Jpeg2000Reader() {
    }

    public static Jpeg2000Image decode(byte[] data, Jpeg2000Limits limits) throws Jpeg2000Exception {
        return decode(data, 0, data.length, limits);
    }

    public static Jpeg2000Image decode(byte[] data, int offset, int length, Jpeg2000Limits limits)
            throws Jpeg2000Exception {
        Codestream cs = Codestream.parse(data, offset, length, limits);
        int n = cs.numComponents;
        int[][] samples = new int[n][];
        int[] widths = new int[n];
        int[] heights = new int[n];
        for (int c = 0; c < n; c++) {
            widths[c] = TileStructure.ceilDiv(cs.x1, cs.dx[c]) - TileStructure.ceilDiv(cs.x0, cs.dx[c]);
            heights[c] = TileStructure.ceilDiv(cs.y1, cs.dy[c]) - TileStructure.ceilDiv(cs.y0, cs.dy[c]);
            samples[c] = new int[Math.multiplyExact(widths[c], heights[c])];
        }
        boolean mctUndone = false;
        boolean complete = !cs.truncated;
        for (int t = 0; t < cs.tiles.length; t++) {
            TileCoding tcp = cs.tiles[t];
            if (tcp == null) {
                complete = false;
                continue; // no tile-part of this tile in the stream: its samples stay 0, as OpenJPEG leaves them
            }
            int flags = decodeTile(cs, tcp, t, samples, widths);
            mctUndone |= (flags & MCT_UNDONE) != 0;
            complete &= (flags & RAN_OUT) == 0;
        }
        return new Jpeg2000Image(cs.x1 - cs.x0, cs.y1 - cs.y0, samples, widths, heights, cs.precision.clone(),
                cs.signed.clone(), mctUndone, complete);
    }

    private record Job(CodeBlock block, Band band, int orient, int compno, int destX, int destY) {
    }

    private static final int MCT_UNDONE = 1;
    private static final int RAN_OUT = 2;

    private static int decodeTile(Codestream cs, TileCoding tcp, int tileIndex, int[][] out, int[] widths)
            throws Jpeg2000Exception {
        TileStructure tile = new TileStructure(cs, tcp, tileIndex);
        Tier2 t2 = new Tier2(tile, tcp, cs.dx, cs.dy);
        t2.decodePackets();
        int numcomps = tile.components.length;
        int[][] intData = new int[numcomps][];
        float[][] floatData = new float[numcomps][];
        int[] strides = new int[numcomps];
        List<Job> jobs = new ArrayList<>();
        long samples = 0;
        for (int c = 0; c < numcomps; c++) {
            Component comp = tile.components[c];
            int w = comp.x1 - comp.x0;
            int h = comp.y1 - comp.y0;
            strides[c] = w;
            samples += (long) w * h;
            if (comp.style.transform == 1) {
                intData[c] = new int[w * h];
            } else {
                floatData[c] = new float[w * h];
            }
            for (int r = 0; r < comp.resolutions.length; r++) {
                Resolution res = comp.resolutions[r];
                for (Band band : res.bands) {
                    if (band.isEmpty()) {
                        continue;
                    }
                    for (Precinct prc : band.precincts) {
                        for (CodeBlock cb : prc.blocks) {
                            if (cb.x1 <= cb.x0 || cb.y1 <= cb.y0) {
                                continue;
                            }
                            int x = cb.x0 - band.x0;
                            int y = cb.y0 - band.y0;
                            if ((band.bandno & 1) != 0) {
                                Resolution pres = comp.resolutions[r - 1];
                                x += pres.x1 - pres.x0;
                            }
                            if ((band.bandno & 2) != 0) {
                                Resolution pres = comp.resolutions[r - 1];
                                y += pres.y1 - pres.y0;
                            }
                            jobs.add(new Job(cb, band, band.bandno, c, x, y));
                        }
                    }
                }
            }
        }
        byte[] tileData = t2.data;
        AtomicReference<Jpeg2000Exception> failure = new AtomicReference<>();
        IntStream indices = IntStream.range(0, jobs.size());
        if (samples >= PARALLEL_THRESHOLD && jobs.size() > 1) {
            indices = indices.parallel();
        }
        indices.forEach(i -> {
            if (failure.get() != null) {
                return;
            }
            Job job = jobs.get(i);
            try {
                decodeBlock(job, tile.components[job.compno()].style, tileData, intData[job.compno()],
                        floatData[job.compno()], strides[job.compno()], tileIndex);
            } catch (Jpeg2000Exception e) {
                failure.compareAndSet(null, e);
            }
        });
        if (failure.get() != null) {
            throw failure.get();
        }
        IntStream comps = IntStream.range(0, numcomps);
        if (samples >= PARALLEL_THRESHOLD && numcomps > 1) {
            comps = comps.parallel();
        }
        comps.forEach(c -> {
            Component comp = tile.components[c];
            if (intData[c] != null) {
                InverseWavelet.decode53(intData[c], strides[c], comp.resolutions);
            } else {
                InverseWavelet.decode97(floatData[c], strides[c], comp.resolutions);
            }
        });
        boolean mct = false;
        if (tcp.mct == 1 && numcomps >= 3) {
            mct = true;
            Component c0 = tile.components[0];
            for (int c = 1; c < 3; c++) {
                Component ci = tile.components[c];
                if (ci.x1 - ci.x0 != c0.x1 - c0.x0 || ci.y1 - ci.y0 != c0.y1 - c0.y0
                        || ci.style.transform != c0.style.transform) {
                    throw new Jpeg2000Exception("JPEG 2000 tile " + tileIndex
                            + " applies a component transform to components of different sizes or wavelets");
                }
            }
            if (c0.style.transform == 1) {
                inverseRct(intData[0], intData[1], intData[2]);
            } else {
                inverseIct(floatData[0], floatData[1], floatData[2]);
            }
        }
        for (int c = 0; c < numcomps; c++) {
            Component comp = tile.components[c];
            int w = comp.x1 - comp.x0;
            int h = comp.y1 - comp.y0;
            int prec = cs.precision[c];
            int min;
            int max;
            if (cs.signed[c]) {
                min = -(1 << (prec - 1));
                max = (1 << (prec - 1)) - 1;
            } else {
                min = 0;
                max = (int) ((1L << prec) - 1);
            }
            int shift = cs.signed[c] ? 0 : 1 << (prec - 1);
            int compX0 = TileStructure.ceilDiv(cs.x0, cs.dx[c]);
            int compY0 = TileStructure.ceilDiv(cs.y0, cs.dy[c]);
            int[] dest = out[c];
            int destStride = widths[c];
            for (int y = 0; y < h; y++) {
                int d = (comp.y0 - compY0 + y) * destStride + (comp.x0 - compX0);
                int s = y * w;
                if (intData[c] != null) {
                    int[] src = intData[c];
                    for (int x = 0; x < w; x++) {
                        long v = (long) src[s + x] + shift;
                        dest[d + x] = (int) Math.max(min, Math.min(max, v));
                    }
                } else {
                    float[] src = floatData[c];
                    for (int x = 0; x < w; x++) {
                        float f = src[s + x];
                        int v;
                        if (f > (float) Integer.MAX_VALUE) {
                            v = max;
                        } else if (f < Integer.MIN_VALUE) {
                            v = min;
                        } else {
                            long r = (long) Math.rint(f) + shift;
                            v = (int) Math.max(min, Math.min(max, r));
                        }
                        dest[d + x] = v;
                    }
                }
            }
        }
        return (mct ? MCT_UNDONE : 0) | (t2.ranOutOfData ? RAN_OUT : 0);
    }

    private static void decodeBlock(Job job, CodingStyle style, byte[] tileData, int[] intTile, float[] floatTile,
            int stride, int tileIndex) throws Jpeg2000Exception {
        BlockDecoder t1 = DECODERS.get();
        if (!t1.decode(job.block(), tileData, job.orient(), style.roiShift, style.codeBlockStyle)) {
            throw new Jpeg2000Exception("JPEG 2000 tile " + tileIndex
                    + " has a code-block with more than 30 bit planes; it cannot be decoded");
        }
        int[] d = t1.data();
        int w = t1.width();
        int h = t1.height();
        int base = job.destY() * stride + job.destX();
        if (intTile != null) {
            for (int j = 0; j < h; j++) {
                int row = base + j * stride;
                int src = j * w;
                for (int i = 0; i < w; i++) {
                    intTile[row + i] = d[src + i] / 2;
                }
            }
        } else {
            float step = 0.5f * job.band().stepsize;
            for (int j = 0; j < h; j++) {
                int row = base + j * stride;
                int src = j * w;
                for (int i = 0; i < w; i++) {
                    floatTile[row + i] = (float) d[src + i] * step;
                }
            }
        }
    }

    private static void inverseRct(int[] c0, int[] c1, int[] c2) {
        for (int i = 0; i < c0.length; i++) {
            int y = c0[i];
            int u = c1[i];
            int v = c2[i];
            int g = y - ((u + v) >> 2);
            int r = v + g;
            int b = u + g;
            c0[i] = r;
            c1[i] = g;
            c2[i] = b;
        }
    }

    private static void inverseIct(float[] c0, float[] c1, float[] c2) {
        for (int i = 0; i < c0.length; i++) {
            float y = c0[i];
            float u = c1[i];
            float v = c2[i];
            float r = y + (v * 1.402f);
            float g = y - (u * 0.34413f) - (v * 0.71414f);
            float b = y + (u * 1.772f);
            c0[i] = r;
            c1[i] = g;
            c2[i] = b;
        }
    }
}
