package org.radmamba.viewer.fx.model;

import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.measure.PixelValues;
import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.study.ImageGeometry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The text in a viewport's four corners, from what is in view: patient and study top left, series and slice top
 * right, load state, window, zoom and inversion bottom left, the pixel probe bottom right. Pure functions of their
 * arguments, apart from {@link ViewportViewModel}'s properties, so that every line can be tested without JavaFX.
 */
public final class CornerText {

    private CornerText() {
    }

    /** Patient name ("FAMILY, GIVEN"), "ID …", study date (ISO), study description; empty lines dropped at the ends. */
    public static String topLeft(String patientName, String patientId, String studyDate, String studyDescription) {
        return String.join("\n", personName(patientName), "ID " + patientId, formatDate(studyDate), studyDescription)
                .strip();
    }

    /**
     * Series description and number, "Image n / count" ({@code slice} counts from 0), then the slice's position
     * along the normal and its thickness where the image's geometry gives them.
     */
    public static String topRight(String seriesDescription, int seriesNumber, int slice, int sliceCount,
                                  ImageGeometry geometry) {
        List<String> lines = new ArrayList<>();
        lines.add(seriesDescription);
        lines.add("Series " + seriesNumber);
        lines.add("Image " + (slice + 1) + " / " + sliceCount);
        if (geometry != null) {
            geometry.positionAlongNormal().ifPresent(z -> lines.add(String.format(Locale.ROOT, "Pos %.1f mm", z)));
            if (!Double.isNaN(geometry.sliceThickness())) {
                lines.add(String.format(Locale.ROOT, "Thick %.1f mm", geometry.sliceThickness()));
            }
        }
        return String.join("\n", lines);
    }

    /**
     * {@code loadState} ("Loading…", "Cannot display: …", or null once the slice is shown), the window (greyscale
     * only) or VOI LUT, the zoom ({@code zoom} NaN without an image) and "Inverted".
     */
    public static String bottomLeft(String loadState, Voi voi, boolean greyscale, double zoom, boolean inverted) {
        List<String> lines = new ArrayList<>();
        if (loadState != null) {
            lines.add(loadState);
        }
        if (voi instanceof Voi.Window w && greyscale) {
            lines.add(String.format(Locale.ROOT, "W %s L %s%s", number(w.width()), number(w.center()),
                    w.explanation().isEmpty() ? "" : "  " + w.explanation()));
        } else if (voi instanceof Voi.Lut l) {
            lines.add("VOI LUT " + l.explanation());
        }
        if (!Double.isNaN(zoom)) {
            lines.add(String.format(Locale.ROOT, "Zoom %.0f%%", zoom * 100));
        }
        if (inverted) {
            lines.add("Inverted");
        }
        return String.join("\n", lines);
    }

    /**
     * The probe line for image point {@code at}: pixel column and row, stored and real-world value with its unit;
     * "" off the image, without a point or without values.
     */
    public static String probe(PixelValues values, ImagePoint at) {
        if (at == null || values == null) {
            return "";
        }
        int x = (int) Math.floor(at.x());
        int y = (int) Math.floor(at.y());
        if (x < 0 || y < 0 || x >= values.width() || y >= values.height()) {
            return "";
        }
        String unit = values.unit().isEmpty() ? "" : " " + values.unit();
        return String.format(Locale.ROOT, "x %d y %d  stored %s  value %s%s", x, y, number(values.stored(x, y)),
                number(values.real(x, y)), unit);
    }

    /** Whole numbers without a fraction, others to one decimal. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.1f", v);
    }

    /** DICOM PN "FAMILY^GIVEN" as "FAMILY, GIVEN". */
    static String personName(String pn) {
        if (pn == null || pn.isBlank()) {
            return "";
        }
        String[] parts = pn.split("\\^");
        return parts.length >= 2 && !parts[1].isBlank() ? parts[0] + ", " + String.join(" ",
                Arrays.copyOfRange(parts, 1, parts.length)).strip() : parts[0];
    }

    /** DA "YYYYMMDD" as "YYYY-MM-DD"; other forms unchanged. */
    static String formatDate(String da) {
        if (da != null && da.length() == 8 && da.chars().allMatch(Character::isDigit)) {
            return da.substring(0, 4) + "-" + da.substring(4, 6) + "-" + da.substring(6);
        }
        return da == null ? "" : da;
    }
}
