package org.radmamba.app.ai;

import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.seg.SegmentationWriter;
import org.radmamba.viewer.sr.MeasurementReportWriter;
import org.radmamba.viewer.sr.MeasurementReportWriter.Algorithm;
import org.radmamba.viewer.sr.MeasurementReportWriter.Quantity;
import org.radmamba.viewer.sr.MeasurementReportWriter.SourceImage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The one way AI results become DICOM that a PACS keeps, for the viewer's export and the command line alike: a
 * classification as a Structured Report (TID 1500); a segmentation as a DICOM Segmentation and a Structured Report
 * that measures its segments and references it. {@link Written#files()} are the files to store or send, the
 * Segmentation first (the report references it, so a receiver that checks references gets it before).
 */
public final class AiDicomExport {

    private AiDicomExport() {
    }

    /** A result and the DICOM file and 1-based frame it was made from. */
    public record Sourced<R extends AiResult>(Path file, int frameNumber, R result) {
    }

    /** What was written: the files to send, in that order, and one line for the user. */
    public record Written(List<Path> files, String summary) {
        public Written {
            files = List.copyOf(files);
        }
    }

    /**
     * The model as a report names it: the card's name; as version, "sha256:" and the first 12 hex digits of its
     * checkpoint (cards carry no version number, and the weights are what a result depends on); the full hash.
     */
    public static Algorithm algorithmOf(ModelCard card) {
        String sha = card.sha256().toLowerCase(Locale.ROOT);
        return new Algorithm(card.name(), "sha256:" + sha.substring(0, 12), sha);
    }

    /** Where the Segmentation of a report written to {@code report} goes: beside it, "-seg" before ".dcm". */
    public static Path segmentationFileFor(Path report) {
        String name = report.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".dcm") ? name.substring(0, name.length() - 4) : name;
        return report.resolveSibling(stem + "-seg.dcm");
    }

    /** Classifications of DICOM images of one study by {@code card}'s model, as one report at {@code target}. */
    public static Written classification(DicomReader reader, ModelCard card,
                                         List<Sourced<ClassificationResult>> results, Path target) throws IOException {
        requireOneModel(card, results);
        List<MeasurementReportWriter.ImageClassification> images = new ArrayList<>();
        for (Sourced<ClassificationResult> r : results) {
            ClassificationResult c = r.result();
            List<MeasurementReportWriter.ClassProbability> classes = new ArrayList<>();
            for (int i = 0; i < c.labels().size(); i++) {
                classes.add(new MeasurementReportWriter.ClassProbability(c.labels().get(i), c.probabilities()[i]));
            }
            images.add(new MeasurementReportWriter.ImageClassification(new SourceImage(r.file(), r.frameNumber()), classes));
        }
        return classifications(reader, card, images, target);
    }

    /**
     * As {@link #classification}, from each image's class probabilities as already recorded (a batch run's rows):
     * the one way a classification report is made.
     */
    public static Written classifications(DicomReader reader, ModelCard card,
                                          List<MeasurementReportWriter.ImageClassification> images, Path target)
            throws IOException {
        MeasurementReportWriter.Written report = new MeasurementReportWriter(reader).write(new MeasurementReportWriter.Request(
                algorithmOf(card), card.attribution(), "RadMamba: " + card.attribution(),
                new MeasurementReportWriter.Classifications(images)), target);
        return new Written(List.of(report.file()), report.summary());
    }

    /**
     * Masks over DICOM images of one study by {@code card}'s model: the Segmentation at
     * {@link #segmentationFileFor(Path) segmentationFileFor(target)}, and at {@code target} the report of each
     * class's volume in mL (several images and a known slice distance), else its area in mm² (pixel spacing known),
     * else its pixel count.
     */
    public static Written segmentation(DicomReader reader, ModelCard card, List<Sourced<SegmentationResult>> results,
                                       OptionalDouble sliceSpacingMm, Path target) throws IOException {
        requireOneModel(card, results);
        SegmentationResult first = results.getFirst().result();
        List<SegmentationWriter.SourceMask> masks = new ArrayList<>();
        List<SourceImage> sources = new ArrayList<>();
        List<SegmentationResult> slices = new ArrayList<>();
        for (Sourced<SegmentationResult> r : results) {
            masks.add(new SegmentationWriter.SourceMask(r.file(), r.frameNumber(), r.result().mask().labels()));
            sources.add(new SourceImage(r.file(), r.frameNumber()));
            slices.add(r.result());
        }
        SegmentationWriter.Written seg = new SegmentationWriter(reader).write(new SegmentationWriter.Request(masks,
                first.labels(), card.attribution(), "RadMamba: " + card.attribution()), segmentationFileFor(target));
        List<MeasurementReportWriter.SegmentMeasurement> segments = new ArrayList<>();
        for (int k = 1; k <= first.labels().size(); k++) {
            segments.add(measure(slices, k, first.labels().get(k - 1), sliceSpacingMm));
        }
        MeasurementReportWriter.Written report = new MeasurementReportWriter(reader).write(new MeasurementReportWriter.Request(
                algorithmOf(card), card.attribution(), "RadMamba: " + card.attribution(),
                new MeasurementReportWriter.SegmentMeasurements(seg.file(), sources, segments)), target);
        return new Written(List.of(seg.file(), report.file()), seg.summary() + "; " + report.summary());
    }

    /**
     * One line for a failed export to {@code target}: a source that cannot be referenced names itself (its
     * message begins with the file), a file that cannot be written says so.
     */
    public static String problem(String command, Path target, Exception e) {
        if (e instanceof DicomReadException || e instanceof IllegalArgumentException) {
            return command + ": " + e.getMessage();
        }
        String reason = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                : e instanceof java.nio.file.NoSuchFileException ? "no such folder" : String.valueOf(e.getMessage());
        return command + ": " + target + ": cannot be written (" + reason + ")";
    }

    private static MeasurementReportWriter.SegmentMeasurement measure(List<SegmentationResult> slices, int label,
                                                                      String name, OptionalDouble sliceSpacingMm) {
        if (slices.size() > 1 && sliceSpacingMm.isPresent()) {
            OptionalDouble mm3 = SegmentationResult.volumeMm3(slices, label, sliceSpacingMm.getAsDouble());
            if (mm3.isPresent()) {
                return new MeasurementReportWriter.SegmentMeasurement(label, name, Quantity.VOLUME_ML, mm3.getAsDouble() / 1000);
            }
        }
        double mm2 = 0;
        long pixels = 0;
        boolean spaced = true;
        for (SegmentationResult s : slices) {
            OptionalDouble area = s.areaMm2(label);
            spaced &= area.isPresent();
            mm2 += area.orElse(0);
            pixels += s.pixels(label);
        }
        return spaced ? new MeasurementReportWriter.SegmentMeasurement(label, name, Quantity.AREA_MM2, mm2)
                : new MeasurementReportWriter.SegmentMeasurement(label, name, Quantity.PIXEL_COUNT, pixels);
    }

    private static void requireOneModel(ModelCard card, List<? extends Sourced<?>> results) {
        if (results.isEmpty()) {
            throw new IllegalArgumentException("no result to write");
        }
        for (Sourced<?> r : results) {
            if (!r.result().modelId().equals(card.id())) {
                throw new IllegalArgumentException("a result of " + r.result().modelId() + " among those of " + card.id()
                        + "; one report holds one model's results");
            }
        }
    }
}
