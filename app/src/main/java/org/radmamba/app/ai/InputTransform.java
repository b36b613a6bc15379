package org.radmamba.app.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.preprocess.ClassificationPreprocessing;
import org.radmamba.inference.segmentation.Resampling;

/**
 * An 8-bit image (grey or RGB, as the viewer displays it) to the network input a card describes: three channel
 * planes of {@code inputHeight × inputWidth} floats. Kept apart from the networks (DJL's translator idea) so that it
 * is tested and timed on its own.
 */
public sealed interface InputTransform {

    /** The input tensor (3, height, width) for {@code image}. */
    float[] apply(ByteImage image);

    int height();

    int width();

    /**
     * MedMamba's evaluation transform: RGB (grey replicated), Pillow bilinear resize, {@code v/255}, then
     * {@code (v - mean) / std} per channel.
     */
    record Classification(ClassificationPreprocessing pre) implements InputTransform {
        @Override
        public float[] apply(ByteImage image) {
            return pre.apply(image);
        }

        @Override
        public int height() {
            return pre.height();
        }

        @Override
        public int width() {
            return pre.width();
        }
    }

    /**
     * VM-UNet's ISIC test transform: the image (grey replicated to RGB) stretched by its own minimum and maximum
     * over all channels to [0, 255] in float32 (no division by 255; {@code myNormalize}'s mean and std cancel in
     * the stretch), then resized bilinearly, with antialiasing as the demo recipe (torch {@code antialias=True})
     * or without as the official repository's tensor resize.
     */
    record Segmentation(int height, int width, boolean antialias) implements InputTransform {
        @Override
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
            int n = rgb.width() * rgb.height();
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

    /** The transform a card describes, or an {@link IllegalArgumentException} naming what the card gets wrong. */
    public static InputTransform of(ModelCard card) {
        ObjectNode pre = card.preprocessing();
        int h = card.inputHeight();
        int w = card.inputWidth();
        String resize = pre.path("resize").asText("bilinear");
        if (!resize.equals("bilinear")) {
            throw new IllegalArgumentException(card.id() + ": preprocessing.resize \"" + resize + "\" is not supported (only bilinear)");
        }
        return switch (card.task()) {
            case CLASSIFICATION -> {
                double scale = pre.path("scale").asDouble(1.0 / 255);
                if (Math.abs(scale - 1.0 / 255) > 1e-9) {
                    throw new IllegalArgumentException(card.id() + ": preprocessing.scale must be 1/255, got " + scale);
                }
                yield new Classification(new ClassificationPreprocessing(w, h, triple(pre.path("mean"), card, "mean"),
                        triple(pre.path("std"), card, "std")));
            }
            case SEGMENTATION -> {
                String normalize = pre.path("normalize").asText("vmunet-isic");
                if (!normalize.equals("vmunet-isic")) {
                    throw new IllegalArgumentException(card.id() + ": preprocessing.normalize \"" + normalize
                            + "\" is not supported (only vmunet-isic)");
                }
                yield new Segmentation(h, w, pre.path("antialias").asBoolean(true));
            }
        };
    }

    private static float[] triple(JsonNode node, ModelCard card, String key) {
        if (!node.isArray() || node.size() != 3) {
            throw new IllegalArgumentException(card.id() + ": preprocessing." + key + " must hold three numbers");
        }
        float[] v = new float[3];
        for (int i = 0; i < 3; i++) {
            v[i] = (float) node.get(i).asDouble();
        }
        return v;
    }
}
