package org.radmamba.viewer.fx.model;

import javafx.beans.property.ObjectProperty;
import javafx.geometry.Point2D;
import org.radmamba.viewer.fx.measure.ImagePoint;

/**
 * What the mouse tools act on: a viewer viewport or an MPR plane. One set of gestures (the view's
 * {@code ToolGestures}) drives both, so a tool does the same in every viewport.
 */
public interface ToolTarget {

    /** The tool of the left button. */
    ObjectProperty<Tool> toolProperty();

    void beginWindowDrag();

    /** Sets the window from the drag since {@link #beginWindowDrag} (screen pixels). */
    void dragWindow(double dx, double dy);

    void endWindowDrag();

    void panBy(double dx, double dy);

    /** Zooms by {@code factor} keeping the image point under {@code anchor} (view coordinates) where it is. */
    void zoomAbout(double factor, Point2D anchor);

    void beginMeasurement(ImagePoint at);

    void updateMeasurement(ImagePoint at);

    void finishMeasurement(ImagePoint at);

    /** A click: selects the measurement within {@code tolerance} image pixels (or completes an angle). */
    void clickAt(ImagePoint at, double tolerance);
}
