package org.radmamba.viewer.dicom.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The assertions of {@link Jpeg2000FieldDecodingTest} and {@link HtJ2kFieldDecodingTest}: a frame decodes to what
 * the third-party decoders made of it, sample for sample, or it is refused with a one-line reason.
 */
final class Jpeg2000FieldChecks {

    /**
     * A hang guard, not a speed limit: the largest fixture decodes in well under a second. A decoder stuck in a loop
     * fails its case (its thread is abandoned) instead of stalling the build.
     */
    static final Duration PER_FRAME_LIMIT = Duration.ofSeconds(60);

    private Jpeg2000FieldChecks() {
    }

    static FrameDecoder decoderFor(String transferSyntax) {
        return FrameDecoders.forTransferSyntax(transferSyntax).orElseThrow(() -> new AssertionError(
                "no decoder is registered for transfer syntax " + transferSyntax));
    }

    /** Every frame decodes within the fixture's tolerance of its reference, in the photometric it should come out. */
    static void assertDecodesToReference(Jpeg2000FieldFixture fixture) {
        FrameDecoder decoder = decoderFor(fixture.transferSyntax());
        FrameFormat format = fixture.format();
        List<byte[]> frames = fixture.frames();
        int perFrame = (int) format.sampleCount();
        boolean hashed = fixture.reference().startsWith("sha256:");
        int[] reference = hashed ? null : fixture.referenceValues();
        if (!hashed) {
            assertEquals((long) perFrame * frames.size(), reference.length, fixture.name() + ": reference size (fixture broken)");
        }
        for (int f = 0; f < frames.size(); f++) {
            DecodedFrame decoded = decode(decoder, frames.get(f), format, fixture.name() + " frame " + f);
            assertEquals(fixture.outputPhotometric(), decoded.photometricInterpretation(),
                    fixture.name() + " frame " + f + ": photometric interpretation of the decoded samples");
            Samples samples = decoded.samples();
            assertEquals(perFrame, samples.length(), fixture.name() + " frame " + f + ": decoded sample count");
            assertSampleWidth(fixture, samples);
            if (hashed) {
                assertHash(fixture, f, samples);
            } else {
                assertWithinTolerance(fixture, f, samples, reference, f * perFrame);
            }
        }
    }

    /** Every frame fails with a {@link CodecException} whose message is one non-empty line. */
    static void assertRefusedWithOneLineMessage(Jpeg2000FieldFixture fixture) {
        FrameDecoder decoder = decoderFor(fixture.transferSyntax());
        for (byte[] frame : fixture.frames()) {
            assertRefused(decoder, frame, fixture.format(), fixture.name());
        }
    }

    /**
     * The frame is refused with a one-line message that names each of {@code mentions} (the values on both sides of
     * the disagreement, so that the reader learns what differs).
     */
    static CodecException assertRefused(FrameDecoder decoder, byte[] frame, FrameFormat format, String what,
            String... mentions) {
        CodecException refused = assertTimeoutPreemptively(PER_FRAME_LIMIT, () -> {
            try {
                DecodedFrame decoded = decoder.decode(frame, format);
                return fail(what + ": decoded to " + decoded.samples().length() + " samples ("
                        + decoded.photometricInterpretation() + ") instead of failing with a CodecException");
            } catch (CodecException expected) {
                return expected;
            }
        }, what + ": no answer within " + PER_FRAME_LIMIT.toSeconds() + " s");
        String message = refused.getMessage();
        assertNotNull(message, what + ": CodecException without a message");
        assertFalse(message.isBlank(), what + ": CodecException with a blank message");
        assertFalse(message.contains("\n") || message.contains("\r"), what + ": message is not one line: " + message);
        assertFalse(message.endsWith("null"), what + ": message ends in a missing detail: " + message);
        for (String mention : mentions) {
            // a number on its own, not as part of a longer one ("67" in "67x45", not in "167")
            assertTrue(message.matches("(?s).*(?<![0-9])" + java.util.regex.Pattern.quote(mention) + "(?![0-9]).*"),
                    what + ": message should name " + mention + ": " + message);
        }
        return refused;
    }

    private static DecodedFrame decode(FrameDecoder decoder, byte[] frame, FrameFormat format, String what) {
        return assertTimeoutPreemptively(PER_FRAME_LIMIT, () -> {
            try {
                return decoder.decode(frame, format);
            } catch (CodecException e) {
                return fail(what + ": the reference decoders decode it, ours refused: " + e.getMessage(), e);
            }
        }, what + ": no answer within " + PER_FRAME_LIMIT.toSeconds() + " s");
    }

    /** {@link Samples} promise an array as wide as Bits Allocated. */
    private static void assertSampleWidth(Jpeg2000FieldFixture fixture, Samples samples) {
        Class<?> expected = switch (fixture.format().bitsAllocated()) {
            case 8 -> Samples.Bytes.class;
            case 16 -> Samples.Shorts.class;
            default -> Samples.Ints.class;
        };
        assertEquals(expected, samples.getClass(), fixture.name() + ": samples for Bits Allocated "
                + fixture.format().bitsAllocated());
    }

    private static void assertWithinTolerance(Jpeg2000FieldFixture fixture, int frame, Samples samples, int[] reference,
            int from) {
        FrameFormat format = fixture.format();
        int spp = format.samplesPerPixel();
        int differing = 0;
        int first = -1;
        int worst = 0;
        for (int i = 0; i < samples.length(); i++) {
            int difference = Math.abs(fixture.value(samples.rawBits(i)) - reference[from + i]);
            if (difference > fixture.tolerance()) {
                differing++;
                if (first < 0) {
                    first = i;
                }
            }
            worst = Math.max(worst, difference);
        }
        if (differing > 0) {
            int pixel = first / spp;
            fail(String.format("%s frame %d: %d of %d samples differ from the reference (%s) by more than %d (at most %d);"
                            + " first at row %d, column %d, component %d: expected %d, decoded %d",
                    fixture.name(), frame, differing, samples.length(), fixture.decoders(), fixture.tolerance(), worst,
                    pixel / format.columns(), pixel % format.columns(), first % spp, reference[from + first],
                    fixture.value(samples.rawBits(first))));
        }
    }

    private static void assertHash(Jpeg2000FieldFixture fixture, int frame, Samples samples) {
        FrameFormat format = fixture.format();
        int width = format.bitsAllocated() / 8;
        ByteBuffer bytes = ByteBuffer.allocate(samples.length() * width).order(ByteOrder.LITTLE_ENDIAN);
        long mask = (1L << format.bitsStored()) - 1;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < samples.length(); i++) {
            int value = (int) (samples.rawBits(i) & mask);
            min = Math.min(min, fixture.value(value));
            max = Math.max(max, fixture.value(value));
            if (width == 1) {
                bytes.put((byte) value);
            } else {
                bytes.putShort((short) value);
            }
        }
        String expected = fixture.reference().substring("sha256:".length());
        String actual;
        try {
            actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        assertEquals(expected, actual, fixture.name() + " frame " + frame + ": SHA-256 of the decoded samples (masked to "
                + format.bitsStored() + " bits) differs from " + fixture.decoders() + "'s; decoded values span " + min
                + ".." + max);
    }
}
