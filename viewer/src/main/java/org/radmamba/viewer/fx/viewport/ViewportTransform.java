package org.radmamba.viewer.fx.viewport;

import javafx.geometry.Point2D;
import javafx.scene.transform.Affine;
import javafx.scene.transform.NonInvertibleTransformException;

/**
 * Where an image sits in a viewport: zoom, pan, quarter-turn rotation and flips, and the pixel aspect ratio. Immutable;
 * every operation returns a new transform. The mapping is, image pixel → screen:
 * centre the image on the origin, stretch rows by the pixel aspect ratio, rotate, flip (in screen axes, so
 * "flip horizontal" always mirrors left and right as the user sees them), zoom, move to the viewport centre
 * plus the pan.
 *
 * @param fitToWindow   when true the zoom follows the viewport size ({@link #effectiveZoom})
 * @param zoom          screen pixels per image column when not fitting
 * @param panX          screen pixels from the viewport centre to the image centre
 * @param quarterTurns  clockwise rotation in 90° steps, 0..3
 * @param pixelAspect   row spacing / column spacing (1 for square pixels)
 */
public record ViewportTransform(boolean fitToWindow, double zoom, double panX, double panY, int quarterTurns,
                                boolean flipHorizontal, boolean flipVertical, double pixelAspect) {

    public static final double MIN_ZOOM = 0.05;
    public static final double MAX_ZOOM = 40;

    public ViewportTransform {
        if (!(pixelAspect > 0) || Double.isInfinite(pixelAspect)) {
            throw new IllegalArgumentException("pixel aspect must be positive and finite, got " + pixelAspect);
        }
        quarterTurns = Math.floorMod(quarterTurns, 4);
        zoom = Math.clamp(zoom, MIN_ZOOM, MAX_ZOOM);
    }

    /** Fitted, centred, upright. */
    public static ViewportTransform fit(double pixelAspect) {
        return new ViewportTransform(true, 1, 0, 0, 0, false, false, pixelAspect);
    }

    public static ViewportTransform fit() {
        return fit(1);
    }

    /** The zoom actually used for a viewport of this size. */
    public double effectiveZoom(double imageWidth, double imageHeight, double viewWidth, double viewHeight) {
        if (!fitToWindow) {
            return zoom;
        }
        double w = imageWidth;
        double h = imageHeight * pixelAspect;
        if (quarterTurns % 2 == 1) {
            double t = w;
            w = h;
            h = t;
        }
        if (w <= 0 || h <= 0 || viewWidth <= 0 || viewHeight <= 0) {
            return 1;
        }
        return Math.clamp(Math.min(viewWidth / w, viewHeight / h), MIN_ZOOM, MAX_ZOOM);
    }

    /** The image-pixel → screen affine for a viewport of this size. */
    public Affine toScreen(double imageWidth, double imageHeight, double viewWidth, double viewHeight) {
        double z = effectiveZoom(imageWidth, imageHeight, viewWidth, viewHeight);
        Affine a = new Affine();
        // Built last step first: JavaFX's append* multiply on the right, so the first appended acts last.
        a.appendTranslation(viewWidth / 2 + panX, viewHeight / 2 + panY);
        a.appendScale(z, z);
        a.appendScale(flipHorizontal ? -1 : 1, flipVertical ? -1 : 1);
        a.appendRotation(90.0 * quarterTurns);
        a.appendScale(1, pixelAspect);
        a.appendTranslation(-imageWidth / 2, -imageHeight / 2);
        return a;
    }

    /** The image pixel coordinate under a screen point. */
    public Point2D toImage(Point2D screen, double imageWidth, double imageHeight, double viewWidth, double viewHeight) {
        try {
            return toScreen(imageWidth, imageHeight, viewWidth, viewHeight).inverseTransform(screen);
        } catch (NonInvertibleTransformException e) {
            // Cannot happen: zoom and aspect are positive, rotation and flips are invertible.
            throw new IllegalStateException("viewport transform is not invertible: " + this, e);
        }
    }

    public ViewportTransform withZoom(double newZoom) {
        return new ViewportTransform(false, newZoom, panX, panY, quarterTurns, flipHorizontal, flipVertical, pixelAspect);
    }

    /**
     * Zooms by {@code factor} keeping the image point under {@code anchor} (screen coordinates) where it is, as
     * a wheel zoom should.
     */
    public ViewportTransform zoomAbout(double factor, Point2D anchor, double imageWidth, double imageHeight,
                                       double viewWidth, double viewHeight) {
        double current = effectiveZoom(imageWidth, imageHeight, viewWidth, viewHeight);
        double next = Math.clamp(current * factor, MIN_ZOOM, MAX_ZOOM);
        double applied = next / current;
        // The anchor's offset from the image centre scales with the zoom; move the centre to compensate.
        double cx = viewWidth / 2 + panX;
        double cy = viewHeight / 2 + panY;
        double newCx = anchor.getX() - (anchor.getX() - cx) * applied;
        double newCy = anchor.getY() - (anchor.getY() - cy) * applied;
        return new ViewportTransform(false, next, newCx - viewWidth / 2, newCy - viewHeight / 2,
                quarterTurns, flipHorizontal, flipVertical, pixelAspect);
    }

    /** One image pixel per screen pixel, centred. */
    public ViewportTransform actualSize() {
        return new ViewportTransform(false, 1, 0, 0, quarterTurns, flipHorizontal, flipVertical, pixelAspect);
    }

    public ViewportTransform fitted() {
        return new ViewportTransform(true, zoom, 0, 0, quarterTurns, flipHorizontal, flipVertical, pixelAspect);
    }

    public ViewportTransform panBy(double dx, double dy) {
        return new ViewportTransform(fitToWindow, zoom, panX + dx, panY + dy, quarterTurns, flipHorizontal,
                flipVertical, pixelAspect);
    }

    public ViewportTransform rotateClockwise() {
        return new ViewportTransform(fitToWindow, zoom, panX, panY, quarterTurns + 1, flipHorizontal, flipVertical,
                pixelAspect);
    }

    public ViewportTransform rotateCounterClockwise() {
        return new ViewportTransform(fitToWindow, zoom, panX, panY, quarterTurns + 3, flipHorizontal, flipVertical,
                pixelAspect);
    }

    public ViewportTransform flippedHorizontally() {
        return new ViewportTransform(fitToWindow, zoom, panX, panY, quarterTurns, !flipHorizontal, flipVertical,
                pixelAspect);
    }

    public ViewportTransform flippedVertically() {
        return new ViewportTransform(fitToWindow, zoom, panX, panY, quarterTurns, flipHorizontal, !flipVertical,
                pixelAspect);
    }

    public ViewportTransform withPixelAspect(double aspect) {
        return new ViewportTransform(fitToWindow, zoom, panX, panY, quarterTurns, flipHorizontal, flipVertical, aspect);
    }
}
