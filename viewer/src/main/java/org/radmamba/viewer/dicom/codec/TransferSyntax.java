package org.radmamba.viewer.dicom.codec;

import java.util.Map;

/**
 * Transfer syntax UIDs and their names: the one table of them, in the codec package because the
 * {@link FrameDecoders} registry keys its decoders by them and the DICOM port above it reads them too.
 */
public final class TransferSyntax {
    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    public static final String JPEG_EXTENDED = "1.2.840.10008.1.2.4.51";
    public static final String JPEG_EXTENDED_ARITHMETIC = "1.2.840.10008.1.2.4.52";
    public static final String JPEG_SPECTRAL_SELECTION = "1.2.840.10008.1.2.4.53";
    public static final String JPEG_SPECTRAL_SELECTION_ARITHMETIC = "1.2.840.10008.1.2.4.54";
    public static final String JPEG_FULL_PROGRESSION = "1.2.840.10008.1.2.4.55";
    public static final String JPEG_FULL_PROGRESSION_ARITHMETIC = "1.2.840.10008.1.2.4.56";
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
    public static final String RLE_LOSSLESS = "1.2.840.10008.1.2.5";
    public static final String DEFLATED_IMAGE_FRAME = "1.2.840.10008.1.2.8.1";

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry(IMPLICIT_VR_LITTLE_ENDIAN, "Implicit VR Little Endian"),
            Map.entry(EXPLICIT_VR_LITTLE_ENDIAN, "Explicit VR Little Endian"),
            Map.entry(DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, "Deflated Explicit VR Little Endian"),
            Map.entry(EXPLICIT_VR_BIG_ENDIAN, "Explicit VR Big Endian"),
            Map.entry(JPEG_BASELINE, "JPEG Baseline"),
            Map.entry(JPEG_EXTENDED, "JPEG Extended"),
            Map.entry(JPEG_EXTENDED_ARITHMETIC, "JPEG Extended, arithmetic coding (retired)"),
            Map.entry(JPEG_SPECTRAL_SELECTION, "JPEG Spectral Selection (retired)"),
            Map.entry(JPEG_SPECTRAL_SELECTION_ARITHMETIC, "JPEG Spectral Selection, arithmetic coding (retired)"),
            Map.entry(JPEG_FULL_PROGRESSION, "JPEG Full Progression (retired)"),
            Map.entry(JPEG_FULL_PROGRESSION_ARITHMETIC, "JPEG Full Progression, arithmetic coding (retired)"),
            Map.entry(JPEG_LOSSLESS_ARITHMETIC, "JPEG Lossless, arithmetic coding (retired)"),
            Map.entry(JPEG_LOSSLESS, "JPEG Lossless"),
            Map.entry(JPEG_LOSSLESS_SV1, "JPEG Lossless SV1"),
            Map.entry(JPEG_LS_LOSSLESS, "JPEG-LS Lossless"),
            Map.entry(JPEG_LS_NEAR_LOSSLESS, "JPEG-LS Near-Lossless"),
            Map.entry(JPEG_2000_LOSSLESS, "JPEG 2000 Lossless"),
            Map.entry(JPEG_2000, "JPEG 2000"),
            Map.entry(HTJ2K_LOSSLESS, "High-Throughput JPEG 2000 Lossless"),
            Map.entry(HTJ2K_LOSSLESS_RPCL, "High-Throughput JPEG 2000 with RPCL Options Lossless"),
            Map.entry(HTJ2K, "High-Throughput JPEG 2000"),
            Map.entry(RLE_LOSSLESS, "RLE Lossless"),
            Map.entry(DEFLATED_IMAGE_FRAME, "Deflated Image Frame Compression"));

    private TransferSyntax() {
    }

    /** True for the syntaxes whose pixel data is stored uncompressed (native). */
    public static boolean isNative(String uid) {
        return IMPLICIT_VR_LITTLE_ENDIAN.equals(uid) || EXPLICIT_VR_LITTLE_ENDIAN.equals(uid)
                || DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(uid) || EXPLICIT_VR_BIG_ENDIAN.equals(uid);
    }

    /** "Explicit VR Little Endian (1.2.840.10008.1.2.1)", or the bare UID when unknown. */
    public static String describe(String uid) {
        String name = NAMES.get(uid);
        return name == null ? uid : name + " (" + uid + ")";
    }
}
