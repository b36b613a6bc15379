package org.radmamba.viewer.dicom.codec;

/** The 8×8 inverse DCT of T.81 A.3.3, separable, in floating point, with level shift and clamping. */
final class JpegIdct {

    /** COS[x * 8 + u] = C(u)/2 · cos((2x+1)uπ/16). */
    private static final float[] COS = new float[64];

    static {
        for (int x = 0; x < 8; x++) {
            for (int u = 0; u < 8; u++) {
                double cu = u == 0 ? Math.sqrt(0.5) : 1.0;
                COS[x * 8 + u] = (float) (cu / 2 * Math.cos((2 * x + 1) * u * Math.PI / 16));
            }
        }
    }

    private JpegIdct() {
    }

    /**
     * Writes the 8×8 samples of {@code coefficients} (natural order, dequantized) into {@code plane} at
     * {@code offset}, rows {@code stride} apart.
     */
    static void inverse(int[] coefficients, boolean acPresent, float[] workspace, int[] plane, int offset, int stride,
                        int precision) {
        int levelShift = 1 << (precision - 1);
        int max = (1 << precision) - 1;
        if (!acPresent) {
            int value = clamp(Math.round(coefficients[0] / 8f) + levelShift, max);
            for (int y = 0; y < 8; y++) {
                int o = offset + y * stride;
                for (int x = 0; x < 8; x++) {
                    plane[o + x] = value;
                }
            }
            return;
        }
        // Rows: workspace[v*8 + x] = Σu COS[x,u] · F[v,u]
        for (int v = 0; v < 8; v++) {
            int r = v * 8;
            for (int x = 0; x < 8; x++) {
                int c = x * 8;
                workspace[r + x] = COS[c] * coefficients[r] + COS[c + 1] * coefficients[r + 1]
                        + COS[c + 2] * coefficients[r + 2] + COS[c + 3] * coefficients[r + 3]
                        + COS[c + 4] * coefficients[r + 4] + COS[c + 5] * coefficients[r + 5]
                        + COS[c + 6] * coefficients[r + 6] + COS[c + 7] * coefficients[r + 7];
            }
        }
        // Columns: f[y, x] = Σv COS[y,v] · workspace[v, x]
        for (int y = 0; y < 8; y++) {
            int c = y * 8;
            int o = offset + y * stride;
            for (int x = 0; x < 8; x++) {
                float sum = COS[c] * workspace[x] + COS[c + 1] * workspace[8 + x] + COS[c + 2] * workspace[16 + x]
                        + COS[c + 3] * workspace[24 + x] + COS[c + 4] * workspace[32 + x]
                        + COS[c + 5] * workspace[40 + x] + COS[c + 6] * workspace[48 + x]
                        + COS[c + 7] * workspace[56 + x];
                plane[o + x] = clamp(Math.round(sum) + levelShift, max);
            }
        }
    }

    private static int clamp(int value, int max) {
        return value < 0 ? 0 : Math.min(value, max);
    }
}
