package org.radmamba.viewer.dicom.codec;

import org.radmamba.viewer.dicom.codec.jpeg2000.Jpeg2000Exception;
import org.radmamba.viewer.dicom.codec.jpeg2000.Jpeg2000Image;
import org.radmamba.viewer.dicom.codec.jpeg2000.Jpeg2000Limits;
import org.radmamba.viewer.dicom.codec.jpeg2000.Jpeg2000Reader;

import java.util.Set;

/**
 * JPEG 2000 (ISO/IEC 15444-1) lossless and lossy, and High-Throughput JPEG 2000 (15444-15), through this project's
 * own decoder ({@link Jpeg2000Reader}, exact against OpenJPEG). This class only checks the decoded image against
 * the dataset and stores its samples: the code stream's SIZ may not declare more than the frame (checked before
 * anything is allocated), its size and component count must equal the frame's, its precision must fit Bits
 * Allocated, and components must not be subsampled. Stored values come back as coded (signed components keep their
 * sign), and colour whose component transform (RCT/ICT) was undone is RGB.
 */
final class Jpeg2000Decoder implements FrameDecoder {

    @Override
    public Set<String> transferSyntaxes() {
        return Set.of(TransferSyntax.JPEG_2000_LOSSLESS, TransferSyntax.JPEG_2000,
                TransferSyntax.HTJ2K_LOSSLESS, TransferSyntax.HTJ2K_LOSSLESS_RPCL, TransferSyntax.HTJ2K);
    }

    @Override
    public DecodedFrame decode(byte[] encoded, FrameFormat format) throws CodecException {
        Jpeg2000Image image;
        try {
            image = Jpeg2000Reader.decode(encoded, 0, withoutPadding(encoded),
                    Jpeg2000Limits.exactly(format.columns(), format.rows(), format.samplesPerPixel()));
        } catch (Jpeg2000Exception e) {
            throw new CodecException(e.getMessage(), e);
        }
        if (!image.complete()) {
            // The decoder gives what OpenJPEG gives for these bytes, a degraded image; shown as if whole it would
            // be silently wrong, so the frame is refused.
            throw new CodecException("JPEG 2000 code stream is truncated: its data end before the image does");
        }
        check(image, format);
        String photometric = outputPhotometric(image, format);
        FrameBuffer out = FrameBuffer.allocate(format, "JPEG 2000");
        int components = image.components();
        int pixels = format.rows() * format.columns();
        for (int c = 0; c < components; c++) {
            out.store(c, components, image.samples()[c], 0, pixels);
        }
        return new DecodedFrame(out.samples(), photometric);
    }

    /** Length without the zero byte(s) DICOM adds after EOC to make a fragment even. */
    private static int withoutPadding(byte[] data) {
        int end = data.length;
        while (end > 2 && data[end - 1] == 0) {
            end--;
        }
        if (end >= 2 && (data[end - 2] & 0xFF) == 0xFF && (data[end - 1] & 0xFF) == 0xD9) {
            return end;
        }
        return data.length;
    }

    private static void check(Jpeg2000Image image, FrameFormat format) throws CodecException {
        if (image.width() != format.columns() || image.height() != format.rows()) {
            throw new CodecException("JPEG 2000 code stream is " + image.width() + "x" + image.height()
                    + " but the dataset declares " + format.columns() + "x" + format.rows());
        }
        if (image.components() != format.samplesPerPixel()) {
            throw new CodecException("JPEG 2000 code stream has " + image.components()
                    + " components but the dataset declares " + format.samplesPerPixel() + " samples per pixel");
        }
        for (int c = 0; c < image.components(); c++) {
            if (image.componentWidths()[c] != format.columns() || image.componentHeights()[c] != format.rows()) {
                throw new CodecException("JPEG 2000 component " + c + " is subsampled ("
                        + image.componentWidths()[c] + "x" + image.componentHeights()[c]
                        + "), which DICOM does not allow");
            }
            if (image.precision()[c] > format.bitsAllocated()) {
                throw new CodecException("JPEG 2000 component " + c + " has " + image.precision()[c]
                        + "-bit samples but the dataset allocates " + format.bitsAllocated() + " bits");
            }
        }
    }

    private static String outputPhotometric(Jpeg2000Image image, FrameFormat format) throws CodecException {
        String stated = format.photometricInterpretation();
        if (image.componentTransformUndone()) {
            return "RGB";
        }
        if (stated.equals("YBR_ICT")) {
            // The irreversible component transform is the full-range YCbCr one: untransformed components are that.
            return "YBR_FULL";
        }
        if (stated.equals("YBR_RCT")) {
            throw new CodecException("JPEG 2000 frame is declared YBR_RCT but its code stream has no component "
                    + "transform, so its colour cannot be known");
        }
        return stated;
    }
}
