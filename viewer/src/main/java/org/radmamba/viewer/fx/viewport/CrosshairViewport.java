package org.radmamba.viewer.fx.viewport;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.geometry.Point2D;
import javafx.scene.paint.Color;
import javafx.scene.shape.Line;
import javafx.scene.transform.Affine;

/**
 * An {@link ImageViewport} with the MPR crosshair: a vertical and a horizontal reference line through the image
 * point (crosshairX, crosshairY), each in the colour of the plane it stands for, drawn across the image; both turned
 * by the line angle when the planes they stand for are turned.
 */
public final class CrosshairViewport extends ImageViewport {

    private final Line vertical = line();
    private final Line horizontal = line();
    private final DoubleProperty crosshairX = new SimpleDoubleProperty(this, "crosshairX", Double.NaN);
    private final DoubleProperty crosshairY = new SimpleDoubleProperty(this, "crosshairY", Double.NaN);
    private final DoubleProperty lineAngle = new SimpleDoubleProperty(this, "lineAngle", 0);

    public CrosshairViewport() {
        getChildren().addAll(vertical, horizontal);
        crosshairX.addListener((obs, o, n) -> requestLayout());
        crosshairY.addListener((obs, o, n) -> requestLayout());
        lineAngle.addListener((obs, o, n) -> requestLayout());
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
        if (lineAngle.get() != 0) {
            // Turned: both lines through the crosshair, turned on the screen (where a millimetre is as long across
            // as down), long enough to cross the viewport.
            Point2D centre = toScreen.transform(x, y);
            double reach = getWidth() + getHeight();
            place(vertical, centre, turned(toScreen.deltaTransform(0, 1)), reach);
            place(horizontal, centre, turned(toScreen.deltaTransform(1, 0)), reach);
            return;
        }
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

    private Point2D turned(Point2D direction) {
        double[] unit = CrosshairHandles.lineDirection(direction.getX(), direction.getY(), lineAngle.get());
        return new Point2D(unit[0], unit[1]);
    }

    private static void place(Line line, Point2D centre, Point2D direction, double reach) {
        line.setStartX(centre.getX() - reach * direction.getX());
        line.setStartY(centre.getY() - reach * direction.getY());
        line.setEndX(centre.getX() + reach * direction.getX());
        line.setEndY(centre.getY() + reach * direction.getY());
    }

    /** How far both lines are turned about the crosshair, degrees clockwise on the screen (an oblique MPR). */
    public DoubleProperty lineAngleProperty() {
        return lineAngle;
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
