package org.radmamba.viewer.dicom.pixeldata;

import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.FrameMemory;
import org.radmamba.viewer.dicom.codec.Samples;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads the frames of native (uncompressed) pixel data as {@link Samples}: in the array type of Bits Allocated,
 * byte order undone, colour-by-plane and YBR_FULL_422 chroma subsampling normalised to full-resolution
 * pixel-interleaved samples. Float Pixel Data and Double Float Pixel Data are read as float and double values.
 *
 * <p>Explicit VR Big Endian 8-bit pixel data in OW: PS3.5 puts the first sample in the low-order byte of each
 * 16-bit word, which big endian writes second, so byte pairs are swapped across the whole value (as pydicom 3 and
 * dcmtk read it), not frame by frame: a frame of odd length starts or ends in the middle of a word.
 */
public final class NativeFrames {

    private static final Logger LOG = LoggerFactory.getLogger(NativeFrames.class);

    private NativeFrames() {
    }

    /** True when the file stores this format with 4:2:2 chroma subsampling (uncompressed YBR_FULL_422). */
    public static boolean chromaSubsampled(FrameFormat format) {
        return format.samplesPerPixel() == 3 && "YBR_FULL_422".equals(format.photometricInterpretation());
    }

    /** Bytes one frame occupies in the file. */
    public static long storedFrameBytes(FrameFormat format) {
        long samples = chromaSubsampled(format) ? (long) format.rows() * format.columns() * 2 : format.sampleCount();
        return samples * (format.bitsAllocated() / 8);
    }

    public static Samples[] read(Path file, DatasetLayout layout, FrameFormat format, int frameCount)
            throws DicomReadException {
        if (format.isBitPacked()) {
            return readBitPacked(file, layout, format, frameCount);
        }
        if (chromaSubsampled(format) && format.columns() % 2 != 0) {
            throw new DicomReadException(file, "YBR_FULL_422 pixel data needs an even number of columns, not " + format.columns());
        }
        long frameBytes = storedFrameBytes(format);
        long needed = frameBytes * frameCount;
        if (needed > layout.pixelDataLength()) {
            throw new DicomReadException(file, "Pixel Data holds " + layout.pixelDataLength() + " bytes but " + frameCount
                    + " frame(s) of " + format.rows() + "x" + format.columns() + "x" + format.samplesPerPixel() + " at "
                    + format.bitsAllocated() + " bits need " + needed);
        }
        warnOfExcess(file, layout, needed);
        boolean swapBytePairs = format.bitsAllocated() == 8 && layout.byteOrder() == ByteOrder.BIG_ENDIAN
                && "OW".equals(layout.pixelDataVr());
        if (swapBytePairs && needed % 2 == 1 && needed + 1 > layout.pixelDataLength()) {
            throw new DicomReadException(file, "its 8-bit big endian OW Pixel Data holds " + layout.pixelDataLength()
                    + " bytes, an odd number: the word that holds its last sample is incomplete");
        }
        Samples[] frames = new Samples[frameCount];
        try {
            for (int f = 0; f < frameCount; f++) {
                long at = f * frameBytes;
                Samples stored = swapBytePairs ? new Samples.Bytes(readSwappedBytePairs(layout, at, (int) frameBytes))
                        : readFrame(layout, layout.pixelDataOffset() + at, (int) frameBytes, format);
                frames[f] = normalise(stored, format);
            }
        } catch (IOException e) {
            throw new DicomReadException(file, "cannot read its pixel data: " + e.getMessage(), e);
        }
        return frames;
    }

    /**
     * More bytes than the frames and the one padding byte of an odd length (PS3.5 8.1.1) is a dataset that may
     * understate its Number of Frames; the frames it describes are still exactly what it says, as pydicom reads them.
     */
    private static void warnOfExcess(Path file, DatasetLayout layout, long needed) {
        if (layout.pixelDataLength() > needed + needed % 2) {
            LOG.warn("{}: its pixel data holds {} bytes, {} more than its frames need; the excess is ignored",
                    file, layout.pixelDataLength(), layout.pixelDataLength() - needed);
        }
    }

    /**
     * The {@code bytes} 8-bit samples from {@code at} (relative to the value's start) of a big endian OW value:
     * the 16-bit words that cover them, each word's two bytes exchanged.
     */
    private static byte[] readSwappedBytePairs(DatasetLayout layout, long at, int bytes) throws IOException {
        long firstWord = at & ~1L;
        int wordBytes = (int) (((at + bytes + 1) & ~1L) - firstWord);
        byte[] words = new byte[wordBytes];
        layout.source().readFully(layout.pixelDataOffset() + firstWord, ByteBuffer.wrap(words));
        for (int i = 0; i + 1 < words.length; i += 2) {
            byte t = words[i];
            words[i] = words[i + 1];
            words[i + 1] = t;
        }
        int skip = (int) (at - firstWord);
        return skip == 0 && wordBytes == bytes ? words : java.util.Arrays.copyOfRange(words, skip, skip + bytes);
    }

    private static Samples readFrame(DatasetLayout layout, long at, int bytes, FrameFormat format) throws IOException {
        if (format.bitsAllocated() == 8) {
            byte[] data = new byte[bytes];
            layout.source().readFully(at, ByteBuffer.wrap(data));
            return new Samples.Bytes(data);
        }
        if (format.floatingPoint()) {
            return readFloats(layout, at, bytes, format);
        }
        // Read through a reused off-heap chunk: the heap only ever holds the frame's own array.
        ByteBuffer chunk = CHUNK.get().clear().order(layout.byteOrder());
        int width = format.bitsAllocated() / 8;
        int count = bytes / width;
        // A frame kept as read goes into the loading series' slabs; one that normalise() rewrites is temporary.
        Samples.Shorts shorts = width != 2 ? null
                : keptAsRead(format) ? FrameMemory.shorts(count) : new Samples.Shorts(new short[count]);
        int[] ints = width == 4 ? new int[count] : null;
        int done = 0;
        while (done < count) {
            int n = Math.min(count - done, chunk.capacity() / width);
            chunk.clear().limit(n * width);
            layout.source().readFully(at + (long) done * width, chunk);
            chunk.flip();
            if (shorts != null) {
                chunk.asShortBuffer().get(shorts.array(), shorts.offset() + done, n);
            } else {
                chunk.asIntBuffer().get(ints, done, n);
            }
            done += n;
        }
        return shorts != null ? shorts : new Samples.Ints(ints);
    }

    /** Float or double values in the dataset's byte order. */
    private static Samples readFloats(DatasetLayout layout, long at, int bytes, FrameFormat format) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(bytes).order(layout.byteOrder());
        layout.source().readFully(at, data);
        data.flip();
        if (format.bitsAllocated() == 32) {
            float[] values = new float[bytes / 4];
            data.asFloatBuffer().get(values);
            return new Samples.Floats(values);
        }
        double[] values = new double[bytes / 8];
        data.asDoubleBuffer().get(values);
        return new Samples.Doubles(values);
    }

    /**
     * 1-bit frames (PS3.5 8.1.1): pixels follow one another bit by bit, the first in the least significant bit of
     * a byte, and frames are not padded to a byte boundary; each frame is unpacked to one byte (0 or 1) per pixel.
     */
    private static Samples[] readBitPacked(Path file, DatasetLayout layout, FrameFormat format, int frameCount)
            throws DicomReadException {
        long pixelsPerFrame = (long) format.rows() * format.columns();
        long neededBytes = (pixelsPerFrame * frameCount + 7) / 8;
        if (neededBytes > layout.pixelDataLength()) {
            throw new DicomReadException(file, "Pixel Data holds " + layout.pixelDataLength() + " bytes but " + frameCount
                    + " frame(s) of " + format.rows() + "x" + format.columns() + " at 1 bit need " + neededBytes);
        }
        warnOfExcess(file, layout, neededBytes);
        byte[] packed = new byte[(int) neededBytes];
        try {
            layout.source().readFully(layout.pixelDataOffset(), ByteBuffer.wrap(packed));
        } catch (IOException e) {
            throw new DicomReadException(file, "cannot read its pixel data: " + e.getMessage(), e);
        }
        Samples[] frames = new Samples[frameCount];
        for (int f = 0; f < frameCount; f++) {
            byte[] pixels = new byte[(int) pixelsPerFrame];
            long bit = f * pixelsPerFrame;
            for (int i = 0; i < pixels.length; i++, bit++) {
                pixels[i] = (byte) ((packed[(int) (bit >>> 3)] >>> (bit & 7)) & 1);
            }
            frames[f] = new Samples.Bytes(pixels);
        }
        return frames;
    }

    private static final ThreadLocal<ByteBuffer> CHUNK = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));

    /** Whether {@link #normalise} returns frames of this format as they are. */
    private static boolean keptAsRead(FrameFormat format) {
        return format.samplesPerPixel() != 3 || !chromaSubsampled(format) && format.planarConfiguration() != 1;
    }

    /** Full-resolution, pixel-interleaved samples, whatever the file's planar configuration and subsampling. */
    static Samples normalise(Samples stored, FrameFormat format) {
        if (keptAsRead(format)) {
            return stored;
        }
        int pixels = format.rows() * format.columns();
        SampleArray out = SampleArray.like(stored, pixels * 3);
        if (chromaSubsampled(format)) {
            // Y0 Y1 Cb Cr per pair of pixels (PS3.3 C.7.6.3.1.2): both pixels share the pair's chroma.
            for (int pair = 0; pair < pixels / 2; pair++) {
                int in = pair * 4;
                int cb = stored.rawBits(in + 2);
                int cr = stored.rawBits(in + 3);
                int o = pair * 6;
                out.set(o, stored.rawBits(in));
                out.set(o + 1, cb);
                out.set(o + 2, cr);
                out.set(o + 3, stored.rawBits(in + 1));
                out.set(o + 4, cb);
                out.set(o + 5, cr);
            }
            return out.samples();
        }
        // Colour by plane (Planar Configuration 1): R plane, G plane, B plane.
        for (int i = 0; i < pixels; i++) {
            out.set(3 * i, stored.rawBits(i));
            out.set(3 * i + 1, stored.rawBits(pixels + i));
            out.set(3 * i + 2, stored.rawBits(2 * pixels + i));
        }
        return out.samples();
    }

    /** A writable array of the same sample width as another. */
    private record SampleArray(Samples samples) {
        static SampleArray like(Samples template, int length) {
            return new SampleArray(switch (template) {
                case Samples.Bytes b -> new Samples.Bytes(new byte[length]);
                case Samples.Shorts s -> FrameMemory.shorts(length);
                case Samples.Ints n -> new Samples.Ints(new int[length]);
                case Samples.Floats _, Samples.Doubles _ -> throw new IllegalStateException("float frames are never colour");
            });
        }

        void set(int index, int rawBits) {
            switch (samples) {
                case Samples.Bytes b -> b.data()[index] = (byte) rawBits;
                case Samples.Shorts s -> s.array()[s.offset() + index] = (short) rawBits;
                case Samples.Ints n -> n.data()[index] = rawBits;
                case Samples.Floats _, Samples.Doubles _ -> throw new IllegalStateException("float frames are never colour");
            }
        }
    }
}
