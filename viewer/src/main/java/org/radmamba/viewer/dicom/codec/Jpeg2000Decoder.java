package org.radmamba.viewer.dicom.codec;

import com.github.jaiimageio.jpeg2000.impl.J2KImageReader;
import com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi;

import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * JPEG 2000 (ISO/IEC 15444-1) lossless and lossy through jai-imageio-jpeg2000 (JJ2000, pure Java). The raster
 * is read, never a colour-converted image, so stored values come back as coded: signed components keep their
 * sign bits, 16-bit stays 16-bit, and the decoder's inverse component transform (RCT/ICT) makes colour RGB.
 *
 * <p>JJ2000 is built to decode what it can of a damaged code stream, so this class checks what it can first:
 * the SIZ marker against the dataset (which also bounds JJ2000's allocations) and the final EOC marker.
 *
 * <p>Some damaged streams still send JJ2000 into an endless loop (one is kept in the tests' fuzz findings), and
 * it cannot be interrupted. So each decode runs on a daemon worker under a time limit (system property
 * {@code radmamba.jpeg2000.timeout.seconds}, default 30): past it the frame fails with a clear message and the
 * caller goes on; the runaway worker is abandoned (it costs a core until the process ends, which is logged).
 */
final class Jpeg2000Decoder implements FrameDecoder {

    private static final J2KImageReaderSpi PROVIDER = new J2KImageReaderSpi();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Jpeg2000Decoder.class);
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("jpeg2000-decoder-", 0).factory());

    @Override
    public Set<String> transferSyntaxes() {
        return Set.of(TransferSyntaxes.JPEG_2000_LOSSLESS, TransferSyntaxes.JPEG_2000);
    }

    @Override
    public DecodedFrame decode(byte[] encoded, FrameFormat format) throws CodecException {
        checkCodestream(encoded, format);
        Raster raster = readWithinTimeLimit(encoded);
        if (raster.getWidth() != format.columns() || raster.getHeight() != format.rows()
                || raster.getNumBands() != format.samplesPerPixel()) {
            throw new CodecException("JPEG 2000 decoder returned " + raster.getWidth() + "x" + raster.getHeight() + "x"
                    + raster.getNumBands() + " samples for a " + format.columns() + "x" + format.rows() + "x"
                    + format.samplesPerPixel() + " frame");
        }
        FrameBuffer out = FrameBuffer.allocate(format, "JPEG 2000");
        int width = format.columns();
        int samplesPerLine = width * format.samplesPerPixel();
        int[] line = new int[samplesPerLine];
        int minX = raster.getMinX();
        int minY = raster.getMinY();
        for (int y = 0; y < format.rows(); y++) {
            raster.getPixels(minX, minY + y, width, 1, line);
            out.store(y * samplesPerLine, 1, line, 0, samplesPerLine);
        }
        return new DecodedFrame(out.samples(), outputPhotometric(format));
    }

    private static Raster readWithinTimeLimit(byte[] encoded) throws CodecException {
        long seconds = Long.getLong("radmamba.jpeg2000.timeout.seconds", 30);
        Future<Raster> decoding = WORKERS.submit(() -> read(encoded));
        try {
            return decoding.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            decoding.cancel(true);
            LOG.warn("JPEG 2000 decoder still running after {} s; abandoning its worker thread", seconds);
            throw new CodecException("JPEG 2000 code stream did not decode within " + seconds
                    + " s; it is probably corrupt");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CodecException codec) {
                throw codec;
            }
            if (e.getCause() instanceof VirtualMachineError vm) {
                throw vm;
            }
            throw new CodecException("JPEG 2000 code stream could not be decoded: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            decoding.cancel(true);
            Thread.currentThread().interrupt();
            throw new CodecException("JPEG 2000 decoding was interrupted", e);
        }
    }

    private static Raster read(byte[] encoded) throws CodecException {
        J2KImageReader reader = new J2KImageReader(PROVIDER);
        try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            reader.setInput(in);
            return reader.readRaster(0, null);
        } catch (IOException | RuntimeException e) {
            // JJ2000 reports damage as IOExceptions and as assorted runtime exceptions from deep inside.
            throw new CodecException("JPEG 2000 code stream could not be decoded: " + e.getMessage(), e);
        } catch (Error e) {
            // ...and as plain java.lang.Error ("Corrupted Bitstream"); the JVM's own errors must pass.
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            throw new CodecException("JPEG 2000 code stream is corrupt: " + e.getMessage(), e);
        } finally {
            reader.dispose();
        }
    }

    private static String outputPhotometric(FrameFormat format) {
        String stated = format.photometricInterpretation();
        return stated.equals("YBR_RCT") || stated.equals("YBR_ICT") ? "RGB" : stated;
    }

    /** Checks the SOC and SIZ markers against the dataset and that the stream ends with EOC. */
    private static void checkCodestream(byte[] data, FrameFormat format) throws CodecException {
        if (data.length < 42 || u16(data, 0) != 0xFF4F || u16(data, 2) != 0xFF51) {
            throw new CodecException("JPEG 2000 frame does not start with SOC and SIZ markers: the data is not a JPEG 2000 code stream");
        }
        long xSize = u32(data, 8);
        long ySize = u32(data, 12);
        long xOffset = u32(data, 16);
        long yOffset = u32(data, 20);
        int components = u16(data, 40);
        long width = xSize - xOffset;
        long height = ySize - yOffset;
        if (width != format.columns() || height != format.rows()) {
            throw new CodecException("JPEG 2000 code stream is " + width + "x" + height + " but the dataset declares "
                    + format.columns() + "x" + format.rows());
        }
        if (components != format.samplesPerPixel() || data.length < 42 + 3 * components) {
            throw new CodecException("JPEG 2000 code stream has " + components + " components but the dataset declares "
                    + format.samplesPerPixel() + " samples per pixel");
        }
        for (int c = 0; c < components; c++) {
            int depth = (data[42 + 3 * c] & 0x7F) + 1;
            if (depth > format.bitsAllocated()) {
                throw new CodecException("JPEG 2000 component " + c + " has " + depth + "-bit samples but the dataset allocates "
                        + format.bitsAllocated() + " bits");
            }
        }
        int end = data.length;
        while (end > 2 && data[end - 1] == 0) {
            end--; // DICOM pads fragments to even length
        }
        if (u16(data, end - 2) != 0xFFD9) {
            throw new CodecException("JPEG 2000 code stream does not end with an EOC marker: the data is truncated");
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static long u32(byte[] b, int at) {
        return (long) u16(b, at) << 16 | u16(b, at + 2);
    }
}
