package org.radmamba.viewer.dicom;

/** The tags RadMamba reads, as {@code (group << 16) | element}. */
public final class Tag {
    public static final int TRANSFER_SYNTAX_UID = 0x00020010;
    public static final int MEDIA_STORAGE_SOP_CLASS_UID = 0x00020002;

    public static final int SOP_CLASS_UID = 0x00080016;
    public static final int SOP_INSTANCE_UID = 0x00080018;
    public static final int STUDY_DATE = 0x00080020;
    public static final int ACCESSION_NUMBER = 0x00080050;
    public static final int MODALITY = 0x00080060;
    public static final int STUDY_DESCRIPTION = 0x00081030;
    public static final int SERIES_DESCRIPTION = 0x0008103E;
    public static final int PATIENT_NAME = 0x00100010;
    public static final int PATIENT_ID = 0x00100020;
    public static final int SLICE_THICKNESS = 0x00180050;
    public static final int STUDY_INSTANCE_UID = 0x0020000D;
    public static final int SERIES_INSTANCE_UID = 0x0020000E;
    public static final int STUDY_ID = 0x00200010;
    public static final int SERIES_NUMBER = 0x00200011;
    public static final int INSTANCE_NUMBER = 0x00200013;
    public static final int IMAGE_POSITION_PATIENT = 0x00200032;
    public static final int IMAGE_ORIENTATION_PATIENT = 0x00200037;

    public static final int SAMPLES_PER_PIXEL = 0x00280002;
    public static final int PHOTOMETRIC_INTERPRETATION = 0x00280004;
    public static final int PLANAR_CONFIGURATION = 0x00280006;
    public static final int NUMBER_OF_FRAMES = 0x00280008;
    public static final int ROWS = 0x00280010;
    public static final int COLUMNS = 0x00280011;
    public static final int PIXEL_SPACING = 0x00280030;
    public static final int BITS_ALLOCATED = 0x00280100;
    public static final int BITS_STORED = 0x00280101;
    public static final int HIGH_BIT = 0x00280102;
    public static final int PIXEL_REPRESENTATION = 0x00280103;
    public static final int WINDOW_CENTER = 0x00281050;
    public static final int WINDOW_WIDTH = 0x00281051;
    public static final int RESCALE_INTERCEPT = 0x00281052;
    public static final int RESCALE_SLOPE = 0x00281053;
    public static final int RESCALE_TYPE = 0x00281054;
    public static final int WINDOW_CENTER_WIDTH_EXPLANATION = 0x00281055;
    public static final int VOI_LUT_FUNCTION = 0x00281056;
    public static final int RED_PALETTE_LUT_DESCRIPTOR = 0x00281101;
    public static final int GREEN_PALETTE_LUT_DESCRIPTOR = 0x00281102;
    public static final int BLUE_PALETTE_LUT_DESCRIPTOR = 0x00281103;
    public static final int RED_PALETTE_LUT_DATA = 0x00281201;
    public static final int GREEN_PALETTE_LUT_DATA = 0x00281202;
    public static final int BLUE_PALETTE_LUT_DATA = 0x00281203;
    public static final int SEGMENTED_RED_PALETTE_LUT_DATA = 0x00281221;
    public static final int SEGMENTED_GREEN_PALETTE_LUT_DATA = 0x00281222;
    public static final int SEGMENTED_BLUE_PALETTE_LUT_DATA = 0x00281223;
    public static final int MODALITY_LUT_SEQUENCE = 0x00283000;
    public static final int LUT_DESCRIPTOR = 0x00283002;
    public static final int LUT_EXPLANATION = 0x00283003;
    public static final int MODALITY_LUT_TYPE = 0x00283004;
    public static final int LUT_DATA = 0x00283006;
    public static final int VOI_LUT_SEQUENCE = 0x00283010;

    public static final int SHARED_FUNCTIONAL_GROUPS_SEQUENCE = 0x52009229;
    public static final int PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE = 0x52009230;
    public static final int PLANE_POSITION_SEQUENCE = 0x00209113;
    public static final int PLANE_ORIENTATION_SEQUENCE = 0x00209116;
    public static final int PIXEL_VALUE_TRANSFORMATION_SEQUENCE = 0x00289145;
    public static final int FRAME_VOI_LUT_SEQUENCE = 0x00289132;

    public static final int EXTENDED_OFFSET_TABLE = 0x7FE00001;
    public static final int EXTENDED_OFFSET_TABLE_LENGTHS = 0x7FE00002;
    public static final int FLOAT_PIXEL_DATA = 0x7FE00008;
    public static final int DOUBLE_FLOAT_PIXEL_DATA = 0x7FE00009;
    public static final int PIXEL_DATA = 0x7FE00010;

    private Tag() {
    }
}
