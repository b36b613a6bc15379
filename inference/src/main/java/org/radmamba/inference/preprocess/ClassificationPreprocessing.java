package org.radmamba.inference.preprocess;

/**
 * The evaluation transform of an image classifier, as torchvision composes it on a PIL image:
 * {@code convert("RGB")} (grey replicated to three channels) → {@code Resize((height, width))} (Pillow bilinear,
 * antialiased when shrinking; see {@link PillowBilinear}, bit-exact on 8-bit input) → {@code ToTensor()} (v / 255)
 * → {@code Normalize(mean, std)}, each step in float32 as PyTorch does it. Output: one NCHW image, {@code 3·h·w} floats.
 */
public record ClassificationPreprocessing(int width, int height, float[] mean, float[] std) {

    /** MedMamba's {@code data_transform} of {@code train.py}: 224×224, mean 0.5, std 0.5 per channel. */
    public static final ClassificationPreprocessing MEDMAMBA = new ClassificationPreprocessing(224, 224,
            new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});

    public ClassificationPreprocessing {
        if (width <= 0 || height <= 0 || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("need a positive size and three means and standard deviations");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The network input for {@code image}: {@code (3, height, width)} floats, channel planes. */
    public float[] apply(ByteImage image) {
        ByteImage resized = PillowBilinear.resize(image.toRgb(), width, height);
        int plane = width * height;
        float[] out = new float[3 * plane];
        byte[] px = resized.pixels();
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float s = std[c];
            for (int p = 0; p < plane; p++) {
                float v = (px[3 * p + c] & 0xFF) / 255f;
                out[c * plane + p] = (v - m) / s;
            }
        }
        return out;
    }
}
