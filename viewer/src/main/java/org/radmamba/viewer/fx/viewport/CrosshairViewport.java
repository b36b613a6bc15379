package org.radmamba.viewer.fx.viewport;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.geometry.Point2D;
import javafx.scene.paint.Color;
import javafx.scene.shape.Line;
import javafx.scene.transform.Affine;

/**
 * An {@link ImageViewport} with the MPR crosshair: a vertical and a horizontal reference line through the image
 * point (crosshairX, crosshairY), each in the colour of the plane it stands for, drawn across the image.
 */
public final class CrosshairViewport extends ImageViewport {

    private final Line vertical = line();
    private final Line horizontal = line();
    private final DoubleProperty crosshairX = new SimpleDoubleProperty(this, "crosshairX", Double.NaN);
    private final DoubleProperty crosshairY = new SimpleDoubleProperty(this, "crosshairY", Double.NaN);

    public CrosshairViewport() {
        getChildren().addAll(vertical, horizontal);
        crosshairX.addListener((obs, o, n) -> requestLayout());
        crosshairY.addListener((obs, o, n) -> requestLayout());
        transformProperty().addListener((obs, o, n) -> requestLayout());
    }

    private static Line line() {
        Line l = new Line();
        l.setManaged(false);
        l.setMouseTransparent(true);
        l.setStrokeWidth(1);
        l.setOpacity(0.85);
        return l;
    }

    /** Colours of the vertical and horizontal lines (the planes they stand for). */
    public void setLineColours(Color verticalColour, Color horizontalColour) {
        vertical.setStroke(verticalColour);
        horizontal.setStroke(horizontalColour);
    }

    @Override
    protected void layoutChildren() {
        super.layoutChildren();
        double x = crosshairX.get();
        double y = crosshairY.get();
        boolean shown = imageProperty().get() != null && Double.isFinite(x) && Double.isFinite(y);
        vertical.setVisible(shown);
        horizontal.setVisible(shown);
        if (!shown) {
            return;
        }
        double w = imageProperty().get().getWidth();
        double h = imageProperty().get().getHeight();
        Affine toScreen = imageToScreen();
        Point2D top = toScreen.transform(x, 0);
        Point2D bottom = toScreen.transform(x, h);
        Point2D left = toScreen.transform(0, y);
        Point2D right = toScreen.transform(w, y);
        vertical.setStartX(top.getX());
        vertical.setStartY(top.getY());
        vertical.setEndX(bottom.getX());
        vertical.setEndY(bottom.getY());
        horizontal.setStartX(left.getX());
        horizontal.setStartY(left.getY());
        horizontal.setEndX(right.getX());
        horizontal.setEndY(right.getY());
    }

    /** Image x of the vertical line (pixel i's centre at i + 0.5); NaN hides the crosshair. */
    public DoubleProperty crosshairXProperty() {
        return crosshairX;
    }

    /** Image y of the horizontal line. */
    public DoubleProperty crosshairYProperty() {
        return crosshairY;
    }

    /** The vertical line, for tests that look at what is on screen. */
    public Line verticalLine() {
        return vertical;
    }

    /** The horizontal line. */
    public Line horizontalLine() {
        return horizontal;
    }
}
