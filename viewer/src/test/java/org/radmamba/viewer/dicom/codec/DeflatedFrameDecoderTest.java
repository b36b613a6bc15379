package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.pixeldata.ByteSource;
import org.radmamba.viewer.dicom.pixeldata.DatasetWalker;
import org.radmamba.viewer.dicom.pixeldata.EncapsulatedFrames;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Deflated Image Frame Compression frames that contradict the dataset are refused with one line saying how; the
 * valid fixtures are compared with pydicom in NativePixelDataTest.
 */
class DeflatedFrameDecoderTest {

    private static final FrameFormat MONO16 = new FrameFormat(61, 67, 1, 16, 16, false, 0, "MONOCHROME2");
    private static final FrameFormat MONO8_ODD = new FrameFormat(63, 65, 1, 8, 8, false, 0, "MONOCHROME2");
    private final FrameDecoder decoder = FrameDecoders.forTransferSyntax(TransferSyntax.DEFLATED_IMAGE_FRAME).orElseThrow();

    @Test
    void a_truncated_stream_is_reported_as_truncated() throws Exception {
        byte[] frame = firstFrame("deflate_mono16");
        CodecException e = assertThrows(CodecException.class,
                () -> decoder.decode(Arrays.copyOf(frame, frame.length / 2), MONO16));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void a_stream_longer_than_the_frame_is_refused() {
        byte[] oneRowMore = new byte[(61 + 1) * 67 * 2];
        CodecException e = assertThrows(CodecException.class, () -> decoder.decode(deflate(oneRowMore), MONO16));
        assertEquals("the deflated frame inflates to more than 8174 bytes, the dataset's 61x67x1 frame at 16 bits"
                + " needs 8174", e.getMessage());
    }

    @Test
    void an_odd_frame_may_carry_its_padding_byte() throws Exception {
        byte[] pixels = new byte[63 * 65];
        new Random(5).nextBytes(pixels);
        byte[] padded = Arrays.copyOf(pixels, pixels.length + 1);

        assertArrayEquals(pixels, ((Samples.Bytes) decoder.decode(deflate(padded), MONO8_ODD).samples()).data());
        assertArrayEquals(pixels, ((Samples.Bytes) decoder.decode(deflate(pixels), MONO8_ODD).samples()).data());
        byte[] twoMore = Arrays.copyOf(pixels, pixels.length + 2);
        assertThrows(CodecException.class, () -> decoder.decode(deflate(twoMore), MONO8_ODD));
    }

    @Test
    void flipped_bytes_give_a_frame_of_the_dataset_size_or_a_codec_exception() throws Exception {
        byte[] frame = firstFrame("deflate_mono16");
        Random random = new Random(11);
        for (int trial = 0; trial < 300; trial++) {
            byte[] damaged = frame.clone();
            for (int k = 0; k < 1 + trial % 4; k++) {
                damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                assertEquals(MONO16.sampleCount(), decoder.decode(damaged, MONO16).samples().length());
            } catch (CodecException expected) {
                assertTrue(!expected.getMessage().contains("\n"), expected.getMessage());
            } catch (RuntimeException e) {
                fail("trial " + trial + " threw " + e);
            }
        }
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(9, true);
        deflater.setInput(data);
        deflater.finish();
        byte[] out = new byte[data.length + 1024];
        int n = deflater.deflate(out);
        deflater.end();
        return Arrays.copyOf(out, n);
    }

    private static byte[] firstFrame(String name) throws Exception {
        Path file = Path.of(DeflatedFrameDecoderTest.class.getResource("/codec/native/" + name + ".dcm").toURI());
        try (ByteSource source = ByteSource.open(file)) {
            return EncapsulatedFrames.split(file, DatasetWalker.walk(file, source, ReadLimits.DEFAULT), 3)[0];
        }
    }
}
