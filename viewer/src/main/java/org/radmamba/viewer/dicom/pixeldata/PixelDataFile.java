package org.radmamba.viewer.dicom.pixeldata;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.codec.CodecException;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameDecoder;
import org.radmamba.viewer.dicom.codec.FrameDecoders;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.Samples;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@link DicomFile} whose pixel data we read ourselves from a walked {@link DatasetLayout}, whatever toolkit
 * parsed its attributes: native frames as stored values, encapsulated frames as compressed bytes decoded by the
 * {@link FrameDecoders} of the transfer syntax.
 */
public final class PixelDataFile implements DicomFile {

    private final Path file;
    private final String transferSyntaxUid;
    private final DicomDataset dataset;
    private final FrameFormat format;
    private final int frameCount;
    private final Samples[] nativeFrames;
    private final byte[][] compressedFrames;
    private final FrameDecoder decoder;

    private PixelDataFile(Path file, String transferSyntaxUid, DicomDataset dataset, FrameFormat format, int frameCount,
                          Samples[] nativeFrames, byte[][] compressedFrames, FrameDecoder decoder) {
        this.file = file;
        this.transferSyntaxUid = transferSyntaxUid;
        this.dataset = dataset;
        this.format = format;
        this.frameCount = frameCount;
        this.nativeFrames = nativeFrames;
        this.compressedFrames = compressedFrames;
        this.decoder = decoder;
    }

    /** Reads the pixel data that {@code layout} located; {@code dataset} is the file's parsed attributes. */
    public static PixelDataFile read(Path file, DatasetLayout layout, DicomDataset dataset, ReadLimits limits)
            throws DicomReadException {
        String syntax = layout.transferSyntaxUid();
        if (!layout.hasPixelData()) {
            return new PixelDataFile(file, syntax, dataset, null, 0, new Samples[0], null, null);
        }
        FrameFormat format = FrameFormats.from(file, dataset, layout.pixelDataTag());
        int frames = FrameFormats.frameCount(file, dataset);
        FrameLimits.check(file, format, frames, limits);
        if (!layout.encapsulated()) {
            if (!TransferSyntax.isNative(syntax)) {
                throw unsupported(file, syntax);
            }
            reserve(file, format.frameBytes() * frames, "reading its " + frames + (frames == 1 ? " frame" : " frames"));
            return new PixelDataFile(file, syntax, dataset, format, frames,
                    NativeFrames.read(file, layout, format, frames), null, null);
        }
        boolean deflatedFrames = TransferSyntax.DEFLATED_IMAGE_FRAME.equals(syntax);
        if (format.isBitPacked() && !deflatedFrames && !TransferSyntax.RLE_LOSSLESS.equals(syntax)) {
            throw new DicomReadException(file, "its 1-bit pixel data is compressed (" + TransferSyntax.describe(syntax)
                    + "), which DICOM defines only for RLE Lossless and Deflated Image Frame Compression");
        }
        if (format.floatingPoint() && !deflatedFrames) {
            throw new DicomReadException(file, "its float pixel data is compressed (" + TransferSyntax.describe(syntax)
                    + "), which DICOM defines only for Deflated Image Frame Compression");
        }
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(syntax).orElseThrow(() -> unsupported(file, syntax));
        byte[][] compressed = EncapsulatedFrames.split(file, layout, frames);
        return new PixelDataFile(file, syntax, dataset, format, frames, null, compressed, decoder);
    }

    /** Refuses an allocation the heap cannot give now, before it is made. */
    private static void reserve(Path file, long bytes, String what) throws DicomReadException {
        java.util.Optional<String> refusal = org.radmamba.viewer.memory.MemoryBudget.refusal(bytes, what);
        if (refusal.isPresent()) {
            throw new DicomReadException(file, refusal.get());
        }
    }

    private static DicomReadException unsupported(Path file, String syntax) {
        return new DicomReadException(file, "its transfer syntax " + TransferSyntax.describe(syntax) + " is not supported");
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public String transferSyntaxUid() {
        return transferSyntaxUid;
    }

    @Override
    public DicomDataset dataset() {
        return dataset;
    }

    @Override
    public Optional<FrameFormat> frameFormat() {
        return Optional.ofNullable(format);
    }

    @Override
    public int frameCount() {
        return frameCount;
    }

    @Override
    public DecodedFrame frame(int index) throws DicomReadException {
        if (index < 0 || index >= frameCount) {
            throw new IndexOutOfBoundsException("frame " + index + " of " + file + ", which has " + frameCount + " frames");
        }
        if (nativeFrames != null) {
            return new DecodedFrame(nativeFrames[index], format.photometricInterpretation());
        }
        reserve(file, format.frameBytes(), "decoding frame " + (index + 1));
        DecodedFrame decoded;
        try {
            decoded = decoder.decode(compressedFrames[index], format);
        } catch (OutOfMemoryError e) {
            // The budget is checked first, but a decoder's working memory is its own: a frame's error all the same.
            throw new DicomReadException(file, "frame " + (index + 1) + " cannot be decoded: out of memory ("
                    + e.getMessage() + ")");
        } catch (CodecException e) {
            throw new DicomReadException(file, "frame " + (index + 1) + " cannot be decoded: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // A decoder bug on hostile data must surface as this file's error, not as a crash of the viewer.
            throw new DicomReadException(file, "frame " + (index + 1) + " cannot be decoded ("
                    + TransferSyntax.describe(transferSyntaxUid) + "): " + e, e);
        }
        if (decoded.samples().length() != format.sampleCount()) {
            throw new DicomReadException(file, "frame " + (index + 1) + " decodes to " + decoded.samples().length()
                    + " samples, the dataset describes " + format.sampleCount());
        }
        return decoded;
    }
}
