package org.radmamba.viewer.dicom.codec.jpeg2000;

import org.radmamba.viewer.dicom.codec.jpeg2000.TileStructure.Resolution;

/**
 * Inverse discrete wavelet transforms of one tile-component, in place on OpenJPEG's layout (each resolution's
 * low-pass part in the top-left corner), ported from OpenJPEG 2.5's dwt.c (BSD-2-Clause, Université catholique de
 * Louvain and contributors): the reversible 5/3 in integers, and the irreversible 9/7 in single-precision floats
 * with OpenJPEG's lifting constants, its {@code two_invK} scaling and its operation order (rows first, then
 * columns; each lifting step {@code w + (l + r) * c}), so that results match opj_decompress bit for bit.
 */
final class InverseWavelet {

    private static final float ALPHA = -1.586134342f;
    private static final float BETA = -0.052980118f;
    private static final float GAMMA = 0.882911075f;
    private static final float DELTA = 0.443506852f;
    private static final float K = 1.230174105f;
    /** OpenJPEG's historic 2/K value (BUG_WEIRD_TWO_INVK), compensated for in the sub-band step sizes. */
    private static final float TWO_INVK = 1.625732422f;

    private InverseWavelet() {
    }

    static void decode53(int[] tile, int stride, Resolution[] res) {
        int maxLen = 0;
        for (Resolution r : res) {
            maxLen = Math.max(maxLen, Math.max(r.x1 - r.x0, r.y1 - r.y0));
        }
        int[] line = new int[maxLen];
        int[] columns = new int[maxLen * COLUMNS];
        for (int level = 1; level < res.length; level++) {
            Resolution prev = res[level - 1];
            Resolution cur = res[level];
            int rw = cur.x1 - cur.x0;
            int rh = cur.y1 - cur.y0;
            int snH = prev.x1 - prev.x0;
            int snV = prev.y1 - prev.y0;
            int casH = cur.x0 & 1;
            int casV = cur.y0 & 1;
            if (rw == 0 || rh == 0) {
                continue;
            }
            for (int j = 0; j < rh; j++) {
                int row = j * stride;
                interleave(tile, row, 1, rw, snH, casH, line);
                lift53(line, rw, casH);
                System.arraycopy(line, 0, tile, row, rw);
            }
            for (int i = 0; i < rw; i += COLUMNS) {
                int nb = Math.min(COLUMNS, rw - i);
                interleaveColumns(tile, i, stride, rh, snV, casV, nb, columns);
                lift53Columns(columns, rh, casV, nb);
                for (int k = 0, at = i; k < rh; k++, at += stride) {
                    System.arraycopy(columns, k * nb, tile, at, nb);
                }
            }
        }
    }

    /**
     * The vertical pass works on {@link #COLUMNS} adjacent columns at once (as OpenJPEG's opj_idwt53_v does) so
     * that it reads and writes whole cache lines of the tile rather than one sample per row; each column's
     * arithmetic is the same as one at a time, so the results are identical.
     */
    private static final int COLUMNS = 16;

    private static void interleaveColumns(int[] tile, int start, int stride, int n, int sn, int cas, int nb,
            int[] out) {
        int dn = n - sn;
        for (int i = 0; i < sn; i++) {
            System.arraycopy(tile, start + i * stride, out, (cas + 2 * i) * nb, nb);
        }
        for (int i = 0; i < dn; i++) {
            System.arraycopy(tile, start + (sn + i) * stride, out, (1 - cas + 2 * i) * nb, nb);
        }
    }

    /** {@link #lift53} on nb interleaved columns: sample p of column j at x[p * nb + j]. */
    private static void lift53Columns(int[] x, int n, int cas, int nb) {
        if (n == 1) {
            if (cas == 1) {
                for (int j = 0; j < nb; j++) {
                    x[j] /= 2;
                }
            }
            return;
        }
        for (int p = cas; p < n; p += 2) {
            int l = (p > 0 ? p - 1 : p + 1) * nb;
            int r = (p + 1 < n ? p + 1 : p - 1) * nb;
            int o = p * nb;
            for (int j = 0; j < nb; j++) {
                x[o + j] -= (x[l + j] + x[r + j] + 2) >> 2;
            }
        }
        for (int p = 1 - cas; p < n; p += 2) {
            int l = (p > 0 ? p - 1 : p + 1) * nb;
            int r = (p + 1 < n ? p + 1 : p - 1) * nb;
            int o = p * nb;
            for (int j = 0; j < nb; j++) {
                x[o + j] += (x[l + j] + x[r + j]) >> 1;
            }
        }
    }

    private static void interleave(int[] tile, int start, int step, int n, int sn, int cas, int[] out) {
        int dn = n - sn;
        for (int i = 0; i < sn; i++) {
            out[cas + 2 * i] = tile[start + i * step];
        }
        for (int i = 0; i < dn; i++) {
            out[1 - cas + 2 * i] = tile[start + (sn + i) * step];
        }
    }

    /** One 1-D inverse 5/3 lifting with symmetric extension; low-pass samples at positions of parity cas. */
    static void lift53(int[] x, int n, int cas) {
        if (n == 1) {
            if (cas == 1) {
                x[0] /= 2;
            }
            return;
        }
        for (int p = cas; p < n; p += 2) {
            int l = p > 0 ? x[p - 1] : x[p + 1];
            int r = p + 1 < n ? x[p + 1] : x[p - 1];
            x[p] -= (l + r + 2) >> 2;
        }
        for (int p = 1 - cas; p < n; p += 2) {
            int l = p > 0 ? x[p - 1] : x[p + 1];
            int r = p + 1 < n ? x[p + 1] : x[p - 1];
            x[p] += (l + r) >> 1;
        }
    }

    static void decode97(float[] tile, int stride, Resolution[] res) {
        int maxLen = 0;
        for (Resolution r : res) {
            maxLen = Math.max(maxLen, Math.max(r.x1 - r.x0, r.y1 - r.y0));
        }
        float[] line = new float[maxLen + 1];
        float[] columns = new float[(maxLen + 1) * COLUMNS];
        for (int level = 1; level < res.length; level++) {
            Resolution prev = res[level - 1];
            Resolution cur = res[level];
            int rw = cur.x1 - cur.x0;
            int rh = cur.y1 - cur.y0;
            int snH = prev.x1 - prev.x0;
            int snV = prev.y1 - prev.y0;
            int casH = cur.x0 & 1;
            int casV = cur.y0 & 1;
            if (rw == 0 || rh == 0) {
                continue;
            }
            for (int j = 0; j < rh; j++) {
                int row = j * stride;
                interleave(tile, row, 1, rw, snH, casH, line);
                lift97(line, snH, rw - snH, casH);
                System.arraycopy(line, 0, tile, row, rw);
            }
            for (int i = 0; i < rw; i += COLUMNS) {
                int nb = Math.min(COLUMNS, rw - i);
                interleaveColumns(tile, i, stride, rh, snV, casV, nb, columns);
                lift97Columns(columns, snV, rh - snV, casV, nb);
                for (int k = 0, at = i; k < rh; k++, at += stride) {
                    System.arraycopy(columns, k * nb, tile, at, nb);
                }
            }
        }
    }

    private static void interleave(float[] tile, int start, int step, int n, int sn, int cas, float[] out) {
        int dn = n - sn;
        for (int i = 0; i < sn; i++) {
            out[cas + 2 * i] = tile[start + i * step];
        }
        for (int i = 0; i < dn; i++) {
            out[1 - cas + 2 * i] = tile[start + (sn + i) * step];
        }
    }

    /** opj_v8dwt_decode for one line: sn low-pass samples at a + 2i, dn high-pass at b + 2i. */
    static void lift97(float[] x, int sn, int dn, int cas) {
        int a;
        int b;
        if (cas == 0) {
            if (!(dn > 0 || sn > 1)) {
                return;
            }
            a = 0;
            b = 1;
        } else {
            if (!(sn > 0 || dn > 1)) {
                return;
            }
            a = 1;
            b = 0;
        }
        for (int i = 0; i < sn; i++) {
            x[a + 2 * i] = x[a + 2 * i] * K;
        }
        for (int i = 0; i < dn; i++) {
            x[b + 2 * i] = x[b + 2 * i] * TWO_INVK;
        }
        step2(x, b, a + 1, sn, Math.min(sn, dn - a), -DELTA);
        step2(x, a, b + 1, dn, Math.min(dn, sn - b), -GAMMA);
        step2(x, b, a + 1, sn, Math.min(sn, dn - a), -BETA);
        step2(x, a, b + 1, dn, Math.min(dn, sn - b), -ALPHA);
    }

    private static void step2(float[] x, int l, int w, int end, int m, float c) {
        int imax = Math.min(end, m);
        int fl = l;
        int fw = w;
        for (int i = 0; i < imax; i++) {
            x[fw - 1] = x[fw - 1] + ((x[fl] + x[fw]) * c);
            fl = fw;
            fw += 2;
        }
        if (m < end) {
            float c2 = c + c;
            x[fw - 1] = x[fw - 1] + x[fl] * c2;
        }
    }

    private static void interleaveColumns(float[] tile, int start, int stride, int n, int sn, int cas, int nb,
            float[] out) {
        int dn = n - sn;
        for (int i = 0; i < sn; i++) {
            System.arraycopy(tile, start + i * stride, out, (cas + 2 * i) * nb, nb);
        }
        for (int i = 0; i < dn; i++) {
            System.arraycopy(tile, start + (sn + i) * stride, out, (1 - cas + 2 * i) * nb, nb);
        }
    }

    /** {@link #lift97} on nb interleaved columns (sample p of column j at x[p * nb + j]), same operations. */
    static void lift97Columns(float[] x, int sn, int dn, int cas, int nb) {
        int a;
        int b;
        if (cas == 0) {
            if (!(dn > 0 || sn > 1)) {
                return;
            }
            a = 0;
            b = 1;
        } else {
            if (!(sn > 0 || dn > 1)) {
                return;
            }
            a = 1;
            b = 0;
        }
        for (int i = 0; i < sn; i++) {
            int o = (a + 2 * i) * nb;
            for (int j = 0; j < nb; j++) {
                x[o + j] = x[o + j] * K;
            }
        }
        for (int i = 0; i < dn; i++) {
            int o = (b + 2 * i) * nb;
            for (int j = 0; j < nb; j++) {
                x[o + j] = x[o + j] * TWO_INVK;
            }
        }
        step2Columns(x, b, a + 1, sn, Math.min(sn, dn - a), -DELTA, nb);
        step2Columns(x, a, b + 1, dn, Math.min(dn, sn - b), -GAMMA, nb);
        step2Columns(x, b, a + 1, sn, Math.min(sn, dn - a), -BETA, nb);
        step2Columns(x, a, b + 1, dn, Math.min(dn, sn - b), -ALPHA, nb);
    }

    private static void step2Columns(float[] x, int l, int w, int end, int m, float c, int nb) {
        int imax = Math.min(end, m);
        int fl = l;
        int fw = w;
        for (int i = 0; i < imax; i++) {
            int o = (fw - 1) * nb;
            int lo = fl * nb;
            int wo = fw * nb;
            for (int j = 0; j < nb; j++) {
                x[o + j] = x[o + j] + ((x[lo + j] + x[wo + j]) * c);
            }
            fl = fw;
            fw += 2;
        }
        if (m < end) {
            float c2 = c + c;
            int o = (fw - 1) * nb;
            int lo = fl * nb;
            for (int j = 0; j < nb; j++) {
                x[o + j] = x[o + j] + x[lo + j] * c2;
            }
        }
    }
}
