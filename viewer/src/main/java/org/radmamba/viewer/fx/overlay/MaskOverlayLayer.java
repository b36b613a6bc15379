package org.radmamba.viewer.fx.overlay;

import javafx.scene.Group;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.transform.Affine;

/**
 * A label mask drawn over an image: an image view of the rendered mask in image coordinates, placed by the
 * viewport's image-to-screen transform (the one the image itself uses), without smoothing so that each mask pixel
 * covers exactly its image pixel. Call on the FX thread.
 */
public final class MaskOverlayLayer extends Group {

    private final ImageView view = new ImageView();
    private LabelMaskImage mask;
    private OverlayStyle style = OverlayStyle.DEFAULT;

    public MaskOverlayLayer() {
        view.setSmooth(false);
        view.setMouseTransparent(true);
        setMouseTransparent(true);
        getChildren().add(view);
    }

    /** Shows {@code newMask} (null clears the overlay). */
    public void setMask(LabelMaskImage newMask) {
        mask = newMask;
        redraw();
    }

    public LabelMaskImage mask() {
        return mask;
    }

    public OverlayStyle style() {
        return style;
    }

    public void setStyle(OverlayStyle newStyle) {
        style = newStyle;
        redraw();
    }

    /** Places the overlay with the image's transform (image pixel (x, y) to screen). */
    public void follow(Affine imageToScreen) {
        view.getTransforms().setAll(imageToScreen);
    }

    private void redraw() {
        if (mask == null) {
            view.setImage(null);
            return;
        }
        WritableImage image = new WritableImage(mask.width(), mask.height());
        image.getPixelWriter().setPixels(0, 0, mask.width(), mask.height(), PixelFormat.getIntArgbInstance(),
                OverlayRenderer.render(mask, style), 0, mask.width());
        view.setImage(image);
        view.setVisible(style.visible());
    }
}
