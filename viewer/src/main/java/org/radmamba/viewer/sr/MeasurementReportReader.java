package org.radmamba.viewer.sr;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.Tag;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import static org.radmamba.viewer.sr.SrTags.*;

/**
 * Reads a DICOM Structured Report through the DICOM port into a {@link MeasurementReport}: ours, or a TID 1500
 * report of another toolkit (dcmqi, highdicom, DCMTK). Measurement Groups are found wherever they sit in the tree;
 * TEXT items outside them are its comments. A report that is not an SR, or whose tree breaks the rules a reader
 * relies on (the root is a CONTAINER; every item has a value type and a concept name; a NUM has a number and a
 * unit; an IMAGE names an instance), is refused with one sentence naming the file.
 */
public final class MeasurementReportReader {

    /** The SR storage classes whose content this reader walks (PS3.4 B.5). */
    private static final Set<String> SR_CLASSES = Set.of(BASIC_TEXT_SR, ENHANCED_SR, COMPREHENSIVE_SR,
            COMPREHENSIVE_3D_SR, EXTENSIBLE_SR);
    /** Deeper trees than this are refused: no report written by a toolkit nests so far, a hostile one might. */
    private static final int MAX_DEPTH = 32;

    private final DicomReader reader;

    public MeasurementReportReader(DicomReader reader) {
        this.reader = reader;
    }

    /** True when {@code sopClassUid} is a Structured Report class this reader reads. */
    public static boolean isStructuredReport(String sopClassUid) {
        return SR_CLASSES.contains(sopClassUid);
    }

    public MeasurementReport read(Path file) throws DicomReadException {
        return read(file, reader.readHeader(file).dataset());
    }

    public MeasurementReport read(Path file, DicomDataset ds) throws DicomReadException {
        String sopClass = ds.string(Tag.SOP_CLASS_UID, "");
        if (!isStructuredReport(sopClass)) {
            throw new DicomReadException(file, "is not a DICOM Structured Report (SOP class "
                    + (sopClass.isEmpty() ? "absent" : sopClass) + ")");
        }
        Walk walk = new Walk(file);
        String valueType = ds.string(VALUE_TYPE, "");
        if (!"CONTAINER".equals(valueType)) {
            throw new DicomReadException(file, "is a Structured Report whose root content item is "
                    + (valueType.isEmpty() ? "without a value type" : "a " + valueType) + ", not a CONTAINER");
        }
        Code title = walk.concept(ds, "the root content item");
        List<MeasurementReport.Group> groups = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        String[] observer = {"", ""};
        walk.container(ds, 1, groups, comments, observer);
        return new MeasurementReport(file, ds.string(Tag.SOP_INSTANCE_UID, ""), ds.string(Tag.SERIES_INSTANCE_UID, ""),
                title, observer[0].isEmpty() ? observer[1] : observer[0], comments, groups);
    }

    /** One walk over one file's tree; every refusal names the file and the item. */
    private record Walk(Path file) {

        private static final Code PERSON_OBSERVER_NAME = new Code("121008", "DCM", "Person Observer Name");

        void container(DicomDataset item, int depth, List<MeasurementReport.Group> groups, List<String> comments,
                       String[] observer) throws DicomReadException {
            if (depth > MAX_DEPTH) {
                throw new DicomReadException(file, "nests its content deeper than " + MAX_DEPTH + " levels");
            }
            for (DicomDataset child : item.sequence(CONTENT_SEQUENCE)) {
                String type = valueType(child);
                Code concept = concept(child, "a " + type + " content item");
                switch (type) {
                    case "CONTAINER" -> {
                        if (concept.means(SrCodes.MEASUREMENT_GROUP)) {
                            groups.add(group(child, depth + 1));
                        } else {
                            container(child, depth + 1, groups, comments, observer);
                        }
                    }
                    case "TEXT" -> {
                        String text = text(child);
                        if (concept.means(SrCodes.DEVICE_OBSERVER_NAME)) {
                            observer[0] = text;
                        } else if (concept.means(SrCodes.DEVICE_OBSERVER_MANUFACTURER)
                                || concept.means(SrCodes.DEVICE_OBSERVER_MODEL_NAME)) {
                            continue;
                        } else if (!text.isBlank()) {
                            comments.add(text);
                        }
                    }
                    case "PNAME" -> {
                        if (concept.means(PERSON_OBSERVER_NAME)) {
                            observer[1] = String.join("\\", child.strings(0x0040A123)).replace('^', ' ').strip();
                        }
                    }
                    default -> {
                        // Language, observer type, procedure reported, UIDs: context, not findings.
                    }
                }
            }
        }

        MeasurementReport.Group group(DicomDataset group, int depth) throws DicomReadException {
            String tracking = "";
            Optional<Code> finding = Optional.empty();
            String algorithmName = "";
            String algorithmVersion = "";
            List<MeasurementReport.Measurement> measurements = new ArrayList<>();
            List<MeasurementReport.Evaluation> evaluations = new ArrayList<>();
            List<MeasurementReport.Reference> references = new ArrayList<>();
            List<String> sourceSeries = new ArrayList<>();
            List<DicomDataset> items = new ArrayList<>(group.sequence(CONTENT_SEQUENCE));
            for (int i = 0; i < items.size(); i++) {
                DicomDataset child = items.get(i);
                String type = valueType(child);
                Code concept = concept(child, "a " + type + " content item of a measurement group");
                switch (type) {
                    case "TEXT" -> {
                        String text = text(child);
                        if (concept.means(SrCodes.TRACKING_IDENTIFIER)) {
                            tracking = text;
                        } else if (concept.means(SrCodes.ALGORITHM_NAME)) {
                            algorithmName = text;
                        } else if (concept.means(SrCodes.ALGORITHM_VERSION)) {
                            algorithmVersion = text;
                        } else {
                            evaluations.add(new MeasurementReport.Evaluation(concept, text));
                        }
                    }
                    case "CODE" -> {
                        Code value = codeValue(child);
                        if (concept.means(SrCodes.FINDING)) {
                            finding = Optional.of(value);
                        } else {
                            evaluations.add(new MeasurementReport.Evaluation(concept, value.meaning()));
                        }
                    }
                    case "NUM" -> {
                        measurement(child, concept).ifPresent(measurements::add);
                        // Its modifiers (TID 1419 puts the algorithm there) are read as the group's.
                        items.addAll(i + 1, child.sequence(CONTENT_SEQUENCE));
                    }
                    case "IMAGE" -> references.add(reference(child, concept));
                    case "UIDREF" -> {
                        if (concept.means(SrCodes.SOURCE_SERIES_FOR_SEGMENTATION)) {
                            sourceSeries.add(child.string(UID, ""));
                        }
                    }
                    case "CONTAINER" -> {
                        if (depth > MAX_DEPTH) {
                            throw new DicomReadException(file, "nests its content deeper than " + MAX_DEPTH + " levels");
                        }
                        // A nested container (e.g. TID 1411's measurements under a method) counts as this group's.
                        items.addAll(i + 1, child.sequence(CONTENT_SEQUENCE));
                        depth++;
                    }
                    default -> {
                        // SCOORD, TCOORD, DATETIME...: not shown.
                    }
                }
            }
            String algorithm = (algorithmName + " " + algorithmVersion).strip();
            return new MeasurementReport.Group(tracking, finding, algorithm, measurements, evaluations, references,
                    sourceSeries);
        }

        String valueType(DicomDataset item) throws DicomReadException {
            String type = item.string(VALUE_TYPE, "").toUpperCase(Locale.ROOT);
            if (type.isEmpty()) {
                throw new DicomReadException(file, "has a content item without a Value Type");
            }
            return type;
        }

        Code concept(DicomDataset item, String what) throws DicomReadException {
            List<DicomDataset> names = item.sequence(CONCEPT_NAME_CODE_SEQUENCE);
            if (names.isEmpty()) {
                throw new DicomReadException(file, "has " + what + " without a Concept Name");
            }
            return code(names.getFirst());
        }

        static Code code(DicomDataset item) {
            return new Code(item.string(CODE_VALUE, ""), item.string(CODING_SCHEME_DESIGNATOR, ""),
                    item.string(CODE_MEANING, ""));
        }

        static String text(DicomDataset item) {
            return String.join("\\", item.strings(TEXT_VALUE)).strip();
        }

        Code codeValue(DicomDataset item) throws DicomReadException {
            List<DicomDataset> values = item.sequence(CONCEPT_CODE_SEQUENCE);
            if (values.isEmpty()) {
                throw new DicomReadException(file, "has a CODE content item ("
                        + concept(item, "a CODE item").meaning() + ") without a Concept Code");
            }
            return code(values.getFirst());
        }

        /** Empty for a NUM without a value (PS3.3 allows it, with a Numeric Value Qualifier saying why). */
        Optional<MeasurementReport.Measurement> measurement(DicomDataset item, Code concept) throws DicomReadException {
            List<DicomDataset> values = item.sequence(MEASURED_VALUE_SEQUENCE);
            if (values.isEmpty()) {
                return Optional.empty();
            }
            DicomDataset value = values.getFirst();
            List<String> text = value.strings(NUMERIC_VALUE);
            double number;
            try {
                number = text.isEmpty() ? Double.NaN : Double.parseDouble(text.getFirst());
            } catch (NumberFormatException e) {
                number = Double.NaN;
            }
            if (!Double.isFinite(number)) {
                throw new DicomReadException(file, "has a NUM content item (" + concept.meaning()
                        + ") whose Numeric Value is " + (text.isEmpty() ? "missing" : "'" + text.getFirst() + "'"));
            }
            List<DicomDataset> units = value.sequence(MEASUREMENT_UNITS_CODE_SEQUENCE);
            if (units.isEmpty()) {
                throw new DicomReadException(file, "has a NUM content item (" + concept.meaning()
                        + ") without Measurement Units");
            }
            return Optional.of(new MeasurementReport.Measurement(concept, number, code(units.getFirst())));
        }

        MeasurementReport.Reference reference(DicomDataset item, Code concept) throws DicomReadException {
            List<DicomDataset> refs = item.sequence(REFERENCED_SOP_SEQUENCE);
            String uid = refs.isEmpty() ? "" : refs.getFirst().string(REFERENCED_SOP_INSTANCE_UID, "");
            if (uid.isEmpty()) {
                throw new DicomReadException(file, "has an IMAGE content item (" + concept.meaning()
                        + ") that names no SOP Instance UID");
            }
            DicomDataset ref = refs.getFirst();
            List<Integer> frames = Arrays.stream(ref.ints(REFERENCED_FRAME_NUMBER)).boxed().toList();
            int segment = ref.integer(REFERENCED_SEGMENT_NUMBER, -1);
            return new MeasurementReport.Reference(concept, ref.string(REFERENCED_SOP_CLASS_UID, ""), uid, frames,
                    segment < 0 ? OptionalInt.empty() : OptionalInt.of(segment));
        }
    }
}
