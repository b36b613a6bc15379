package org.radmamba.app.gui.ai;

import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import org.radmamba.viewer.sr.MeasurementReport;
import org.radmamba.viewer.sr.SrCodes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The findings of the DICOM Structured Reports among the opened files, without a screen: each report read (or the
 * one-line reason it could not be), and the text shown for what is on screen — the reports that reference the
 * active image, or the report whose series the active viewport shows. UI thread only.
 */
public final class ReportFindingsViewModel {

    private final Map<Path, MeasurementReport> reports = new LinkedHashMap<>();
    private final Map<Path, String> failures = new LinkedHashMap<>();
    private final ReadOnlyStringWrapper text = new ReadOnlyStringWrapper(this, "text", "");
    private String activeImage;
    private List<Path> activeReportFiles = List.of();

    /** A report read from its file. */
    public void record(MeasurementReport report) {
        reports.put(report.file(), report);
        failures.remove(report.file());
        refresh();
    }

    /** A report that could not be read: {@code reason} is one line naming the file. */
    public void recordFailure(Path file, String reason) {
        failures.put(file, reason.lines().findFirst().orElse(reason));
        reports.remove(file);
        refresh();
    }

    /**
     * What is on screen: {@code imageKey} (SOP Instance UID "#" 0-based frame, null when no image) and the files of
     * the series shown when it is a series of reports (empty otherwise).
     */
    public void show(String imageKey, List<Path> reportFilesShown) {
        activeImage = imageKey;
        activeReportFiles = List.copyOf(reportFilesShown);
        refresh();
    }

    /** The findings shown, "" when none apply. */
    public ReadOnlyStringProperty textProperty() {
        return text.getReadOnlyProperty();
    }

    private void refresh() {
        List<String> blocks = new ArrayList<>();
        for (Path file : activeReportFiles) {
            if (failures.containsKey(file)) {
                blocks.add(failures.get(file));
            } else if (reports.containsKey(file)) {
                blocks.add(describe(reports.get(file), null));
            }
        }
        if (activeReportFiles.isEmpty() && activeImage != null) {
            for (MeasurementReport report : reports.values()) {
                if (references(report, activeImage)) {
                    blocks.add(describe(report, activeImage));
                }
            }
        }
        text.set(String.join("\n\n", blocks));
    }

    /** True when a group of {@code report} references the image {@code key} ("uid#frame", frame 0-based). */
    private static boolean references(MeasurementReport report, String key) {
        return report.groups().stream().anyMatch(g -> referencesImage(g, key));
    }

    private static boolean referencesImage(MeasurementReport.Group group, String key) {
        int hash = key.lastIndexOf('#');
        String uid = hash < 0 ? key : key.substring(0, hash);
        int frame = hash < 0 ? 0 : Integer.parseInt(key.substring(hash + 1));
        return group.references().stream().anyMatch(r -> r.sopInstanceUid().equals(uid)
                && (r.frameNumbers().isEmpty() || r.frameNumbers().contains(frame + 1)));
    }

    /**
     * The report as the panel shows it: title and observer, each group (only those referencing {@code image} when
     * it is given) with its finding and measurements, then the comments.
     */
    static String describe(MeasurementReport report, String image) {
        StringBuilder s = new StringBuilder(report.title().meaning());
        if (!report.observer().isEmpty()) {
            s.append(" — ").append(report.observer());
        }
        for (MeasurementReport.Group g : report.groups()) {
            if (image != null && !referencesImage(g, image) && !g.references().isEmpty()) {
                continue;
            }
            s.append('\n');
            s.append(g.trackingIdentifier().isEmpty() ? "Measurement group" : g.trackingIdentifier());
            g.finding().ifPresent(f -> s.append(": ").append(f.meaning()));
            for (MeasurementReport.Measurement m : g.measurements()) {
                s.append("\n  ").append(m.concept().meaning()).append(": ").append(value(m));
            }
            for (MeasurementReport.Evaluation e : g.evaluations()) {
                if (!e.concept().means(SrCodes.ALGORITHM_PARAMETERS)) {
                    s.append("\n  ").append(e.concept().meaning()).append(": ").append(e.value());
                }
            }
        }
        report.comments().forEach(c -> s.append('\n').append(c));
        return s.toString();
    }

    /** A probability (UCUM "1") as a percentage, as the class bars show it; anything else with its unit. */
    static String value(MeasurementReport.Measurement m) {
        if (m.unit().means(SrCodes.NO_UNITS)) {
            return String.format(Locale.ROOT, "%.1f %%", 100 * m.value());
        }
        String unit = m.unit().value().isEmpty() ? m.unit().meaning() : m.unit().value();
        // Six significant digits, without trailing zeros: 0.144 mL, 1234.5 mm3.
        String number = new java.math.BigDecimal(m.value()).round(new java.math.MathContext(6)).stripTrailingZeros()
                .toPlainString();
        return number + " " + unit;
    }
}
