package org.radmamba.inference.preprocess;

/**
 * Pillow's {@code Image.resize(size, Image.BILINEAR)} on 8-bit images, bit for bit: what torchvision's
 * {@code transforms.Resize((h, w))} does to a PIL image. It is not plain bilinear interpolation: when shrinking, the
 * triangle filter is widened by the scale factor (antialiasing), and the arithmetic is Pillow's (Resample.c):
 * separable, horizontal pass first, coefficients normalised to sum 1 then rounded to 22-bit fixed point, each pass
 * rounded and clipped to 8 bits. A pass whose size does not change is skipped, as in Pillow.
 */
public final class PillowBilinear {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private PillowBilinear() {
    }

    /** {@code image} resized to {@code width × height}. */
    public static ByteImage resize(ByteImage image, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("resize target must be positive, got " + width + "x" + height);
        }
        ByteImage out = image;
        if (width != image.width()) {
            out = horizontal(out, width);
        }
        if (height != image.height()) {
            out = vertical(out, height);
        }
        return out;
    }

    /** Per output index: the first input index, the count, and that many fixed-point weights. */
    private record Coefficients(int[] first, int[] count, int[] weights, int stride) {
    }

    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // the bilinear (triangle) filter has support 1
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * stride];
        double[] k = new double[stride];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double sum = 0.0;
            for (int x = 0; x < xmax; x++) {
                double w = triangle((x + xmin - center + 0.5) * ss);
                k[x] = w;
                sum += w;
            }
            for (int x = 0; x < xmax; x++) {
                double normalised = sum != 0.0 ? k[x] / sum : k[x];
                weights[xx * stride + x] = normalised < 0
                        ? (int) (-0.5 + normalised * (1 << PRECISION_BITS))
                        : (int) (0.5 + normalised * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = Math.max(0, xmax);
        }
        return new Coefficients(first, count, weights, stride);
    }

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }

    private static int clip8(int accumulated) {
        if (accumulated >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (accumulated <= 0) {
            return 0;
        }
        return accumulated >> PRECISION_BITS;
    }

    private static ByteImage horizontal(ByteImage in, int width) {
        Coefficients co = coefficients(in.width(), width);
        int ch = in.channels();
        byte[] src = in.pixels();
        byte[] dst = new byte[width * in.height() * ch];
        for (int y = 0; y < in.height(); y++) {
            int row = y * in.width() * ch;
            for (int xx = 0; xx < width; xx++) {
                int k = xx * co.stride();
                for (int c = 0; c < ch; c++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < co.count()[xx]; x++) {
                        ss += (src[row + (x + co.first()[xx]) * ch + c] & 0xFF) * co.weights()[k + x];
                    }
                    dst[(y * width + xx) * ch + c] = (byte) clip8(ss);
                }
            }
        }
        return new ByteImage(width, in.height(), ch, dst);
    }

    private static ByteImage vertical(ByteImage in, int height) {
        Coefficients co = coefficients(in.height(), height);
        int ch = in.channels();
        int rowLength = in.width() * ch;
        byte[] src = in.pixels();
        byte[] dst = new byte[height * rowLength];
        for (int yy = 0; yy < height; yy++) {
            int k = yy * co.stride();
            for (int i = 0; i < rowLength; i++) {
                int ss = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < co.count()[yy]; y++) {
                    ss += (src[(y + co.first()[yy]) * rowLength + i] & 0xFF) * co.weights()[k + y];
                }
                dst[yy * rowLength + i] = (byte) clip8(ss);
            }
        }
        return new ByteImage(in.width(), height, ch, dst);
    }
}
