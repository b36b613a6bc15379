package org.radmamba.viewer.sr;

import org.radmamba.viewer.dicom.DicomFileWriter;

import java.util.List;
import java.util.OptionalInt;

import static org.radmamba.viewer.sr.SrTags.*;

/**
 * Builds the items of an SR content tree (PS3.3 C.17.3) as datasets for {@link DicomFileWriter}: one method per
 * value type RadMamba writes, each with its relationship to the parent.
 */
final class ContentItems {

    static final String CONTAINS = "CONTAINS";
    static final String HAS_OBS_CONTEXT = "HAS OBS CONTEXT";
    static final String HAS_CONCEPT_MOD = "HAS CONCEPT MOD";
    private static final int LO_MAX = 64;

    private ContentItems() {
    }

    static DicomFileWriter.Dataset code(Code code) {
        return new DicomFileWriter.Dataset()
                .string(CODE_VALUE, "SH", code.value())
                .string(CODING_SCHEME_DESIGNATOR, "SH", code.scheme())
                .string(CODE_MEANING, "LO", truncate(code.meaning()));
    }

    private static DicomFileWriter.Dataset item(String relationship, String valueType, Code concept) {
        return new DicomFileWriter.Dataset()
                .string(RELATIONSHIP_TYPE, "CS", relationship)
                .string(VALUE_TYPE, "CS", valueType)
                .sequence(CONCEPT_NAME_CODE_SEQUENCE, List.of(code(concept)));
    }

    static DicomFileWriter.Dataset container(String relationship, Code concept, List<DicomFileWriter.Dataset> children) {
        return item(relationship, "CONTAINER", concept)
                .string(CONTINUITY_OF_CONTENT, "CS", "SEPARATE")
                .sequence(CONTENT_SEQUENCE, children);
    }

    static DicomFileWriter.Dataset text(String relationship, Code concept, String value) {
        return item(relationship, "TEXT", concept).string(TEXT_VALUE, "UT", value);
    }

    static DicomFileWriter.Dataset codeValue(String relationship, Code concept, Code value) {
        return item(relationship, "CODE", concept).sequence(CONCEPT_CODE_SEQUENCE, List.of(code(value)));
    }

    static DicomFileWriter.Dataset uidref(String relationship, Code concept, String uid) {
        return item(relationship, "UIDREF", concept).string(UID, "UI", uid);
    }

    static DicomFileWriter.Dataset num(String relationship, Code concept, double value, Code unit) {
        return item(relationship, "NUM", concept).sequence(MEASURED_VALUE_SEQUENCE, List.of(new DicomFileWriter.Dataset()
                .string(NUMERIC_VALUE, "DS", decimal(value))
                .sequence(MEASUREMENT_UNITS_CODE_SEQUENCE, List.of(code(unit)))));
    }

    /** A NUM with content items of its own (e.g. TID 1419's algorithm identification, HAS CONCEPT MOD). */
    static DicomFileWriter.Dataset num(String relationship, Code concept, double value, Code unit,
                                       List<DicomFileWriter.Dataset> children) {
        return num(relationship, concept, value, unit).sequence(CONTENT_SEQUENCE, children);
    }

    /**
     * An IMAGE item referencing one instance; {@code frame} (1-based) only for a multi-frame source, {@code segment}
     * only for a Segmentation.
     */
    static DicomFileWriter.Dataset image(String relationship, Code concept, String sopClassUid, String sopInstanceUid,
                                         OptionalInt frame, OptionalInt segment) {
        DicomFileWriter.Dataset reference = new DicomFileWriter.Dataset()
                .string(REFERENCED_SOP_CLASS_UID, "UI", sopClassUid)
                .string(REFERENCED_SOP_INSTANCE_UID, "UI", sopInstanceUid);
        frame.ifPresent(f -> reference.integerString(REFERENCED_FRAME_NUMBER, f));
        segment.ifPresent(s -> reference.unsignedShort(REFERENCED_SEGMENT_NUMBER, s));
        return item(relationship, "IMAGE", concept).sequence(REFERENCED_SOP_SEQUENCE, List.of(reference));
    }

    /**
     * A DS value of at most 16 characters with as many significant digits as fit: a probability such as
     * 0.87312345 keeps 8 decimals rather than the 6 of a fixed format.
     */
    static String decimal(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("a measurement must be a finite number, not " + v);
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String shortest = Double.toString(v);
        if (shortest.length() <= 16) {
            return shortest;
        }
        for (int digits = 15; digits > 0; digits--) {
            String s = new java.math.BigDecimal(v).round(new java.math.MathContext(digits)).stripTrailingZeros()
                    .toString();
            if (s.length() <= 16) {
                return s;
            }
        }
        throw new IllegalArgumentException("no 16-character decimal for " + v);
    }

    static String truncate(String s) {
        String value = s == null ? "" : s.replace('\\', '/');
        return value.length() <= LO_MAX ? value : value.substring(0, LO_MAX);
    }
}
