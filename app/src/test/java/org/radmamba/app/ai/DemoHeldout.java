package org.radmamba.app.ai;

import org.radmamba.inference.preprocess.ByteImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The demo models' held-out images and parity tensors, which stay in the repository ({@code models/demo/<id>/heldout})
 * and are not shipped in the jar; tests run with the module folder as working directory.
 */
final class DemoHeldout {

    private DemoHeldout() {
    }

    static Path folder(String id) {
        Path folder = Path.of("..", "models", "demo", id, "heldout").toAbsolutePath().normalize();
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException(folder + ": the demo model's held-out folder is missing (run the tests from the app module)");
        }
        return folder;
    }

    /** A PNG as the viewer displays it: grey stays one channel, colour becomes RGB. */
    static AiImage image(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        if (img == null) {
            throw new IOException(png + ": not a readable image");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        boolean grey = img.getType() == BufferedImage.TYPE_BYTE_GRAY;
        byte[] px = new byte[w * h * (grey ? 1 : 3)];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (grey) {
                    px[i] = (byte) img.getRaster().getSample(x, y, 0);
                } else {
                    int rgb = img.getRGB(x, y);
                    px[3 * i] = (byte) (rgb >> 16);
                    px[3 * i + 1] = (byte) (rgb >> 8);
                    px[3 * i + 2] = (byte) rgb;
                }
            }
        }
        return new AiImage(png.toString(), new ByteImage(w, h, grey ? 1 : 3, px), Optional.empty());
    }

    /** The samples of a greyscale PNG (a mask). */
    static byte[] grey(Path png) throws IOException {
        AiImage image = image(png);
        if (image.pixels().channels() != 1) {
            throw new IOException(png + ": a mask must be greyscale");
        }
        return image.pixels().pixels();
    }
}
