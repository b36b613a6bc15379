package org.radmamba.viewer.fx.measure;

import java.util.List;
import java.util.Optional;

/**
 * Which measurement a click lands on. A click near a line (a distance, an angle's arms, a region's outline) picks
 * the nearest such line; a click inside a region, away from every line, picks the smallest region around it.
 * Everything is in image pixel coordinates.
 */
public final class MeasurementHit {

    private static final int ELLIPSE_SEGMENTS = 72;

    private MeasurementHit() {
    }

    /** The measurement under {@code at}, lines within {@code tolerance} image pixels counting as under it. */
    public static Optional<Measurement> at(List<Measurement> measurements, ImagePoint at, double tolerance) {
        Measurement nearest = null;
        double nearestDistance = Double.POSITIVE_INFINITY;
        for (Measurement m : measurements) {
            double d = distanceToOutline(m, at);
            if (d <= tolerance && d < nearestDistance) {
                nearest = m;
                nearestDistance = d;
            }
        }
        if (nearest != null) {
            return Optional.of(nearest);
        }
        Measurement.Region smallest = null;
        for (Measurement m : measurements) {
            if (m instanceof Measurement.Region r && r.contains(at.x(), at.y())
                    && (smallest == null || r.areaPixels() < smallest.areaPixels())) {
                smallest = r;
            }
        }
        return Optional.ofNullable(smallest);
    }

    /** Distance in image pixels from {@code p} to the lines drawn for {@code m}. */
    public static double distanceToOutline(Measurement m, ImagePoint p) {
        List<ImagePoint> polyline = switch (m) {
            case Measurement.Distance d -> List.of(d.from(), d.to());
            case Measurement.Angle a -> List.of(a.first(), a.vertex(), a.second());
            case Measurement.RectangleRoi r -> List.of(new ImagePoint(r.minX(), r.minY()),
                    new ImagePoint(r.maxX(), r.minY()), new ImagePoint(r.maxX(), r.maxY()),
                    new ImagePoint(r.minX(), r.maxY()), new ImagePoint(r.minX(), r.minY()));
            case Measurement.EllipseRoi e -> ellipse(e);
        };
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i + 1 < polyline.size(); i++) {
            best = Math.min(best, segmentDistance(p, polyline.get(i), polyline.get(i + 1)));
        }
        return best;
    }

    private static List<ImagePoint> ellipse(Measurement.EllipseRoi e) {
        double cx = (e.minX() + e.maxX()) / 2;
        double cy = (e.minY() + e.maxY()) / 2;
        double rx = (e.maxX() - e.minX()) / 2;
        double ry = (e.maxY() - e.minY()) / 2;
        ImagePoint[] points = new ImagePoint[ELLIPSE_SEGMENTS + 1];
        for (int i = 0; i <= ELLIPSE_SEGMENTS; i++) {
            double t = 2 * Math.PI * i / ELLIPSE_SEGMENTS;
            points[i] = new ImagePoint(cx + rx * Math.cos(t), cy + ry * Math.sin(t));
        }
        return List.of(points);
    }

    private static double segmentDistance(ImagePoint p, ImagePoint a, ImagePoint b) {
        double dx = b.x() - a.x();
        double dy = b.y() - a.y();
        double lengthSquared = dx * dx + dy * dy;
        double t = lengthSquared == 0 ? 0
                : Math.clamp(((p.x() - a.x()) * dx + (p.y() - a.y()) * dy) / lengthSquared, 0, 1);
        return Math.hypot(p.x() - (a.x() + t * dx), p.y() - (a.y() + t * dy));
    }
}
