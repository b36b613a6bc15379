package org.radmamba.viewer.fx.measure;

import java.util.List;

/** A measurement drawn on an image, in image pixel coordinates. */
public sealed interface Measurement {

    /** The points the user placed, in order: handles for drawing and editing. */
    List<ImagePoint> points();

    /** The figure to show next to it, e.g. "42.1 mm" or "mean 40.2 HU, SD 3.1 ...". */
    String label(Calibration spacing, PixelValues values);

    record Distance(ImagePoint from, ImagePoint to) implements Measurement {
        public double length(Calibration spacing) {
            return spacing.length(from, to);
        }

        @Override
        public List<ImagePoint> points() {
            return List.of(from, to);
        }

        @Override
        public String label(Calibration spacing, PixelValues values) {
            String note = spacing.source() == Calibration.Source.IMAGER_PIXEL_SPACING
                    ? " (" + spacing.source().note() + ")" : "";
            return String.format("%.1f %s%s", length(spacing), spacing.lengthUnit(), note);
        }
    }

    /** The angle at {@code vertex} between the rays to {@code first} and {@code second}, in physical space. */
    record Angle(ImagePoint first, ImagePoint vertex, ImagePoint second) implements Measurement {
        public double degrees(Calibration spacing) {
            double ax = (first.x() - vertex.x()) * spacing.columnSpacingMm();
            double ay = (first.y() - vertex.y()) * spacing.rowSpacingMm();
            double bx = (second.x() - vertex.x()) * spacing.columnSpacingMm();
            double by = (second.y() - vertex.y()) * spacing.rowSpacingMm();
            double cross = ax * by - ay * bx;
            double dot = ax * bx + ay * by;
            return Math.toDegrees(Math.abs(Math.atan2(cross, dot)));
        }

        @Override
        public List<ImagePoint> points() {
            return List.of(first, vertex, second);
        }

        @Override
        public String label(Calibration spacing, PixelValues values) {
            return String.format("%.1f°", degrees(spacing));
        }
    }

    /** An axis-aligned region between two opposite corners; statistics by {@link RoiStatistics}. */
    sealed interface Region extends Measurement permits RectangleRoi, EllipseRoi {
        ImagePoint corner();

        ImagePoint oppositeCorner();

        default double minX() {
            return Math.min(corner().x(), oppositeCorner().x());
        }

        default double maxX() {
            return Math.max(corner().x(), oppositeCorner().x());
        }

        default double minY() {
            return Math.min(corner().y(), oppositeCorner().y());
        }

        default double maxY() {
            return Math.max(corner().y(), oppositeCorner().y());
        }

        /** Whether the point lies inside the region (pixel centres are tested, at c + 0.5, r + 0.5). */
        boolean contains(double x, double y);

        /** Geometric area in square pixels. */
        double areaPixels();

        @Override
        default List<ImagePoint> points() {
            return List.of(corner(), oppositeCorner());
        }

        @Override
        default String label(Calibration spacing, PixelValues values) {
            return RoiStatistics.of(this, values, spacing).describe();
        }
    }

    record RectangleRoi(ImagePoint corner, ImagePoint oppositeCorner) implements Region {
        @Override
        public boolean contains(double x, double y) {
            return x >= minX() && x < maxX() && y >= minY() && y < maxY();
        }

        @Override
        public double areaPixels() {
            return (maxX() - minX()) * (maxY() - minY());
        }
    }

    record EllipseRoi(ImagePoint corner, ImagePoint oppositeCorner) implements Region {
        @Override
        public boolean contains(double x, double y) {
            double rx = (maxX() - minX()) / 2;
            double ry = (maxY() - minY()) / 2;
            if (rx <= 0 || ry <= 0) {
                return false;
            }
            double nx = (x - (minX() + rx)) / rx;
            double ny = (y - (minY() + ry)) / ry;
            return nx * nx + ny * ny <= 1;
        }

        @Override
        public double areaPixels() {
            return Math.PI * (maxX() - minX()) / 2 * (maxY() - minY()) / 2;
        }
    }
}
