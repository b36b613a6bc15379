package org.radmamba.viewer.dicom.codec;

import java.util.Arrays;
import java.util.Set;

/**
 * DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits segment per byte
 * plane, colour plane by colour plane, most significant byte first. Output is pixel-interleaved whatever the
 * dataset's planar configuration says, since RLE always stores planes. 1-bit frames (Bits Allocated 1) are one
 * segment of one byte per pixel, 0 or 1, as pydicom reads them (dcmtk and GDCM do not decode them).
 */
final class RleDecoder implements FrameDecoder {

    private static final int HEADER_BYTES = 64;
    private static final int MAX_SEGMENTS = 15;

    @Override
    public Set<String> transferSyntaxes() {
        return Set.of(TransferSyntax.RLE_LOSSLESS);
    }

    @Override
    public DecodedFrame decode(byte[] encoded, FrameFormat format) throws CodecException {
        int bytesPerSample = format.isBitPacked() ? 1 : format.bitsAllocated() / 8;
        int samplesPerPixel = format.samplesPerPixel();
        int expectedSegments = bytesPerSample * samplesPerPixel;
        if (encoded.length < HEADER_BYTES) {
            throw new CodecException("RLE frame is " + encoded.length + " bytes, shorter than its 64-byte header");
        }
        int segmentCount = readLittleEndianInt(encoded, 0);
        if (segmentCount < 1 || segmentCount > MAX_SEGMENTS) {
            throw new CodecException("RLE header declares " + Integer.toUnsignedString(segmentCount)
                    + " segments; the standard allows 1 to 15");
        }
        if (segmentCount != expectedSegments) {
            throw new CodecException("RLE header declares " + segmentCount + " segments but " + samplesPerPixel
                    + " samples of " + format.bitsAllocated() + " bits need " + expectedSegments);
        }
        int[] offsets = new int[segmentCount + 1];
        for (int s = 0; s < segmentCount; s++) {
            long offset = Integer.toUnsignedLong(readLittleEndianInt(encoded, 4 + 4 * s));
            if (offset < HEADER_BYTES || offset >= encoded.length) {
                throw new CodecException("RLE segment " + (s + 1) + " starts at offset " + offset
                        + ", outside the " + encoded.length + "-byte frame data");
            }
            if (s > 0 && offset < offsets[s - 1]) {
                throw new CodecException("RLE segment " + (s + 1) + " starts at offset " + offset
                        + ", before segment " + s + " at " + offsets[s - 1]);
            }
            offsets[s] = (int) offset;
        }
        offsets[segmentCount] = encoded.length;

        FrameBuffer out = FrameBuffer.allocate(format, "RLE");
        int pixels = format.rows() * format.columns();
        byte[] plane = new byte[pixels];
        for (int s = 0; s < segmentCount; s++) {
            unpackBits(encoded, offsets[s], offsets[s + 1], plane, s + 1);
            int sample = s / bytesPerSample;
            int shift = 8 * (bytesPerSample - 1 - s % bytesPerSample);
            scatter(plane, out, sample, samplesPerPixel, shift);
        }
        return new DecodedFrame(out.samples(), format.photometricInterpretation());
    }

    /** PackBits: a header n in 0..127 copies n+1 literal bytes, -127..-1 repeats the next byte 1-n times. */
    private static void unpackBits(byte[] in, int start, int end, byte[] plane, int segmentNumber)
            throws CodecException {
        int p = start;
        int o = 0;
        int n = plane.length;
        while (o < n) {
            if (p >= end) {
                throw new CodecException("RLE segment " + segmentNumber + " ends after " + o + " of " + n
                        + " bytes: the data is truncated");
            }
            int header = in[p++];
            if (header >= 0) {
                int count = header + 1;
                if (p + count > end) {
                    throw new CodecException("RLE segment " + segmentNumber + " has a literal run of " + count
                            + " bytes that runs past the segment end: the data is truncated");
                }
                // Some encoders overshoot the last run; what lies beyond the frame is dropped.
                int kept = Math.min(count, n - o);
                System.arraycopy(in, p, plane, o, kept);
                p += count;
                o += kept;
            } else if (header != -128) {
                if (p >= end) {
                    throw new CodecException("RLE segment " + segmentNumber
                            + " ends inside a replicate run: the data is truncated");
                }
                int kept = Math.min(1 - header, n - o);
                Arrays.fill(plane, o, o + kept, in[p++]);
                o += kept;
            }
        }
    }

    private static void scatter(byte[] plane, FrameBuffer out, int sample, int samplesPerPixel, int shift) {
        int n = plane.length;
        switch (out.samples()) {
            case Samples.Bytes(byte[] dst) -> {
                for (int i = 0, o = sample; i < n; i++, o += samplesPerPixel) {
                    dst[o] = plane[i];
                }
            }
            case Samples.Shorts(short[] dst, int start, _) -> {
                for (int i = 0, o = start + sample; i < n; i++, o += samplesPerPixel) {
                    dst[o] |= (short) ((plane[i] & 0xFF) << shift);
                }
            }
            case Samples.Ints(int[] dst) -> {
                for (int i = 0, o = sample; i < n; i++, o += samplesPerPixel) {
                    dst[o] |= (plane[i] & 0xFF) << shift;
                }
            }
            case Samples.Floats _, Samples.Doubles _ -> throw new IllegalStateException("RLE frames are never float");
        }
    }

    private static int readLittleEndianInt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
