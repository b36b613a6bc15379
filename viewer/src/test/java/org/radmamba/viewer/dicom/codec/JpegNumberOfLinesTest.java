package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frame header may leave the height 0 and give it in a DNL marker after the first scan (T.81 B.2.5). No encoder
 * at hand writes one, so the streams here are dcmcjpeg's baseline and cjpeg's progressive fixtures rewritten that
 * way: the height set to 0 and a DNL segment placed after the first scan. They must decode to the same pixels.
 */
class JpegNumberOfLinesTest {

    private static byte[] withDnl(byte[] jpeg, int lines) {
        byte[] copy = jpeg.clone();
        int sof = find(copy, 0xC0, 0xC1, 0xC2);
        copy[sof + 5] = 0;
        copy[sof + 6] = 0;
        int afterFirstScan = afterScan(copy, find(copy, 0xDA));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(copy, 0, afterFirstScan);
        out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xDC, 0, 4, (byte) (lines >> 8), (byte) lines});
        out.write(copy, afterFirstScan, copy.length - afterFirstScan);
        return out.toByteArray();
    }

    private static int find(byte[] jpeg, int... markers) {
        for (int p = 2; p + 1 < jpeg.length; p++) {
            if ((jpeg[p] & 0xFF) == 0xFF) {
                for (int marker : markers) {
                    if ((jpeg[p + 1] & 0xFF) == marker) {
                        return p;
                    }
                }
            }
        }
        throw new AssertionError("marker not found");
    }

    /** The offset of the first marker after the entropy-coded data of the scan whose SOS is at {@code sos}. */
    private static int afterScan(byte[] jpeg, int sos) {
        int p = sos + 2 + ((jpeg[sos + 2] & 0xFF) << 8 | (jpeg[sos + 3] & 0xFF));
        while (!((jpeg[p] & 0xFF) == 0xFF && jpeg[p + 1] != 0 && ((jpeg[p + 1] & 0xFF) < 0xD0 || (jpeg[p + 1] & 0xFF) > 0xD7))) {
            p++;
        }
        return p;
    }

    private static int[] decode(DicomFixture fixture, byte[] jpeg) throws CodecException {
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(fixture.transferSyntax()).orElseThrow();
        return DicomFixture.rawBits(decoder.decode(jpeg, fixture.format()).samples());
    }

    @Test
    void the_height_of_a_dnl_marker_decodes_like_the_frame_header_height() throws CodecException {
        for (DicomFixture fixture : new DicomFixture[] {DicomFixture.load("jpeg_baseline_mono8"),
                DicomFixture.load("jpeg_baseline_ybr422"), JpegProgressiveDecodingTest.fixture("prog_ycc420")}) {
            byte[] jpeg = fixture.frames().getFirst();
            assertArrayEquals(decode(fixture, jpeg), decode(fixture, withDnl(jpeg, fixture.format().rows())),
                    fixture.name());
        }
    }

    /** The ISO reference software's encoder writes DNL when asked ({@code jpeg -n}): its stream decodes as with a height. */
    @Test
    void a_dnl_marker_written_by_the_reference_encoder_is_read() throws CodecException {
        DicomFixture fixture = JpegProgressiveDecodingTest.fixture("dnl_grey8");
        byte[] jpeg = fixture.frames().getFirst();
        int sof = find(jpeg, 0xC0, 0xC1);
        assertTrue(jpeg[sof + 5] == 0 && jpeg[sof + 6] == 0, "the frame header gives a height");
        // The same stream with the height in the frame header and the DNL segment removed.
        int rows = fixture.format().rows();
        byte[] plain = jpeg.clone();
        plain[sof + 5] = (byte) (rows >> 8);
        plain[sof + 6] = (byte) rows;
        int dnl = find(plain, 0xDC);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(plain, 0, dnl);
        out.write(plain, dnl + 6, plain.length - dnl - 6);
        int[] withDnl = decode(fixture, jpeg);
        assertArrayEquals(decode(fixture, out.toByteArray()), withDnl);
        assertTrue(java.util.Arrays.stream(withDnl).distinct().count() > 50, "decoded to a nearly flat image");
    }

    @Test
    void a_dnl_height_unlike_the_dataset_is_refused() {
        DicomFixture fixture = DicomFixture.load("jpeg_baseline_mono8");
        byte[] jpeg = withDnl(fixture.frames().getFirst(), fixture.format().rows() - 1);
        CodecException e = assertThrows(CodecException.class, () -> decode(fixture, jpeg));
        assertTrue(e.getMessage().contains("DNL"), e.getMessage());
    }

    @Test
    void a_height_of_zero_without_a_dnl_marker_is_refused() {
        DicomFixture fixture = DicomFixture.load("jpeg_baseline_mono8");
        byte[] jpeg = fixture.frames().getFirst().clone();
        int sof = find(jpeg, 0xC0, 0xC1);
        jpeg[sof + 5] = 0;
        jpeg[sof + 6] = 0;
        CodecException e = assertThrows(CodecException.class, () -> decode(fixture, jpeg));
        assertTrue(e.getMessage().contains("DNL"), e.getMessage());
    }
}
