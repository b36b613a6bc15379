package org.radmamba.viewer.dicom.pixeldata;

/**
 * The value representations of the tags the viewer reads ({@link org.radmamba.viewer.dicom.Tag}, the segmentation
 * reader's), as the data dictionary gives them: what an implicit VR file does not say. A table of our own so that
 * loading such a file never loads the whole dictionary; {@code KnownVrsTest} holds it to PixelMed's dictionary.
 */
final class KnownVrs {

    private KnownVrs() {
    }

    /** The VR of {@code tag}, or null when it is not one of the viewer's tags. */
    static String of(int tag) {
        return switch (tag) {
            case 0x00020000, 0x00080000 -> "UL";
            case 0x00020001 -> "OB";
            case 0x00020002, 0x00020003, 0x00020010, 0x00020012, 0x00080016, 0x00080018, 0x0020000D, 0x0020000E,
                 0x00200052, 0x00081150, 0x00081155, 0x00209164, 0x00041511 -> "UI";
            case 0x00080090, 0x00100010, 0x00700084 -> "PN";
            case 0x00020013, 0x00080050, 0x00200010, 0x00080100, 0x00080102 -> "SH";
            case 0x00080005, 0x00080008, 0x00080060, 0x00100040, 0x00280004, 0x00281056,
                 0x00200060, 0x00200062, 0x00282110, 0x00620001, 0x00620008, 0x00041430, 0x00041500 -> "CS";
            case 0x00080020, 0x00080021, 0x00080023, 0x00100030 -> "DA";
            case 0x00080030, 0x00080031, 0x00080033 -> "TM";
            case 0x00081030, 0x0008103E, 0x00100020, 0x00080070, 0x00081090, 0x00181020, 0x00181000, 0x00281055,
                 0x00283003, 0x00283004, 0x00281054, 0x00080104, 0x00620005, 0x00620009, 0x00201040, 0x00209421 -> "LO";
            case 0x00180050, 0x00200032, 0x00200037, 0x00280030, 0x00281050, 0x00281051, 0x00281052, 0x00281053,
                 0x00181164 -> "DS";
            case 0x00200011, 0x00200013, 0x00280008, 0x00081160 -> "IS";
            case 0x00280002, 0x00280006, 0x00280010, 0x00280011, 0x00280100, 0x00280101, 0x00280102, 0x00280103,
                 0x00620004, 0x0062000B, 0x0062000E -> "US";
            case 0x00209157 -> "UL";
            case 0x00209165, 0x00209167 -> "AT";
            case 0x00700080 -> "CS";
            case 0x00700081 -> "LO";
            case 0x00281201, 0x00281202, 0x00281203, 0x00281221, 0x00281222, 0x00281223 -> "OW";
            case 0x00283000, 0x00283010, 0x52009229, 0x52009230, 0x00209113, 0x00209116, 0x00289145, 0x00289132,
                 0x00081115, 0x0008114A, 0x00082112, 0x00089124, 0x00089215, 0x0040A170, 0x00209221, 0x00209222,
                 0x00209111, 0x00620002, 0x00620003, 0x0062000A, 0x0062000F, 0x00041220, 0x00289110, 0x0040A730 -> "SQ";
            case 0x7FE00001, 0x7FE00002 -> "OV";
            default -> null;
        };
    }
}
