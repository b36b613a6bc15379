package org.radmamba.inference.nn;

/**
 * A channels-last feature map: {@code data} is the {@code (batch·height·width, channels)} matrix of PyTorch's
 * {@code (B, H, W, C)} tensor, the layout of VMamba-style models between blocks.
 */
public record FeatureMap(int batch, int height, int width, RowMatrix data) {

    public FeatureMap {
        if ((long) batch * height * width != data.rows()) {
            throw new IllegalArgumentException("a " + batch + "x" + height + "x" + width + " feature map needs "
                    + (long) batch * height * width + " rows, the matrix has " + data.rows());
        }
    }

    public int channels() {
        return data.cols();
    }

    /** Positions per image, H·W. */
    public int pixels() {
        return height * width;
    }

    /** The same geometry over other data, e.g. a layer's output. */
    public FeatureMap with(RowMatrix other) {
        return new FeatureMap(batch, height, width, other);
    }
}
