package org.radmamba.viewer.seg;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.StudyAttributes;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.study.ImagePlane;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.radmamba.viewer.seg.SegmentationTags.*;

/**
 * Writes label masks over DICOM images as one binary DICOM Segmentation (PS3.3 A.51) in the images' study: one
 * segment per label, one frame per segment and source frame (empty ones included, so that "nothing found" is
 * stored too), each frame referencing its source instance and frame. Patient and study attributes come from the
 * sources' headers, read through the DICOM port.
 */
public final class SegmentationWriter {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss", Locale.ROOT);
    private static final int LO_MAX = 64;

    /**
     * The mask over one frame of a DICOM image.
     *
     * @param sourceFile  the DICOM file the mask was made from
     * @param frameNumber 1-based frame of that file
     * @param labels      rows × columns of the source, row-major: 0 for none, k for segment k
     */
    public record SourceMask(Path sourceFile, int frameNumber, byte[] labels) {
    }

    /**
     * @param segmentLabels     label of segment k at index k-1 (the class names)
     * @param algorithmName     the model (name and version) that made the masks
     * @param seriesDescription e.g. "RadMamba: VM-UNet lesion segmenter (demo model — not for diagnosis)"
     */
    public record Request(List<SourceMask> masks, List<String> segmentLabels, String algorithmName,
                          String seriesDescription) {
        public Request {
            masks = List.copyOf(masks);
            segmentLabels = List.copyOf(segmentLabels);
        }
    }

    /** What was written: the new instance's UIDs and its frame count. */
    public record Written(Path file, String sopInstanceUid, String seriesInstanceUid, int frames) {
        /** One line for the user. */
        public String summary() {
            return "DICOM Segmentation of " + frames + " frame(s) saved to " + file;
        }
    }

    private final DicomReader reader;

    public SegmentationWriter(DicomReader reader) {
        this.reader = reader;
    }

    public Written write(Request request, Path target) throws IOException {
        if (request.masks().isEmpty()) {
            throw new IllegalArgumentException("no mask to write");
        }
        int segments = request.segmentLabels().size();
        if (segments < 1 || segments > 255) {
            throw new IllegalArgumentException("a Segmentation holds 1 to 255 segments here, not " + segments);
        }
        List<DicomDataset> sources = new ArrayList<>();
        for (SourceMask mask : request.masks()) {
            sources.add(reader.readHeader(mask.sourceFile()).dataset());
        }
        DicomDataset first = sources.getFirst();
        int rows = first.integer(Tag.ROWS, -1);
        int columns = first.integer(Tag.COLUMNS, -1);
        String study = first.string(Tag.STUDY_INSTANCE_UID, "");
        for (int i = 0; i < sources.size(); i++) {
            DicomDataset source = sources.get(i);
            SourceMask mask = request.masks().get(i);
            Path file = mask.sourceFile();
            if (source.string(Tag.SOP_INSTANCE_UID, "").isEmpty() || source.string(Tag.SOP_CLASS_UID, "").isEmpty()) {
                throw new DicomReadException(file, "has no SOP Class or Instance UID for a Segmentation to reference");
            }
            if (!study.equals(source.string(Tag.STUDY_INSTANCE_UID, ""))) {
                throw new DicomReadException(file, "belongs to another study than " + request.masks().getFirst().sourceFile()
                        + "; one Segmentation covers images of one study");
            }
            if (source.integer(Tag.ROWS, -1) != rows || source.integer(Tag.COLUMNS, -1) != columns) {
                throw new DicomReadException(file, "is " + source.integer(Tag.COLUMNS, -1) + "x" + source.integer(Tag.ROWS, -1)
                        + " but the first image is " + columns + "x" + rows + "; one Segmentation has one frame size");
            }
            if (mask.labels().length != rows * columns) {
                throw new IllegalArgumentException("the mask over " + file + " has " + mask.labels().length
                        + " pixels, the image " + rows * columns);
            }
            int frames = Math.max(1, source.integer(Tag.NUMBER_OF_FRAMES, 1));
            if (mask.frameNumber() < 1 || mask.frameNumber() > frames) {
                throw new IllegalArgumentException(file + " has no frame " + mask.frameNumber());
            }
        }

        String sopInstanceUid = newUid();
        String seriesInstanceUid = newUid();
        LocalDateTime now = LocalDateTime.now();
        DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset();
        copyPatientAndStudy(first, ds);
        ds.string(Tag.SOP_CLASS_UID, "UI", SEGMENTATION_STORAGE)
                .string(Tag.SOP_INSTANCE_UID, "UI", sopInstanceUid)
                .string(IMAGE_TYPE, "CS", "DERIVED\\PRIMARY")
                .string(Tag.MODALITY, "CS", "SEG")
                .string(Tag.SERIES_INSTANCE_UID, "UI", seriesInstanceUid)
                // Type 2C, required without Image or Frame Laterality (a Segmentation has neither): the source's,
                // else empty (unknown), never a guess.
                .string(LATERALITY, "CS", lateralityOf(first))
                .integerString(Tag.SERIES_NUMBER, 9000 + now.toLocalTime().toSecondOfDay() % 1000)
                .integerString(Tag.INSTANCE_NUMBER, 1)
                .string(Tag.SERIES_DESCRIPTION, "LO", truncate(request.seriesDescription(), LO_MAX))
                .string(SERIES_DATE, "DA", now.format(DATE))
                .string(SERIES_TIME, "TM", now.format(TIME))
                .string(CONTENT_DATE, "DA", now.format(DATE))
                .string(CONTENT_TIME, "TM", now.format(TIME))
                .string(MANUFACTURER, "LO", "RadMamba")
                .string(MANUFACTURER_MODEL_NAME, "LO", "RadMamba viewer")
                .string(SOFTWARE_VERSIONS, "LO", softwareVersion())
                .string(DEVICE_SERIAL_NUMBER, "LO", "0")
                .string(CONTENT_LABEL, "CS", "RADMAMBA_SEG")
                .string(CONTENT_DESCRIPTION, "LO", truncate(request.algorithmName(), LO_MAX))
                .string(CONTENT_CREATOR_NAME, "PN", "RadMamba")
                .string(SEGMENTATION_TYPE, "CS", "BINARY")
                .unsignedShort(Tag.SAMPLES_PER_PIXEL, 1)
                .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                .unsignedShort(Tag.ROWS, rows)
                .unsignedShort(Tag.COLUMNS, columns)
                .unsignedShort(Tag.BITS_ALLOCATED, 1)
                .unsignedShort(Tag.BITS_STORED, 1)
                .unsignedShort(Tag.HIGH_BIT, 0)
                .unsignedShort(Tag.PIXEL_REPRESENTATION, 0)
                .string(LOSSY_IMAGE_COMPRESSION, "CS", "00");

        List<DicomFileWriter.Dataset> segmentItems = new ArrayList<>();
        for (int k = 1; k <= segments; k++) {
            String label = truncate(request.segmentLabels().get(k - 1), LO_MAX);
            segmentItems.add(new DicomFileWriter.Dataset()
                    .unsignedShort(SEGMENT_NUMBER, k)
                    .string(SEGMENT_LABEL, "LO", label)
                    .string(SEGMENT_ALGORITHM_TYPE, "CS", "AUTOMATIC")
                    .string(SEGMENT_ALGORITHM_NAME, "LO", truncate(request.algorithmName(), LO_MAX))
                    // The classes are the model's own: local codes (PS3.16 8.2, "99" prefix) rather than a
                    // SNOMED concept that a model label may not mean.
                    .sequence(SEGMENTED_PROPERTY_CATEGORY_CODE_SEQUENCE, List.of(code("MODEL_OUTPUT", "99RADMAMBA",
                            "Model output class")))
                    .sequence(SEGMENTED_PROPERTY_TYPE_CODE_SEQUENCE, List.of(code("CLASS" + k, "99RADMAMBA",
                            truncate(label, LO_MAX)))));
        }
        ds.sequence(SEGMENT_SEQUENCE, segmentItems);

        boolean positions = true;
        for (int i = 0; i < sources.size(); i++) {
            positions &= ImagePlane.position(sources.get(i), request.masks().get(i).frameNumber()).isPresent();
        }
        String dimensionOrganization = newUid();
        List<DicomFileWriter.Dataset> dimensions = new ArrayList<>();
        dimensions.add(new DicomFileWriter.Dataset()
                .string(DIMENSION_ORGANIZATION_UID, "UI", dimensionOrganization)
                .attributeTag(DIMENSION_INDEX_POINTER, REFERENCED_SEGMENT_NUMBER)
                .attributeTag(FUNCTIONAL_GROUP_POINTER, SEGMENT_IDENTIFICATION_SEQUENCE)
                .string(DIMENSION_DESCRIPTION_LABEL, "LO", "Segment Number"));
        if (positions) {
            dimensions.add(new DicomFileWriter.Dataset()
                    .string(DIMENSION_ORGANIZATION_UID, "UI", dimensionOrganization)
                    .attributeTag(DIMENSION_INDEX_POINTER, Tag.IMAGE_POSITION_PATIENT)
                    .attributeTag(FUNCTIONAL_GROUP_POINTER, Tag.PLANE_POSITION_SEQUENCE)
                    .string(DIMENSION_DESCRIPTION_LABEL, "LO", "Image Position Patient"));
        }
        ds.sequence(DIMENSION_ORGANIZATION_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                .string(DIMENSION_ORGANIZATION_UID, "UI", dimensionOrganization)));
        ds.sequence(DIMENSION_INDEX_SEQUENCE, dimensions);
        ds.sequence(Tag.SHARED_FUNCTIONAL_GROUPS_SEQUENCE, List.of(sharedGroups(first)));

        int pixels = rows * columns;
        int frameCount = segments * request.masks().size();
        byte[] packed = new byte[(int) (((long) frameCount * pixels + 7) / 8)];
        List<DicomFileWriter.Dataset> perFrame = new ArrayList<>(frameCount);
        long bit = 0;
        for (int k = 1; k <= segments; k++) {
            for (int i = 0; i < request.masks().size(); i++) {
                SourceMask mask = request.masks().get(i);
                DicomDataset source = sources.get(i);
                byte[] labels = mask.labels();
                for (int p = 0; p < pixels; p++, bit++) {
                    if ((labels[p] & 0xFF) == k) {
                        packed[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
                    }
                }
                perFrame.add(frameGroups(source, mask.frameNumber(), k, i + 1, positions));
            }
        }
        ds.integerString(Tag.NUMBER_OF_FRAMES, frameCount);
        ds.sequence(Tag.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE, perFrame);
        ds.sequence(REFERENCED_SERIES_SEQUENCE, referencedSeries(sources));
        ds.otherBytes(PIXEL_DATA, packed);
        DicomFileWriter.write(target, SEGMENTATION_STORAGE, sopInstanceUid, ds);
        return new Written(target, sopInstanceUid, seriesInstanceUid, frameCount);
    }

    private static void copyPatientAndStudy(DicomDataset source, DicomFileWriter.Dataset ds) {
        StudyAttributes.copyPatientAndStudy(source, ds);
        String frameOfReference = source.string(FRAME_OF_REFERENCE_UID, "");
        // A photograph-like source has no frame of reference; the Segmentation then gets one of its own.
        ds.string(FRAME_OF_REFERENCE_UID, "UI", frameOfReference.isEmpty() ? newUid() : frameOfReference);
        ds.string(POSITION_REFERENCE_INDICATOR, "LO", "");
    }

    /** The source's Laterality, or its Image Laterality where it has only that; "" when neither is R or L. */
    private static String lateralityOf(DicomDataset source) {
        for (int tag : new int[] {LATERALITY, IMAGE_LATERALITY}) {
            String value = source.string(tag, "").trim();
            if (value.equals("R") || value.equals("L")) {
                return value;
            }
        }
        return "";
    }

    private static DicomFileWriter.Dataset sharedGroups(DicomDataset source) {
        DicomFileWriter.Dataset shared = new DicomFileWriter.Dataset();
        Optional<double[]> spacing = ImagePlane.pixelSpacing(source);
        if (spacing.isPresent()) {
            DicomFileWriter.Dataset measures = new DicomFileWriter.Dataset().decimals(Tag.PIXEL_SPACING, spacing.get());
            source.decimal(Tag.SLICE_THICKNESS).ifPresent(t -> measures.decimals(Tag.SLICE_THICKNESS, t));
            shared.sequence(ImagePlane.PIXEL_MEASURES_SEQUENCE, List.of(measures));
        }
        ImagePlane.orientation(source).ifPresent(o ->
                shared.sequence(Tag.PLANE_ORIENTATION_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                        .decimals(Tag.IMAGE_ORIENTATION_PATIENT, o))));
        return shared;
    }

    private static DicomFileWriter.Dataset frameGroups(DicomDataset source, int frameNumber, int segment,
                                                       int sourceIndex, boolean positions) {
        DicomFileWriter.Dataset sourceImage = new DicomFileWriter.Dataset()
                .string(REFERENCED_SOP_CLASS_UID, "UI", source.string(Tag.SOP_CLASS_UID, ""))
                .string(REFERENCED_SOP_INSTANCE_UID, "UI", source.string(Tag.SOP_INSTANCE_UID, ""))
                .sequence(PURPOSE_OF_REFERENCE_CODE_SEQUENCE, List.of(code("121322", "DCM",
                        "Source image for image processing operation")));
        if (source.integer(Tag.NUMBER_OF_FRAMES, 1) > 1) {
            sourceImage.integerString(REFERENCED_FRAME_NUMBER, frameNumber);
        }
        DicomFileWriter.Dataset groups = new DicomFileWriter.Dataset()
                .sequence(DERIVATION_IMAGE_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                        .sequence(DERIVATION_CODE_SEQUENCE, List.of(code("113076", "DCM", "Segmentation")))
                        .sequence(SOURCE_IMAGE_SEQUENCE, List.of(sourceImage))))
                .sequence(FRAME_CONTENT_SEQUENCE, List.of(positions
                        // UL, as PS3.6 defines Dimension Index Values (US was read back, but is not the standard's VR).
                        ? new DicomFileWriter.Dataset().unsignedLongs(DIMENSION_INDEX_VALUES, segment, sourceIndex)
                        : new DicomFileWriter.Dataset().unsignedLongs(DIMENSION_INDEX_VALUES, segment)))
                .sequence(SEGMENT_IDENTIFICATION_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                        .unsignedShort(REFERENCED_SEGMENT_NUMBER, segment)));
        if (positions) {
            groups.sequence(Tag.PLANE_POSITION_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                    .decimals(Tag.IMAGE_POSITION_PATIENT, ImagePlane.position(source, frameNumber).orElseThrow())));
        }
        return groups;
    }

    private static List<DicomFileWriter.Dataset> referencedSeries(List<DicomDataset> sources) {
        Map<String, Map<String, String>> instancesBySeries = new LinkedHashMap<>();
        for (DicomDataset s : sources) {
            instancesBySeries.computeIfAbsent(s.string(Tag.SERIES_INSTANCE_UID, ""), k -> new LinkedHashMap<>())
                    .put(s.string(Tag.SOP_INSTANCE_UID, ""), s.string(Tag.SOP_CLASS_UID, ""));
        }
        List<DicomFileWriter.Dataset> items = new ArrayList<>();
        instancesBySeries.forEach((series, instances) -> {
            List<DicomFileWriter.Dataset> refs = new ArrayList<>();
            instances.forEach((uid, sopClass) -> refs.add(new DicomFileWriter.Dataset()
                    .string(REFERENCED_SOP_CLASS_UID, "UI", sopClass)
                    .string(REFERENCED_SOP_INSTANCE_UID, "UI", uid)));
            items.add(new DicomFileWriter.Dataset()
                    .string(Tag.SERIES_INSTANCE_UID, "UI", series)
                    .sequence(REFERENCED_INSTANCE_SEQUENCE, refs));
        });
        return items;
    }

    private static DicomFileWriter.Dataset code(String value, String scheme, String meaning) {
        return new DicomFileWriter.Dataset()
                .string(CODE_VALUE, "SH", value)
                .string(CODING_SCHEME_DESIGNATOR, "SH", scheme)
                .string(CODE_MEANING, "LO", truncate(meaning, LO_MAX));
    }

    static String newUid() {
        return StudyAttributes.newUid();
    }

    private static String truncate(String s, int max) {
        String value = s == null ? "" : s.replace('\\', '/');
        return value.length() <= max ? value : value.substring(0, max);
    }

    private static String softwareVersion() {
        String version = SegmentationWriter.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
