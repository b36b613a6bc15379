package org.radmamba.app.gui.ai;

import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;
import org.radmamba.app.ai.ResultExport;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

/** A PNG of what a node shows, overlays included (the viewport with its mask, corner text and legend). */
public final class Screenshots {

    private Screenshots() {
    }

    /** Snapshots {@code node} on the FX thread (the caller's) into ARGB pixels. */
    public static BufferedImage capture(Node node) {
        SnapshotParameters params = new SnapshotParameters();
        params.setFill(Color.BLACK);
        WritableImage shot = node.snapshot(params, null);
        int w = (int) shot.getWidth();
        int h = (int) shot.getHeight();
        int[] argb = new int[w * h];
        shot.getPixelReader().getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, w, h, argb, 0, w);
        return image;
    }

    /** Writes a captured image as PNG (off the FX thread if it is large), atomically. */
    public static void writePng(BufferedImage image, Path target) throws IOException {
        ResultExport.writeImage(image, target);
    }
}
