package org.radmamba.viewer.seg;

/** The attributes of the Segmentation IOD (PS3.3 C.8.20) and its functional groups that RadMamba reads and writes. */
final class SegmentationTags {

    static final String SEGMENTATION_STORAGE = "1.2.840.10008.5.1.4.1.1.66.4";

    static final int IMAGE_TYPE = 0x00080008;
    static final int STUDY_TIME = 0x00080030;
    static final int CONTENT_DATE = 0x00080023;
    static final int CONTENT_TIME = 0x00080033;
    static final int SERIES_DATE = 0x00080021;
    static final int SERIES_TIME = 0x00080031;
    static final int REFERRING_PHYSICIAN_NAME = 0x00080090;
    static final int MANUFACTURER = 0x00080070;
    static final int MANUFACTURER_MODEL_NAME = 0x00081090;
    static final int SOFTWARE_VERSIONS = 0x00181020;
    static final int DEVICE_SERIAL_NUMBER = 0x00181000;
    static final int REFERENCED_SERIES_SEQUENCE = 0x00081115;
    static final int REFERENCED_INSTANCE_SEQUENCE = 0x0008114A;
    static final int REFERENCED_SOP_CLASS_UID = 0x00081150;
    static final int REFERENCED_SOP_INSTANCE_UID = 0x00081155;
    static final int REFERENCED_FRAME_NUMBER = 0x00081160;
    static final int SOURCE_IMAGE_SEQUENCE = 0x00082112;
    static final int DERIVATION_IMAGE_SEQUENCE = 0x00089124;
    static final int DERIVATION_CODE_SEQUENCE = 0x00089215;
    static final int PURPOSE_OF_REFERENCE_CODE_SEQUENCE = 0x0040A170;
    static final int CODE_VALUE = 0x00080100;
    static final int CODING_SCHEME_DESIGNATOR = 0x00080102;
    static final int CODE_MEANING = 0x00080104;
    static final int PATIENT_BIRTH_DATE = 0x00100030;
    static final int PATIENT_SEX = 0x00100040;
    static final int FRAME_OF_REFERENCE_UID = 0x00200052;
    static final int POSITION_REFERENCE_INDICATOR = 0x00201040;
    static final int DIMENSION_ORGANIZATION_SEQUENCE = 0x00209221;
    static final int DIMENSION_ORGANIZATION_UID = 0x00209164;
    static final int DIMENSION_INDEX_SEQUENCE = 0x00209222;
    static final int DIMENSION_INDEX_POINTER = 0x00209165;
    static final int FUNCTIONAL_GROUP_POINTER = 0x00209167;
    static final int DIMENSION_DESCRIPTION_LABEL = 0x00209421;
    static final int FRAME_CONTENT_SEQUENCE = 0x00209111;
    static final int DIMENSION_INDEX_VALUES = 0x00209157;
    static final int LATERALITY = 0x00200060;
    static final int IMAGE_LATERALITY = 0x00200062;
    static final int LOSSY_IMAGE_COMPRESSION = 0x00282110;
    static final int SEGMENTATION_TYPE = 0x00620001;
    static final int SEGMENT_SEQUENCE = 0x00620002;
    static final int SEGMENTED_PROPERTY_CATEGORY_CODE_SEQUENCE = 0x00620003;
    static final int SEGMENT_NUMBER = 0x00620004;
    static final int SEGMENT_LABEL = 0x00620005;
    static final int SEGMENT_ALGORITHM_TYPE = 0x00620008;
    static final int SEGMENT_ALGORITHM_NAME = 0x00620009;
    static final int SEGMENT_IDENTIFICATION_SEQUENCE = 0x0062000A;
    static final int REFERENCED_SEGMENT_NUMBER = 0x0062000B;
    static final int SEGMENTED_PROPERTY_TYPE_CODE_SEQUENCE = 0x0062000F;
    static final int MAXIMUM_FRACTIONAL_VALUE = 0x0062000E;
    static final int CONTENT_LABEL = 0x00700080;
    static final int CONTENT_DESCRIPTION = 0x00700081;
    static final int CONTENT_CREATOR_NAME = 0x00700084;
    static final int PIXEL_DATA = 0x7FE00010;

    private SegmentationTags() {
    }
}
