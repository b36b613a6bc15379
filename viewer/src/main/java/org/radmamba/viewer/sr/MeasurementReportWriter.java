package org.radmamba.viewer.sr;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.StudyAttributes;
import org.radmamba.viewer.dicom.Tag;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

import static org.radmamba.viewer.sr.ContentItems.*;
import static org.radmamba.viewer.sr.SrTags.*;

/**
 * Writes the results of one model over images of one study as a DICOM Enhanced SR (PS3.3 A.35.2) whose content
 * follows TID 1500 "Measurement Report": document title (126000, DCM), language, a Device observer (the model,
 * manufacturer RadMamba), the procedure reported, an "Imaging Measurements" container of Measurement Groups, and
 * the model's caveat as a comment under "Qualitative Evaluations". Enhanced SR is the smallest SR IOD that holds
 * every value type written here (CONTAINER, TEXT, CODE, NUM, UIDREF, IMAGE) without by-reference relationships or
 * 3D coordinates, as dcmqi writes TID 1500 too. Patient and study attributes come from the first source image, so
 * the report lands in the images' study, in a series of its own.
 * <p>
 * <b>Classification</b>: one Measurement Group (TID 1501) per image; its Finding (121071, DCM) is the most probable
 * class, and every class is a NUM whose concept is the class itself (a local code, the label as meaning) and whose
 * value is its probability with UCUM unit "1". One group per image rather than one per class (a CODE finding with a
 * probability NUM each) because the probabilities are one softmax distribution over the classes: kept in one group
 * they stay together (and sum to 1), the image is referenced once (IMAGE "Source", 260753009 SCT), and a reader that
 * shows only findings still sees the model's answer.
 * <p>
 * <b>Segmentation</b>: one Measurement Group per segment (TID 1411 Volumetric ROI, or TID 1410 Planar ROI for one
 * image): the class as Finding, the segment of the DICOM Segmentation (121191 "Referenced Segment", with its
 * Referenced Segment Number), each source image (121233, IMAGE), and the volume in mL, else the area in mm², else
 * (no pixel spacing) the pixel count.
 * <p>
 * Every group names the algorithm (TID 4019: 111001 name, 111003 version) and, as its Algorithm Parameters (111002),
 * the checkpoint's SHA-256 (under the NUM in a segment's group, as TID 1419 places it). PixelMed's {@code DicomSRValidator} checks the result against the IOD and TID 1500.
 */
public final class MeasurementReportWriter {

    public static final String ENHANCED_SR_STORAGE = ENHANCED_SR;

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss", Locale.ROOT);

    /**
     * The model that produced the results.
     *
     * @param name             e.g. "MedMamba chest-phantom classifier (demo)"
     * @param version          the model's version as the report states it
     * @param checkpointSha256 64 hexadecimal digits: which weights, exactly
     */
    public record Algorithm(String name, String version, String checkpointSha256) {
        public Algorithm {
            if (checkpointSha256 == null || !checkpointSha256.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("a checkpoint SHA-256 is 64 hexadecimal digits, not " + checkpointSha256);
            }
        }
    }

    /** One frame of a source DICOM image (1-based frame number). */
    public record SourceImage(Path file, int frameNumber) {
    }

    /** One class and its probability. */
    public record ClassProbability(String label, double probability) {
    }

    /** What the classifier said about one image: every class, index-aligned with the model's classes. */
    public record ImageClassification(SourceImage image, List<ClassProbability> classes) {
        public ImageClassification {
            classes = List.copyOf(classes);
            if (classes.isEmpty()) {
                throw new IllegalArgumentException("a classification has at least one class");
            }
        }
    }

    /** What a segment measures. */
    public enum Quantity {
        VOLUME_ML(SrCodes.VOLUME, SrCodes.MILLILITRE),
        AREA_MM2(SrCodes.AREA, SrCodes.SQUARE_MILLIMETRE),
        PIXEL_COUNT(SrCodes.PIXEL_COUNT, SrCodes.PIXELS);

        private final Code concept;
        private final Code unit;

        Quantity(Code concept, Code unit) {
            this.concept = concept;
            this.unit = unit;
        }

        public Code concept() {
            return concept;
        }

        public Code unit() {
            return unit;
        }
    }

    /** One segment (1-based number in the Segmentation) of one class and its size. */
    public record SegmentMeasurement(int segmentNumber, String label, Quantity quantity, double value) {
    }

    /** What the report is about. */
    public sealed interface Findings permits Classifications, SegmentMeasurements {
    }

    /** Classifications of images of one study. */
    public record Classifications(List<ImageClassification> images) implements Findings {
        public Classifications {
            images = List.copyOf(images);
        }
    }

    /** The segments of a DICOM Segmentation over {@code sources}, measured. */
    public record SegmentMeasurements(Path segmentation, List<SourceImage> sources, List<SegmentMeasurement> segments)
            implements Findings {
        public SegmentMeasurements {
            sources = List.copyOf(sources);
            segments = List.copyOf(segments);
        }
    }

    /**
     * @param caveat            what every result of the model says about itself (for a demo model "… not for
     *                          diagnosis"), written as a comment; "" for none
     * @param seriesDescription e.g. "RadMamba: MedMamba chest-phantom classifier (demo)"
     */
    public record Request(Algorithm algorithm, String caveat, String seriesDescription, Findings findings) {
    }

    /** What was written: the new instance's UIDs and the number of measurement groups. */
    public record Written(Path file, String sopInstanceUid, String seriesInstanceUid, int groups) {
        /** One line for the user. */
        public String summary() {
            return "DICOM SR with " + groups + " measurement group(s) saved to " + file;
        }
    }

    /** A source's header fields the report needs. */
    private record Source(Path file, DicomDataset dataset, int frameNumber) {
        String sopClass() {
            return dataset.string(Tag.SOP_CLASS_UID, "");
        }

        String sopInstance() {
            return dataset.string(Tag.SOP_INSTANCE_UID, "");
        }

        String series() {
            return dataset.string(Tag.SERIES_INSTANCE_UID, "");
        }

        String study() {
            return dataset.string(Tag.STUDY_INSTANCE_UID, "");
        }

        /** The frame, for a multi-frame source only (a single-frame image is referenced whole). */
        OptionalInt frame() {
            return dataset.integer(Tag.NUMBER_OF_FRAMES, 1) > 1 ? OptionalInt.of(frameNumber) : OptionalInt.empty();
        }
    }

    private final DicomReader reader;

    public MeasurementReportWriter(DicomReader reader) {
        this.reader = reader;
    }

    public Written write(Request request, Path target) throws IOException {
        List<SourceImage> images = switch (request.findings()) {
            case Classifications c -> c.images().stream().map(ImageClassification::image).toList();
            case SegmentMeasurements s -> s.sources();
        };
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no image to report on");
        }
        List<Source> sources = new ArrayList<>();
        for (SourceImage image : images) {
            sources.add(checked(image, sources.isEmpty() ? null : sources.getFirst()));
        }
        Source first = sources.getFirst();

        List<DicomFileWriter.Dataset> groups = new ArrayList<>();
        List<Source> evidence = new ArrayList<>(sources);
        switch (request.findings()) {
            case Classifications c -> {
                for (int i = 0; i < c.images().size(); i++) {
                    groups.add(classificationGroup(request.algorithm(), c.images().get(i), sources.get(i), i + 1));
                }
            }
            case SegmentMeasurements s -> {
                Source seg = new Source(s.segmentation(), reader.readHeader(s.segmentation()).dataset(), 1);
                if (!seg.study().equals(first.study())) {
                    throw new DicomReadException(seg.file(), "belongs to another study than its source images");
                }
                evidence.add(seg);
                for (SegmentMeasurement m : s.segments()) {
                    groups.add(segmentGroup(request.algorithm(), m, seg, sources));
                }
            }
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("nothing to report: no class and no segment");
        }

        List<DicomFileWriter.Dataset> root = new ArrayList<>();
        root.add(codeValue(HAS_CONCEPT_MOD, SrCodes.LANGUAGE, SrCodes.ENGLISH));
        root.add(codeValue(HAS_OBS_CONTEXT, SrCodes.OBSERVER_TYPE, SrCodes.DEVICE));
        root.add(uidref(HAS_OBS_CONTEXT, SrCodes.DEVICE_OBSERVER_UID, deviceUid(request.algorithm())));
        root.add(text(HAS_OBS_CONTEXT, SrCodes.DEVICE_OBSERVER_NAME, request.algorithm().name()));
        root.add(text(HAS_OBS_CONTEXT, SrCodes.DEVICE_OBSERVER_MANUFACTURER, "RadMamba"));
        root.add(text(HAS_OBS_CONTEXT, SrCodes.DEVICE_OBSERVER_MODEL_NAME, request.algorithm().name() + " "
                + request.algorithm().version()));
        root.add(codeValue(HAS_CONCEPT_MOD, SrCodes.PROCEDURE_REPORTED, SrCodes.IMAGING_PROCEDURE));
        root.add(container(CONTAINS, SrCodes.IMAGING_MEASUREMENTS, groups));
        if (!request.caveat().isBlank()) {
            root.add(container(CONTAINS, SrCodes.QUALITATIVE_EVALUATIONS,
                    List.of(text(CONTAINS, SrCodes.COMMENT, request.caveat()))));
        }

        String sopInstanceUid = StudyAttributes.newUid();
        String seriesInstanceUid = StudyAttributes.newUid();
        LocalDateTime now = LocalDateTime.now();
        DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset();
        StudyAttributes.copyPatientAndStudy(first.dataset(), ds);
        ds.string(Tag.SOP_CLASS_UID, "UI", ENHANCED_SR)
                .string(Tag.SOP_INSTANCE_UID, "UI", sopInstanceUid)
                .string(INSTANCE_CREATION_DATE, "DA", now.format(DATE))
                .string(INSTANCE_CREATION_TIME, "TM", now.format(TIME))
                .string(Tag.MODALITY, "CS", "SR")
                .string(Tag.SERIES_INSTANCE_UID, "UI", seriesInstanceUid)
                .integerString(Tag.SERIES_NUMBER, 9500 + now.toLocalTime().toSecondOfDay() % 500)
                .string(Tag.SERIES_DESCRIPTION, "LO", truncate(request.seriesDescription()))
                .string(SERIES_DATE, "DA", now.format(DATE))
                .string(SERIES_TIME, "TM", now.format(TIME))
                .sequence(REFERENCED_PERFORMED_PROCEDURE_STEP_SEQUENCE, List.of())
                .string(MANUFACTURER, "LO", "RadMamba")
                .string(MANUFACTURER_MODEL_NAME, "LO", "RadMamba viewer")
                .string(SOFTWARE_VERSIONS, "LO", softwareVersion())
                .integerString(Tag.INSTANCE_NUMBER, 1)
                .string(COMPLETION_FLAG, "CS", "COMPLETE")
                // No person has verified what a model said.
                .string(VERIFICATION_FLAG, "CS", "UNVERIFIED")
                .string(CONTENT_DATE, "DA", now.format(DATE))
                .string(CONTENT_TIME, "TM", now.format(TIME))
                .sequence(PERFORMED_PROCEDURE_CODE_SEQUENCE, List.of())
                .sequence(CURRENT_REQUESTED_PROCEDURE_EVIDENCE_SEQUENCE, evidenceOf(evidence))
                // The root content item (SR Document Content module).
                .string(VALUE_TYPE, "CS", "CONTAINER")
                .sequence(CONCEPT_NAME_CODE_SEQUENCE, List.of(code(SrCodes.IMAGING_MEASUREMENT_REPORT)))
                .string(CONTINUITY_OF_CONTENT, "CS", "SEPARATE")
                .sequence(CONTENT_TEMPLATE_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                        .string(MAPPING_RESOURCE, "CS", "DCMR")
                        .string(TEMPLATE_IDENTIFIER, "CS", "1500")))
                .sequence(CONTENT_SEQUENCE, root);
        DicomFileWriter.write(target, ENHANCED_SR, sopInstanceUid, ds);
        return new Written(target, sopInstanceUid, seriesInstanceUid, groups.size());
    }

    private Source checked(SourceImage image, Source first) throws IOException {
        Path file = image.file();
        DicomDataset dataset = reader.readHeader(file).dataset();
        Source source = new Source(file, dataset, image.frameNumber());
        if (source.sopInstance().isEmpty() || source.sopClass().isEmpty() || source.study().isEmpty()) {
            throw new DicomReadException(file, "has no SOP Class, SOP Instance or Study Instance UID for a report to reference");
        }
        if (first != null && !first.study().equals(source.study())) {
            throw new DicomReadException(file, "belongs to another study than " + first.file()
                    + "; one report covers images of one study");
        }
        int frames = Math.max(1, dataset.integer(Tag.NUMBER_OF_FRAMES, 1));
        if (image.frameNumber() < 1 || image.frameNumber() > frames) {
            throw new IllegalArgumentException(file + " has no frame " + image.frameNumber());
        }
        return source;
    }

    private static List<DicomFileWriter.Dataset> algorithmItems(Algorithm algorithm) {
        return List.of(
                text(HAS_CONCEPT_MOD, SrCodes.ALGORITHM_NAME, algorithm.name()),
                text(HAS_CONCEPT_MOD, SrCodes.ALGORITHM_VERSION, algorithm.version()),
                text(HAS_CONCEPT_MOD, SrCodes.ALGORITHM_PARAMETERS,
                        SrCodes.CHECKPOINT_SHA256_PREFIX + algorithm.checkpointSha256().toLowerCase(Locale.ROOT)));
    }

    private static DicomFileWriter.Dataset classificationGroup(Algorithm algorithm, ImageClassification c, Source source,
                                                               int number) {
        int top = 0;
        for (int i = 1; i < c.classes().size(); i++) {
            if (c.classes().get(i).probability() > c.classes().get(top).probability()) {
                top = i;
            }
        }
        List<DicomFileWriter.Dataset> items = new ArrayList<>();
        items.add(text(HAS_OBS_CONTEXT, SrCodes.TRACKING_IDENTIFIER, "Classification of image " + number));
        items.add(uidref(HAS_OBS_CONTEXT, SrCodes.TRACKING_UID, StudyAttributes.newUid()));
        items.add(codeValue(CONTAINS, SrCodes.FINDING, SrCodes.modelClass(top, c.classes().get(top).label())));
        items.addAll(algorithmItems(algorithm));
        items.add(image(CONTAINS, SrCodes.SOURCE, source.sopClass(), source.sopInstance(), source.frame(),
                OptionalInt.empty()));
        for (int i = 0; i < c.classes().size(); i++) {
            ClassProbability p = c.classes().get(i);
            if (!(p.probability() >= 0 && p.probability() <= 1)) {
                throw new IllegalArgumentException("the probability of " + p.label() + " is " + p.probability()
                        + ", not in [0, 1]");
            }
            items.add(num(CONTAINS, SrCodes.modelClass(i, p.label()), p.probability(), SrCodes.NO_UNITS));
        }
        return container(CONTAINS, SrCodes.MEASUREMENT_GROUP, items);
    }

    private static DicomFileWriter.Dataset segmentGroup(Algorithm algorithm, SegmentMeasurement m, Source seg,
                                                        List<Source> sources) {
        List<DicomFileWriter.Dataset> items = new ArrayList<>();
        items.add(text(HAS_OBS_CONTEXT, SrCodes.TRACKING_IDENTIFIER, "Segment " + m.segmentNumber()));
        items.add(uidref(HAS_OBS_CONTEXT, SrCodes.TRACKING_UID, StudyAttributes.newUid()));
        items.add(codeValue(CONTAINS, SrCodes.FINDING, SrCodes.modelClass(m.segmentNumber(), m.label())));
        items.add(image(CONTAINS, SrCodes.REFERENCED_SEGMENT, seg.sopClass(), seg.sopInstance(), OptionalInt.empty(),
                OptionalInt.of(m.segmentNumber())));
        // TID 1411 takes the source images (121233) or the source series (121232), not both: the images, which
        // name exactly the frames the masks were made from (the series is in the evidence sequence).
        for (Source source : sources) {
            items.add(image(CONTAINS, SrCodes.SOURCE_IMAGE_FOR_SEGMENTATION, source.sopClass(), source.sopInstance(),
                    source.frame(), OptionalInt.empty()));
        }
        if (!(m.value() >= 0)) {
            throw new IllegalArgumentException("the size of segment " + m.segmentNumber() + " is " + m.value());
        }
        // TID 1419 (ROI Measurements) identifies the algorithm under each measurement.
        items.add(num(CONTAINS, m.quantity().concept(), m.value(), m.quantity().unit(), algorithmItems(algorithm)));
        return container(CONTAINS, SrCodes.MEASUREMENT_GROUP, items);
    }

    /** Every instance the report references, by study and series (the evidence of PS3.3 C.17.2.3). */
    private static List<DicomFileWriter.Dataset> evidenceOf(List<Source> sources) {
        Map<String, Map<String, Map<String, String>>> byStudy = new LinkedHashMap<>();
        for (Source s : sources) {
            byStudy.computeIfAbsent(s.study(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(s.series(), k -> new LinkedHashMap<>())
                    .put(s.sopInstance(), s.sopClass());
        }
        List<DicomFileWriter.Dataset> studies = new ArrayList<>();
        byStudy.forEach((study, series) -> {
            List<DicomFileWriter.Dataset> seriesItems = new ArrayList<>();
            series.forEach((seriesUid, instances) -> {
                List<DicomFileWriter.Dataset> refs = new ArrayList<>();
                instances.forEach((uid, sopClass) -> refs.add(new DicomFileWriter.Dataset()
                        .string(REFERENCED_SOP_CLASS_UID, "UI", sopClass)
                        .string(REFERENCED_SOP_INSTANCE_UID, "UI", uid)));
                seriesItems.add(new DicomFileWriter.Dataset()
                        .string(Tag.SERIES_INSTANCE_UID, "UI", seriesUid)
                        .sequence(REFERENCED_SOP_SEQUENCE, refs));
            });
            studies.add(new DicomFileWriter.Dataset()
                    .string(Tag.STUDY_INSTANCE_UID, "UI", study)
                    .sequence(REFERENCED_SERIES_SEQUENCE, seriesItems));
        });
        return studies;
    }

    /**
     * The Device Observer UID of a model: derived from its checkpoint's SHA-256 (the first 128 bits as a 2.25
     * UID), so that every report of the same weights names the same device.
     */
    static String deviceUid(Algorithm algorithm) {
        return "2.25." + new BigInteger(algorithm.checkpointSha256().substring(0, 32), 16);
    }

    private static String softwareVersion() {
        String version = MeasurementReportWriter.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
