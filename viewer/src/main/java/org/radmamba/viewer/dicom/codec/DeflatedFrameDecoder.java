package org.radmamba.viewer.dicom.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Deflated Image Frame Compression (PS3.5 8.2.16, 1.2.840.10008.1.2.8.1): each frame is its uncompressed little
 * endian bytes, deflated on its own (RFC 1951, no zlib header). 1-bit frames are bit-packed from a byte boundary,
 * the first pixel in the least significant bit; float frames (Float and Double Float Pixel Data) are IEEE values.
 * The inflated size must be exactly the dataset's frame (one padding byte allowed after an odd-length frame, the
 * PS3.5 8.1.1 rule for uncompressed values); anything else is a contradiction we do not guess around.
 */
final class DeflatedFrameDecoder implements FrameDecoder {

    @Override
    public Set<String> transferSyntaxes() {
        return Set.of(TransferSyntax.DEFLATED_IMAGE_FRAME);
    }

    @Override
    public DecodedFrame decode(byte[] encoded, FrameFormat format) throws CodecException {
        long expected = format.packedFrameBytes();
        if (expected > Integer.MAX_VALUE - 16) {
            throw new CodecException("a deflated frame of " + expected + " bytes is too large to decode into one array");
        }
        // One byte more than the frame: room for an odd frame's padding byte, and the sign of an overlong stream.
        byte[] frame = new byte[(int) expected + 1];
        int length = inflate(encoded, frame, format);
        if (length != expected && !(length == expected + 1 && expected % 2 == 1)) {
            throw new CodecException("the deflated frame inflates to " + (length > expected ? "more than " + expected
                    : length) + " bytes, the dataset's " + describe(format) + " needs " + expected);
        }
        return new DecodedFrame(samples(frame, format), format.photometricInterpretation());
    }

    private static int inflate(byte[] encoded, byte[] frame, FrameFormat format) throws CodecException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(encoded);
            int length = 0;
            while (!inflater.finished() && length < frame.length) {
                int n = inflater.inflate(frame, length, frame.length - length);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new CodecException("the deflated frame is truncated: its stream ends after " + length
                            + " of the " + format.packedFrameBytes() + " bytes the dataset's frame needs");
                }
                length += n;
            }
            if (!inflater.finished() && length == frame.length) {
                // The stream goes on past the frame and its padding byte.
                return frame.length + 1;
            }
            return length;
        } catch (DataFormatException e) {
            throw new CodecException("the deflated frame is corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static String describe(FrameFormat format) {
        return format.rows() + "x" + format.columns() + "x" + format.samplesPerPixel() + " frame at "
                + format.bitsAllocated() + " bits" + (format.floatingPoint() ? " (float)" : "");
    }

    private static Samples samples(byte[] frame, FrameFormat format) {
        int count = (int) format.sampleCount();
        ByteBuffer bytes = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        if (format.floatingPoint()) {
            if (format.bitsAllocated() == 32) {
                float[] values = new float[count];
                bytes.asFloatBuffer().get(values);
                return new Samples.Floats(values);
            }
            double[] values = new double[count];
            bytes.asDoubleBuffer().get(values);
            return new Samples.Doubles(values);
        }
        return switch (format.bitsAllocated()) {
            case 1 -> {
                byte[] pixels = new byte[count];
                for (int i = 0; i < count; i++) {
                    pixels[i] = (byte) ((frame[i >>> 3] >>> (i & 7)) & 1);
                }
                yield new Samples.Bytes(pixels);
            }
            case 8 -> new Samples.Bytes(frame.length == count ? frame : java.util.Arrays.copyOf(frame, count));
            case 16 -> {
                Samples.Shorts shorts = FrameMemory.shorts(count);
                bytes.asShortBuffer().get(shorts.array(), shorts.offset(), count);
                yield shorts;
            }
            default -> {
                int[] values = new int[count];
                bytes.asIntBuffer().get(values);
                yield new Samples.Ints(values);
            }
        };
    }
}
