package org.radmamba.viewer.dicom.codec;

/** The encapsulated transfer syntax UIDs that {@link FrameDecoders} knows. */
public final class TransferSyntaxes {
    public static final String RLE_LOSSLESS = "1.2.840.10008.1.2.5";
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    public static final String JPEG_EXTENDED_12BIT = "1.2.840.10008.1.2.4.51";
    /** Retired: extended sequential with arithmetic coding (processes 3 and 5). */
    public static final String JPEG_EXTENDED_ARITHMETIC = "1.2.840.10008.1.2.4.52";
    /** Retired: spectral selection, non-hierarchical (processes 6 and 8). */
    public static final String JPEG_SPECTRAL_SELECTION = "1.2.840.10008.1.2.4.53";
    /** Retired: spectral selection with arithmetic coding (processes 7 and 9). */
    public static final String JPEG_SPECTRAL_SELECTION_ARITHMETIC = "1.2.840.10008.1.2.4.54";
    /** Retired: full progression, non-hierarchical (processes 10 and 12). */
    public static final String JPEG_FULL_PROGRESSION = "1.2.840.10008.1.2.4.55";
    /** Retired: full progression with arithmetic coding (processes 11 and 13). */
    public static final String JPEG_FULL_PROGRESSION_ARITHMETIC = "1.2.840.10008.1.2.4.56";
    /** Retired: lossless with arithmetic coding (process 15). */
    public static final String JPEG_LOSSLESS_ARITHMETIC = "1.2.840.10008.1.2.4.58";
    public static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.57";
    public static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    public static final String JPEG_LS_LOSSLESS = "1.2.840.10008.1.2.4.80";
    public static final String JPEG_LS_NEAR_LOSSLESS = "1.2.840.10008.1.2.4.81";
    public static final String JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90";
    public static final String JPEG_2000 = "1.2.840.10008.1.2.4.91";
    public static final String HTJ2K_LOSSLESS = "1.2.840.10008.1.2.4.201";
    public static final String HTJ2K_LOSSLESS_RPCL = "1.2.840.10008.1.2.4.202";
    public static final String HTJ2K = "1.2.840.10008.1.2.4.203";
    public static final String DEFLATED_IMAGE_FRAME = "1.2.840.10008.1.2.8.1";

    private TransferSyntaxes() {
    }
}
