package org.radmamba.plugins.example;

import org.radmamba.plugins.api.ImageView;
import org.radmamba.plugins.api.RasterImage;
import org.radmamba.plugins.api.ToolResult;
import org.radmamba.plugins.api.ToolResult.Measurement;
import org.radmamba.plugins.api.ToolResult.Series;
import org.radmamba.plugins.api.ViewerTool;

import java.util.ArrayList;
import java.util.List;

/**
 * The histogram of the image on screen (its brightness as displayed, 256 bins) and its statistics: pixel count,
 * mean, standard deviation, minimum, median, maximum, and the image's area when the pixel spacing is known.
 */
public final class HistogramTool implements ViewerTool {

    @Override
    public String name() {
        return "histogram";
    }

    @Override
    public String label() {
        return "Histogram";
    }

    @Override
    public ToolResult run(ImageView view) {
        RasterImage image = view.image();
        long[] bins = new long[256];
        double sum = 0;
        double sumSquares = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int v = image.luminance(x, y);
                bins[v]++;
                sum += v;
                sumSquares += (double) v * v;
            }
        }
        long count = (long) image.width() * image.height();
        double mean = sum / count;
        double sd = Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
        List<Measurement> measurements = new ArrayList<>(List.of(
                new Measurement("pixels", count, ""),
                new Measurement("mean", mean, ""),
                new Measurement("standard deviation", sd, ""),
                new Measurement("minimum", lowest(bins), ""),
                new Measurement("median", median(bins, count), ""),
                new Measurement("maximum", highest(bins), "")));
        view.spacing().ifPresent(s -> measurements.add(new Measurement("area", count * s.pixelAreaMm2(), "mm²")));
        double[] values = new double[bins.length];
        for (int i = 0; i < bins.length; i++) {
            values[i] = bins[i];
        }
        return new ToolResult("Histogram of the displayed image", measurements,
                List.of(new Series("pixels per grey level", 0, 1, values)));
    }

    private static int lowest(long[] bins) {
        for (int i = 0; i < bins.length; i++) {
            if (bins[i] > 0) {
                return i;
            }
        }
        throw new IllegalStateException("an image has at least one pixel");
    }

    private static int highest(long[] bins) {
        for (int i = bins.length - 1; i >= 0; i--) {
            if (bins[i] > 0) {
                return i;
            }
        }
        throw new IllegalStateException("an image has at least one pixel");
    }

    /** The lower median: the smallest value with at least half of the pixels at or below it. */
    private static int median(long[] bins, long count) {
        long seen = 0;
        for (int i = 0; i < bins.length; i++) {
            seen += bins[i];
            if (2 * seen >= count) {
                return i;
            }
        }
        throw new IllegalStateException("an image has at least one pixel");
    }
}
