package org.radmamba.inference.vmunet;

import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.segmentation.Resampling;

/**
 * The official VM-UNet test transform for ISIC ({@code configs/config_setting.py}, {@code test_transformer}), in its
 * order: {@code myNormalize} on the 8-bit RGB image at its own size, {@code myToTensor} (HWC to CHW), then
 * {@code myResize} (torchvision {@code TF.resize} on a tensor: bilinear, half-pixel centres, no antialiasing as in
 * the torchvision 0.14 the repository used).
 *
 * <p>{@code myNormalize} is {@code (img - mean) / std} followed by a min-max stretch of the whole image (all three
 * channels together) to [0, 255]. There is no division by 255: the network sees values in [0, 255]. Because the
 * stretch undoes any affine map, mean and std cancel out up to rounding; they are still carried and applied so
 * that a model card states exactly what its training used. Greyscale sources are replicated to three channels, as
 * PIL's {@code convert('RGB')} does.
 *
 * @param mean   the dataset mean of {@code myNormalize} (one value for all channels)
 * @param std    the dataset standard deviation of {@code myNormalize}
 * @param height the network's input height (input_size_h)
 * @param width  the network's input width (input_size_w)
 */
public record VmUnetPreprocessing(double mean, double std, int height, int width) {

    /** {@code myNormalize('isic18', train=False)}, the official default dataset, 256x256. */
    public static final VmUnetPreprocessing ISIC2018 = new VmUnetPreprocessing(149.034, 32.022, 256, 256);

    /** {@code myNormalize('isic17', train=False)}, 256x256. */
    public static final VmUnetPreprocessing ISIC2017 = new VmUnetPreprocessing(148.429, 25.748, 256, 256);

    public VmUnetPreprocessing {
        if (!(std > 0) || Double.isInfinite(std) || Double.isNaN(mean) || Double.isInfinite(mean)) {
            throw new IllegalArgumentException("normalisation needs a finite mean and a positive std, got " + mean + ", " + std);
        }
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("the input size must be positive, got " + width + "x" + height);
        }
    }

    /** The same normalisation at another input size (e.g. the 64x64 golden fixtures). */
    public VmUnetPreprocessing withSize(int newHeight, int newWidth) {
        return new VmUnetPreprocessing(mean, std, newHeight, newWidth);
    }

    /**
     * The network input for {@code image} (grey or RGB): {@code (3, height, width)} floats, channel planes, float32.
     */
    public float[] apply(ByteImage image) {
        int samples = image.channels(); // 1 or 3, as ByteImage guarantees
        byte[] rgb = image.pixels();
        int sourceWidth = image.width();
        int sourceHeight = image.height();
        long pixels = (long) sourceWidth * sourceHeight;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (byte b : rgb) {
            double v = ((b & 0xFF) - mean) / std;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        // A constant image: numpy would divide 0 by 0; a flat black input is the honest equivalent.
        double range = max - min;
        double scale = range > 0 ? 255.0 / range : 0.0;
        int n = Math.toIntExact(pixels);
        float[] source = new float[3 * n];
        for (int p = 0; p < n; p++) {
            for (int c = 0; c < 3; c++) {
                int sample = rgb[p * samples + (samples == 1 ? 0 : c)] & 0xFF;
                double v = ((sample - mean) / std - min) * scale;
                source[c * n + p] = (float) v;
            }
        }
        if (sourceHeight == height && sourceWidth == width) {
            return source;
        }
        float[] out = new float[3 * height * width];
        for (int c = 0; c < 3; c++) {
            float[] plane = new float[n];
            System.arraycopy(source, c * n, plane, 0, n);
            float[] resized = Resampling.bilinear(plane, sourceHeight, sourceWidth, height, width);
            System.arraycopy(resized, 0, out, c * height * width, resized.length);
        }
        return out;
    }
}
