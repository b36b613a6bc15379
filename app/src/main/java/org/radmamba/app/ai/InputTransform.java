package org.radmamba.app.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.radmamba.inference.preprocess.ByteImage;
import org.radmamba.inference.preprocess.ClassificationPreprocessing;
import org.radmamba.inference.vmunet.VmUnetPreprocessing;

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

    /** VM-UNet's ISIC test transform, as the card sets its size, mean, std and resize: {@link VmUnetPreprocessing}. */
    record Segmentation(VmUnetPreprocessing pre) implements InputTransform {
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
                // Mean and std cancel in the stretch, so they are carried as the card states them and ISIC 2018's
                // stand in where it states none (or no usable ones).
                VmUnetPreprocessing isic = VmUnetPreprocessing.ISIC2018;
                JsonNode mean = pre.path("mean");
                JsonNode std = pre.path("std");
                yield new Segmentation(new VmUnetPreprocessing(
                        mean.isNumber() && Double.isFinite(mean.asDouble()) ? mean.asDouble() : isic.mean(),
                        std.isNumber() && std.asDouble() > 0 && Double.isFinite(std.asDouble()) ? std.asDouble() : isic.std(),
                        h, w, pre.path("antialias").asBoolean(true)));
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
