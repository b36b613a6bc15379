package org.radmamba.inference.vmunet;

import org.radmamba.inference.preprocess.AntialiasedBilinear;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.segmentation.Resampling;

/**
 * VM-UNet's input transform, the one implementation the app runs for every VM-UNet model (its model card sets the
 * size and the resize): the official ISIC test transform ({@code configs/config_setting.py}, {@code test_transformer})
 * in its order: {@code myNormalize} on the 8-bit RGB image at its own size, {@code myToTensor} (HWC to CHW), then
 * {@code myResize} (bilinear, half-pixel centres).
 *
 * <p>{@code myNormalize} is {@code (img - mean) / std} followed by a min-max stretch of the whole image (all three
 * channels together) to [0, 255]. There is no division by 255: the network sees values in [0, 255]. Because the
 * stretch undoes any affine map, mean and std cancel out: the stretch is computed on the 8-bit values themselves, in
 * float32, and mean and std are only carried so that a card states what its training used. Greyscale sources are
 * replicated to three channels, as PIL's {@code convert('RGB')} does.
 *
 * <p>The resize is torchvision's {@code TF.resize} on a tensor: without antialiasing as in the torchvision 0.14 the
 * official repository used ({@link Resampling#bilinear}), or with it ({@code antialias=True}, as the demo recipe
 * trained; {@link AntialiasedBilinear}).
 *
 * @param mean      the dataset mean of {@code myNormalize} (one value for all channels)
 * @param std       the dataset standard deviation of {@code myNormalize}
 * @param height    the network's input height (input_size_h)
 * @param width     the network's input width (input_size_w)
 * @param antialias whether shrinking filters first (torch {@code antialias=True})
 */
public record VmUnetPreprocessing(double mean, double std, int height, int width, boolean antialias) {

    /** {@code myNormalize('isic18', train=False)}, the official default dataset, 256x256, no antialiasing. */
    public static final VmUnetPreprocessing ISIC2018 = new VmUnetPreprocessing(149.034, 32.022, 256, 256, false);

    /** {@code myNormalize('isic17', train=False)}, 256x256, no antialiasing. */
    public static final VmUnetPreprocessing ISIC2017 = new VmUnetPreprocessing(148.429, 25.748, 256, 256, false);

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
        return new VmUnetPreprocessing(mean, std, newHeight, newWidth, antialias);
    }

    /** The same transform, resizing with or without antialiasing. */
    public VmUnetPreprocessing withAntialias(boolean newAntialias) {
        return new VmUnetPreprocessing(mean, std, height, width, newAntialias);
    }

    /**
     * The network input for {@code image} (grey or RGB): {@code (3, height, width)} floats, channel planes, float32.
     * A constant image gives zeros (numpy would divide 0 by 0; a flat black input is the honest equivalent).
     */
    public float[] apply(ByteImage image) {
        ByteImage rgb = image.toRgb();
        byte[] px = rgb.pixels();
        int lo = 255;
        int hi = 0;
        for (byte b : px) {
            lo = Math.min(lo, b & 0xFF);
            hi = Math.max(hi, b & 0xFF);
        }
        float range = Math.max(hi - lo, 1e-6f);
        int n = Math.multiplyExact(rgb.width(), rgb.height());
        int plane = height * width;
        float[] out = new float[3 * plane];
        float[] channel = new float[n];
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < n; p++) {
                channel[p] = ((px[3 * p + c] & 0xFF) - lo) / range * 255f;
            }
            float[] resized = rgb.height() == height && rgb.width() == width ? channel
                    : antialias ? AntialiasedBilinear.resize(channel, rgb.height(), rgb.width(), height, width)
                    : Resampling.bilinear(channel, rgb.height(), rgb.width(), height, width);
            System.arraycopy(resized, 0, out, c * plane, plane);
        }
        return out;
    }
}
