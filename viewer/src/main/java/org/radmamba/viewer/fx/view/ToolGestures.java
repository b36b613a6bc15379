package org.radmamba.viewer.fx.view;

import javafx.geometry.Point2D;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.model.Tool;
import org.radmamba.viewer.fx.model.ToolTarget;
import org.radmamba.viewer.fx.viewport.ImageViewport;

import java.util.function.Consumer;

/**
 * The mouse tools of a viewport, mapped onto its {@link ToolTarget}: left button the current tool, right
 * window/level, middle pan; a left click selects the measurement under it. The viewer's viewports and the MPR planes
 * (away from the crosshair's lines) share it, so a tool behaves the same everywhere.
 */
final class ToolGestures {

    private final ImageViewport viewport;
    private final ToolTarget target;
    private final Consumer<ImagePoint> clickWithoutMeasuringTool;
    private MouseButton button;
    private double pressX;
    private double pressY;
    private double lastX;
    private double lastY;

    /**
     * @param clickWithoutMeasuringTool what a left click does while the tool does not measure; null: select the
     *                                  measurement under it, as with a measuring tool
     */
    ToolGestures(ImageViewport viewport, ToolTarget target, Consumer<ImagePoint> clickWithoutMeasuringTool) {
        this.viewport = viewport;
        this.target = target;
        this.clickWithoutMeasuringTool = clickWithoutMeasuringTool;
    }

    void pressed(MouseEvent e) {
        button = e.getButton();
        pressX = lastX = e.getX();
        pressY = lastY = e.getY();
        Tool tool = target.toolProperty().get();
        if (button == MouseButton.SECONDARY || (button == MouseButton.PRIMARY && tool == Tool.WINDOW_LEVEL)) {
            target.beginWindowDrag();
        } else if (button == MouseButton.PRIMARY && tool.measures()) {
            target.beginMeasurement(imagePoint(e));
        }
    }

    void dragged(MouseEvent e) {
        double dx = e.getX() - lastX;
        double dy = e.getY() - lastY;
        lastX = e.getX();
        lastY = e.getY();
        Tool tool = target.toolProperty().get();
        if (button == MouseButton.SECONDARY || (button == MouseButton.PRIMARY && tool == Tool.WINDOW_LEVEL)) {
            target.dragWindow(e.getX() - pressX, e.getY() - pressY);
        } else if (button == MouseButton.MIDDLE || (button == MouseButton.PRIMARY && tool == Tool.PAN)) {
            target.panBy(dx, dy);
        } else if (button == MouseButton.PRIMARY && tool == Tool.ZOOM) {
            target.zoomAbout(Math.exp(-dy / 100), new Point2D(pressX, pressY));
        } else if (button == MouseButton.PRIMARY && tool.measures()) {
            target.updateMeasurement(imagePoint(e));
        }
    }

    void released(MouseEvent e) {
        boolean click = Math.hypot(e.getX() - pressX, e.getY() - pressY) < ViewportView.CLICK_SLOP;
        boolean measuring = target.toolProperty().get().measures();
        if (button == MouseButton.PRIMARY && click && !measuring && clickWithoutMeasuringTool != null) {
            clickWithoutMeasuringTool.accept(imagePoint(e));
        } else if (button == MouseButton.PRIMARY && click) {
            // A click, with any tool: select the measurement under it (or complete an angle).
            target.clickAt(imagePoint(e), ViewportView.CLICK_SLOP / screenPixelsPerImagePixel());
        } else if (button == MouseButton.PRIMARY && measuring) {
            target.finishMeasurement(imagePoint(e));
        }
        target.endWindowDrag();
        button = null;
    }

    private ImagePoint imagePoint(MouseEvent e) {
        Point2D p = viewport.screenToImage(e.getX(), e.getY());
        return new ImagePoint(p.getX(), p.getY());
    }

    private double screenPixelsPerImagePixel() {
        var a = viewport.imageToScreen();
        double scale = Math.sqrt(Math.abs(a.getMxx() * a.getMyy() - a.getMxy() * a.getMyx()));
        return scale > 0 ? scale : 1;
    }
}
