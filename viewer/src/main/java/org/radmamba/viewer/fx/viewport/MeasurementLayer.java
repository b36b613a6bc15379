package org.radmamba.viewer.fx.viewport;

import javafx.geometry.Point2D;
import javafx.geometry.VPos;
import javafx.scene.Group;
import javafx.scene.Node;
import javafx.scene.paint.Color;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Polygon;
import javafx.scene.shape.Polyline;
import javafx.scene.text.Font;
import javafx.scene.text.Text;
import javafx.scene.transform.Affine;
import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.measure.Measurement;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Draws measurements in screen space from their image coordinates, so lines stay one pixel wide at any zoom.
 * A handful of shapes per measurement; rebuilt on every layout, which is cheap for the few a user draws.
 */
final class MeasurementLayer extends Group {

    private static final Color COMPLETE = Color.rgb(255, 210, 0);
    private static final Color DRAFT = Color.rgb(0, 220, 255);
    static final Color SELECTED = Color.rgb(255, 90, 60);
    private static final int ELLIPSE_SEGMENTS = 72;

    MeasurementLayer() {
        setMouseTransparent(true);
    }

    void redraw(Affine toScreen, List<Measurement> measurements, Measurement selected, Measurement draft,
                Function<Measurement, String> labels) {
        List<Node> nodes = new ArrayList<>();
        if (toScreen != null) {
            for (Measurement m : measurements) {
                // Selected: another colour and thicker lines, for readers who do not tell the two colours apart.
                boolean isSelected = m == selected;
                draw(m, toScreen, isSelected ? SELECTED : COMPLETE, isSelected ? 2.5 : 1, labels.apply(m), nodes);
            }
            if (draft != null) {
                draw(draft, toScreen, DRAFT, 1, labels.apply(draft), nodes);
            }
        }
        getChildren().setAll(nodes);
    }

    private static void draw(Measurement m, Affine toScreen, Color colour, double width, String label,
                             List<Node> out) {
        List<Point2D> outline = switch (m) {
            case Measurement.Distance d -> screen(toScreen, d.points());
            case Measurement.Angle a -> screen(toScreen, a.points());
            case Measurement.RectangleRoi r -> screen(toScreen, List.of(
                    new ImagePoint(r.minX(), r.minY()), new ImagePoint(r.maxX(), r.minY()),
                    new ImagePoint(r.maxX(), r.maxY()), new ImagePoint(r.minX(), r.maxY())));
            case Measurement.EllipseRoi e -> screen(toScreen, ellipse(e));
        };
        boolean closed = m instanceof Measurement.Region;
        if (closed) {
            Polygon p = new Polygon(flatten(outline));
            p.setFill(null);
            p.setStroke(colour);
            p.setStrokeWidth(width);
            out.add(p);
        } else {
            Polyline p = new Polyline(flatten(outline));
            p.setStroke(colour);
            p.setStrokeWidth(width);
            out.add(p);
        }
        for (Point2D handle : screen(toScreen, m.points())) {
            Circle c = new Circle(handle.getX(), handle.getY(), 2.5, colour);
            out.add(c);
        }
        if (label != null && !label.isEmpty()) {
            Point2D anchor = labelAnchor(outline);
            Text t = new Text(anchor.getX() + 6, anchor.getY() + 4, label);
            t.setFill(colour);
            t.setFont(Font.font("System", 12));
            t.setTextOrigin(VPos.TOP);
            out.add(t);
        }
    }

    /** Bottom-right-most point of the outline: labels sit beside the figure, not on it. */
    private static Point2D labelAnchor(List<Point2D> outline) {
        Point2D best = outline.getFirst();
        for (Point2D p : outline) {
            if (p.getX() + p.getY() > best.getX() + best.getY()) {
                best = p;
            }
        }
        return best;
    }

    private static List<ImagePoint> ellipse(Measurement.EllipseRoi e) {
        double cx = (e.minX() + e.maxX()) / 2;
        double cy = (e.minY() + e.maxY()) / 2;
        double rx = (e.maxX() - e.minX()) / 2;
        double ry = (e.maxY() - e.minY()) / 2;
        List<ImagePoint> points = new ArrayList<>(ELLIPSE_SEGMENTS);
        for (int i = 0; i < ELLIPSE_SEGMENTS; i++) {
            double t = 2 * Math.PI * i / ELLIPSE_SEGMENTS;
            points.add(new ImagePoint(cx + rx * Math.cos(t), cy + ry * Math.sin(t)));
        }
        return points;
    }

    private static List<Point2D> screen(Affine toScreen, List<ImagePoint> points) {
        List<Point2D> out = new ArrayList<>(points.size());
        for (ImagePoint p : points) {
            out.add(toScreen.transform(p.x(), p.y()));
        }
        return out;
    }

    private static double[] flatten(List<Point2D> points) {
        double[] xy = new double[points.size() * 2];
        for (int i = 0; i < points.size(); i++) {
            xy[2 * i] = points.get(i).getX();
            xy[2 * i + 1] = points.get(i).getY();
        }
        return xy;
    }
}
