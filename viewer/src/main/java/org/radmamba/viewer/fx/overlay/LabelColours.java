package org.radmamba.viewer.fx.overlay;

/**
 * A distinct, colour-blind-aware colour per label (Okabe–Ito order, then a golden-angle hue walk), opaque RGB.
 */
public final class LabelColours {

    private static final int[] OKABE_ITO = {
            0xE69F00, 0x56B4E9, 0x009E73, 0xF0E442, 0x0072B2, 0xD55E00, 0xCC79A7};

    private LabelColours() {
    }

    /** The RGB colour (0xRRGGBB) of label {@code label} ≥ 1. */
    public static int rgb(int label) {
        if (label < 1) {
            throw new IllegalArgumentException("label 0 is the background and has no colour");
        }
        if (label <= OKABE_ITO.length) {
            return OKABE_ITO[label - 1];
        }
        double hue = ((label * 137.508) % 360) / 60.0;
        int sector = (int) hue;
        double f = hue - sector;
        int up = (int) Math.round(255 * f);
        int down = 255 - up;
        int[] rgb = switch (sector) {
            case 0 -> new int[] {255, up, 0};
            case 1 -> new int[] {down, 255, 0};
            case 2 -> new int[] {0, 255, up};
            case 3 -> new int[] {0, down, 255};
            case 4 -> new int[] {up, 0, 255};
            default -> new int[] {255, 0, down};
        };
        return rgb[0] << 16 | rgb[1] << 8 | rgb[2];
    }
}
