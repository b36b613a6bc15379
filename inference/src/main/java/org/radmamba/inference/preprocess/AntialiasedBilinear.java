package org.radmamba.inference.preprocess;

/**
 * Bilinear resize of float planes with antialiasing when shrinking, as PyTorch's
 * {@code F.interpolate(mode="bilinear", align_corners=False, antialias=True)} (and Pillow's BILINEAR, in floats):
 * the triangle filter is widened by the scale factor, weights normalised per output sample, separable passes
 * (width, then height). The demo segmenter's recipe resizes its inputs this way ({@code VmUnetPreprocessing}).
 *
 * <p>The same filter as {@link PillowBilinear}, in floats: that one keeps Pillow's 8-bit fixed-point arithmetic bit
 * for bit, as MedMamba's transform resizes the 8-bit image; this one resizes VM-UNet's float planes after the
 * stretch. Plain bilinear without antialiasing is {@code segmentation.Resampling.bilinear}.
 */
public final class AntialiasedBilinear {

    private AntialiasedBilinear() {
    }

    /** {@code plane} ({@code height × width}, row-major) resized to {@code outHeight × outWidth}. */
    public static float[] resize(float[] plane, int height, int width, int outHeight, int outWidth) {
        if (plane.length != (long) height * width || outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("a " + width + "x" + height + " plane cannot be resized to "
                    + outWidth + "x" + outHeight + " (" + plane.length + " values)");
        }
        float[] rows = plane;
        if (outWidth != width) {
            rows = pass(plane, height, width, outWidth, true);
        }
        if (outHeight != height) {
            rows = pass(rows, height, outWidth, outHeight, false);
        }
        return rows;
    }

    /** One separable pass along x ({@code horizontal}) or y of a {@code height × width} plane. */
    private static float[] pass(float[] in, int height, int width, int outSize, boolean horizontal) {
        int inSize = horizontal ? width : height;
        double scale = (double) inSize / outSize;
        double support = Math.max(scale, 1.0);
        double invScale = 1.0 / Math.max(scale, 1.0);
        int outHeight = horizontal ? height : outSize;
        int outWidth = horizontal ? outSize : width;
        float[] out = new float[outHeight * outWidth];
        float[] weights = new float[(int) Math.ceil(support) * 2 + 1];
        for (int o = 0; o < outSize; o++) {
            double center = scale * (o + 0.5);
            int first = Math.max((int) (center - support + 0.5), 0);
            int count = Math.min((int) (center + support + 0.5), inSize) - first;
            float total = 0;
            for (int j = 0; j < count; j++) {
                float w = (float) Math.max(0.0, 1.0 - Math.abs((j + first - center + 0.5) * invScale));
                weights[j] = w;
                total += w;
            }
            for (int j = 0; j < count; j++) {
                weights[j] = total != 0 ? weights[j] / total : 0;
            }
            if (horizontal) {
                for (int y = 0; y < height; y++) {
                    float sum = 0;
                    int row = y * width + first;
                    for (int j = 0; j < count; j++) {
                        sum += in[row + j] * weights[j];
                    }
                    out[y * outSize + o] = sum;
                }
            } else {
                for (int x = 0; x < width; x++) {
                    float sum = 0;
                    for (int j = 0; j < count; j++) {
                        sum += in[(first + j) * width + x] * weights[j];
                    }
                    out[o * width + x] = sum;
                }
            }
        }
        return out;
    }
}
