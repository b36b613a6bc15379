package org.radmamba.viewer.dicom.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Coverage-guided fuzzing (Jazzer) of the JPEG 2000 and HTJ2K decoders on their own, below the DICOM reader that
 * {@code DicomReaderFuzzTest} fuzzes: mutated code streams go straight to {@link FrameDecoder#decode}, which must
 * return a frame of the size it was asked for or throw a {@link CodecException} with a one-line message. Anything
 * else is a finding: another exception, an error, running out of memory, or a decode that does not end within
 * {@link #HANG_SECONDS}.
 *
 * <p>The frame format is read from the input's own SIZ marker (as a dataset that agrees with its pixel data
 * would state it), so that mutations get past the decoder's dataset check into the code stream; inputs with an
 * HTJ2K capability marker (CAP) go to the HTJ2K transfer syntax's decoder, falling back to JPEG 2000's while none
 * is registered. Seeds: {@code src/test/resources/org/radmamba/viewer/dicom/codec/Jpeg2000CodestreamFuzzTestInputs/
 * any_code_stream_decodes_or_fails_with_a_codec_exception/}, tiny streams written by opj_compress and
 * ojph_compress (src/test/resources/codec/make-fixtures.sh). A failing input is written there by Jazzer as
 * {@code crash-<sha1>}: commit it, and it is replayed from then on.
 *
 * <p>In the test run the viewer module runs this class in a JVM of its own with {@code JAZZER_FUZZ=1} (viewer/pom.xml,
 * execution {@code jazzer-fuzz-jpeg2000}: Jazzer fuzzes one test per JVM) for {@code maxDuration}. Run alone:
 * {@code mvn -o -pl viewer test-compile surefire:test@jazzer-fuzz-jpeg2000}; without {@code JAZZER_FUZZ} (an IDE) it
 * replays the seeds and findings only.
 */
class Jpeg2000CodestreamFuzzTest {

    /**
     * A hang guard, not a speed limit: the seeds decode in milliseconds, and the largest frame an input can ask for
     * (512x512x3) in well under a second, but instrumented code on 2 busy cores is many times slower (the same
     * margin as DicomReaderMutationFuzzTest's).
     */
    static final int HANG_SECONDS = 20;

    @FuzzTest(maxDuration = "30s")
    @Timeout(120)
    void any_code_stream_decodes_or_fails_with_a_codec_exception(byte[] data) throws Exception {
        FrameFormat format = formatFromSiz(data);
        String transferSyntax = hasCapMarker(data) ? Jpeg2000FieldFixture.HTJ2K_LOSSLESS : TransferSyntax.JPEG_2000_LOSSLESS;
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(transferSyntax)
                .or(() -> FrameDecoders.forTransferSyntax(TransferSyntax.JPEG_2000_LOSSLESS)).orElseThrow();
        FutureTask<DecodedFrame> decoding = new FutureTask<>(() -> decoder.decode(data, format));
        Thread worker = Thread.ofPlatform().daemon().name("jpeg2000-fuzz-input").start(decoding);
        DecodedFrame frame;
        try {
            frame = decoding.get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            worker.interrupt();
            throw new AssertionError("decoding did not end within " + HANG_SECONDS + " s (" + format + ")");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CodecException refused) {
                String message = refused.getMessage();
                assertNotNull(message, "CodecException without a message");
                assertFalse(message.isBlank() || message.contains("\n") || message.contains("\r"),
                        "CodecException message is not one line: " + message);
                return;
            }
            throw new AssertionError("decoding threw " + e.getCause() + " instead of a CodecException", e.getCause());
        }
        assertNotNull(frame.photometricInterpretation(), "decoded frame without a photometric interpretation");
        assertEquals(format.sampleCount(), frame.samples().length(), "decoded sample count for " + format);
    }

    /**
     * The format a dataset agreeing with the stream's SIZ marker would state; a plain 16x16 8-bit greyscale frame
     * where the SIZ is missing or states something DICOM cannot (then the decoder must refuse the disagreement).
     * Sizes are capped at 512 so that a mutated SIZ does not ask for frames whose mere size, not a fault, makes a
     * decode slow (the decoder's allocation limits are the DICOM reader fuzz test's business).
     */
    static FrameFormat formatFromSiz(byte[] data) {
        FrameFormat fallback = new FrameFormat(16, 16, 1, 8, 8, false, 0, "MONOCHROME2");
        int siz = indexOf(data, 0xFF, 0x51, 0, Math.min(data.length, 512));
        if (siz < 0 || siz + 43 > data.length) {
            return fallback;
        }
        long width = u32(data, siz + 6) - u32(data, siz + 14);
        long height = u32(data, siz + 10) - u32(data, siz + 18);
        int components = u16(data, siz + 38);
        if (width < 1 || width > 512 || height < 1 || height > 512 || (components != 1 && components != 3)) {
            return fallback;
        }
        int ssiz = data[siz + 40] & 0xFF;
        int bits = (ssiz & 0x7F) + 1;
        if (bits > 16) {
            return fallback;
        }
        return new FrameFormat((int) height, (int) width, components, bits <= 8 ? 8 : 16, bits, (ssiz & 0x80) != 0, 0,
                components == 1 ? "MONOCHROME2" : "RGB");
    }

    private static boolean hasCapMarker(byte[] data) {
        return indexOf(data, 0xFF, 0x50, 0, Math.min(data.length, 1024)) >= 0;
    }

    private static int indexOf(byte[] data, int first, int second, int from, int to) {
        for (int i = from; i + 1 < to; i++) {
            if ((data[i] & 0xFF) == first && (data[i + 1] & 0xFF) == second) {
                return i;
            }
        }
        return -1;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static long u32(byte[] b, int at) {
        return (long) u16(b, at) << 16 | u16(b, at + 2);
    }
}
