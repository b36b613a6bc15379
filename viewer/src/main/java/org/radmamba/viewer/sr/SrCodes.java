package org.radmamba.viewer.sr;

/**
 * The concepts of the reports RadMamba writes: from PS3.16 (DCM), SNOMED CT (SCT), UMLS, UCUM units, and our own
 * scheme {@link #LOCAL_SCHEME} for what a model defines itself (its classes) and for a pixel count. A local scheme starts with "99" (PS3.16 8.2).
 */
public final class SrCodes {

    /** Our private coding scheme: a model's classes, the pixel count. */
    public static final String LOCAL_SCHEME = "99RADMAMBA";

    public static final Code IMAGING_MEASUREMENT_REPORT = new Code("126000", "DCM", "Imaging Measurement Report");
    public static final Code LANGUAGE = new Code("121049", "DCM", "Language of Content Item and Descendants");
    public static final Code ENGLISH = new Code("en", "RFC5646", "English");
    public static final Code OBSERVER_TYPE = new Code("121005", "DCM", "Observer Type");
    public static final Code DEVICE = new Code("121007", "DCM", "Device");
    public static final Code DEVICE_OBSERVER_UID = new Code("121012", "DCM", "Device Observer UID");
    public static final Code DEVICE_OBSERVER_NAME = new Code("121013", "DCM", "Device Observer Name");
    public static final Code DEVICE_OBSERVER_MANUFACTURER = new Code("121014", "DCM", "Device Observer Manufacturer");
    public static final Code DEVICE_OBSERVER_MODEL_NAME = new Code("121015", "DCM", "Device Observer Model Name");
    public static final Code PROCEDURE_REPORTED = new Code("121058", "DCM", "Procedure reported");
    public static final Code IMAGING_PROCEDURE = new Code("363679005", "SCT", "Imaging procedure");
    public static final Code IMAGING_MEASUREMENTS = new Code("126010", "DCM", "Imaging Measurements");
    public static final Code MEASUREMENT_GROUP = new Code("125007", "DCM", "Measurement Group");
    public static final Code TRACKING_IDENTIFIER = new Code("112039", "DCM", "Tracking Identifier");
    public static final Code TRACKING_UID = new Code("112040", "DCM", "Tracking Unique Identifier");
    public static final Code FINDING = new Code("121071", "DCM", "Finding");
    public static final Code ALGORITHM_NAME = new Code("111001", "DCM", "Algorithm Name");
    public static final Code ALGORITHM_VERSION = new Code("111003", "DCM", "Algorithm Version");
    public static final Code ALGORITHM_PARAMETERS = new Code("111002", "DCM", "Algorithm Parameters");
    /** How the checkpoint's hash is written as an Algorithm Parameters value: this prefix, then 64 hex digits. */
    public static final String CHECKPOINT_SHA256_PREFIX = "checkpoint SHA-256 ";
    public static final Code SOURCE = new Code("260753009", "SCT", "Source");
    public static final Code REFERENCED_SEGMENT = new Code("121191", "DCM", "Referenced Segment");
    public static final Code SOURCE_SERIES_FOR_SEGMENTATION = new Code("121232", "DCM", "Source series for segmentation");
    public static final Code SOURCE_IMAGE_FOR_SEGMENTATION = new Code("121233", "DCM", "Source image for segmentation");
    public static final Code VOLUME = new Code("118565006", "SCT", "Volume");
    public static final Code AREA = new Code("42798000", "SCT", "Area");
    public static final Code PIXEL_COUNT = new Code("PIXEL_COUNT", LOCAL_SCHEME, "Pixel count");
    public static final Code QUALITATIVE_EVALUATIONS = new Code("C0034375", "UMLS", "Qualitative Evaluations");
    public static final Code COMMENT = new Code("121106", "DCM", "Comment");

    /** A probability: a dimensionless ratio, UCUM "1". */
    public static final Code NO_UNITS = new Code("1", "UCUM", "no units");
    public static final Code MILLILITRE = new Code("ml", "UCUM", "milliliter");
    public static final Code SQUARE_MILLIMETRE = new Code("mm2", "UCUM", "square millimeter");
    public static final Code PIXELS = new Code("{pixels}", "UCUM", "pixels");

    private SrCodes() {
    }

    /** Class {@code index} (0-based) of a model, named by its label: a local code "CLASS" + index. */
    public static Code modelClass(int index, String label) {
        return new Code("CLASS" + index, LOCAL_SCHEME, label);
    }
}
