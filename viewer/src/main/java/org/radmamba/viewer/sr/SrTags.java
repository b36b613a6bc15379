package org.radmamba.viewer.sr;

/** The attributes of the SR Document modules and content items (PS3.3 C.17) that RadMamba reads and writes. */
final class SrTags {

    static final String ENHANCED_SR = "1.2.840.10008.5.1.4.1.1.88.22";
    static final String BASIC_TEXT_SR = "1.2.840.10008.5.1.4.1.1.88.11";
    static final String COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33";
    static final String COMPREHENSIVE_3D_SR = "1.2.840.10008.5.1.4.1.1.88.34";
    static final String EXTENSIBLE_SR = "1.2.840.10008.5.1.4.1.1.88.35";

    static final int CONTENT_DATE = 0x00080023;
    static final int CONTENT_TIME = 0x00080033;
    static final int SERIES_DATE = 0x00080021;
    static final int SERIES_TIME = 0x00080031;
    static final int INSTANCE_CREATION_DATE = 0x00080012;
    static final int INSTANCE_CREATION_TIME = 0x00080013;
    static final int MANUFACTURER = 0x00080070;
    static final int MANUFACTURER_MODEL_NAME = 0x00081090;
    static final int SOFTWARE_VERSIONS = 0x00181020;
    static final int CODE_VALUE = 0x00080100;
    static final int CODING_SCHEME_DESIGNATOR = 0x00080102;
    static final int CODE_MEANING = 0x00080104;
    static final int MAPPING_RESOURCE = 0x00080105;
    static final int REFERENCED_SERIES_SEQUENCE = 0x00081115;
    static final int REFERENCED_SOP_SEQUENCE = 0x00081199;
    static final int REFERENCED_SOP_CLASS_UID = 0x00081150;
    static final int REFERENCED_SOP_INSTANCE_UID = 0x00081155;
    static final int REFERENCED_FRAME_NUMBER = 0x00081160;
    static final int REFERENCED_PERFORMED_PROCEDURE_STEP_SEQUENCE = 0x00081111;
    static final int MEASUREMENT_UNITS_CODE_SEQUENCE = 0x004008EA;
    static final int REFERENCED_SEGMENT_NUMBER = 0x0062000B;
    static final int RELATIONSHIP_TYPE = 0x0040A010;
    static final int VALUE_TYPE = 0x0040A040;
    static final int CONCEPT_NAME_CODE_SEQUENCE = 0x0040A043;
    static final int CONTINUITY_OF_CONTENT = 0x0040A050;
    static final int UID = 0x0040A124;
    static final int TEXT_VALUE = 0x0040A160;
    static final int CONCEPT_CODE_SEQUENCE = 0x0040A168;
    static final int MEASURED_VALUE_SEQUENCE = 0x0040A300;
    static final int NUMERIC_VALUE = 0x0040A30A;
    static final int PERFORMED_PROCEDURE_CODE_SEQUENCE = 0x0040A372;
    static final int CURRENT_REQUESTED_PROCEDURE_EVIDENCE_SEQUENCE = 0x0040A375;
    static final int COMPLETION_FLAG = 0x0040A491;
    static final int VERIFICATION_FLAG = 0x0040A493;
    static final int CONTENT_TEMPLATE_SEQUENCE = 0x0040A504;
    static final int CONTENT_SEQUENCE = 0x0040A730;
    static final int TEMPLATE_IDENTIFIER = 0x0040DB00;

    private SrTags() {
    }
}
