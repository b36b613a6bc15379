package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.dicom.pixeldata.ByteSource;
import org.radmamba.viewer.dicom.pixeldata.DatasetLayout;
import org.radmamba.viewer.dicom.pixeldata.DatasetWalker;
import org.radmamba.viewer.dicom.pixeldata.EncapsulatedFrames;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Frames of encapsulated pixel data are found by offset table, fragment count or JPEG markers, and decoded. */
class EncapsulatedPixelDataTest {

    @TempDir
    Path dir;

    private final PixelMedDicomReader reader = new PixelMedDicomReader();

    /** An RLE Lossless frame of 8-bit greyscale samples: one segment of literal runs. */
    static byte[] rle(byte[] samples) {
        ByteBuffer b = ByteBuffer.allocate(64 + samples.length + samples.length / 128 + 2).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).putInt(64);
        b.position(64);
        for (int at = 0; at < samples.length; at += 128) {
            int n = Math.min(128, samples.length - at);
            b.put((byte) (n - 1)).put(samples, at, n);
        }
        if (b.position() % 2 != 0) {
            b.put((byte) 0);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    private static DicomBuilder rleImage(int frames) {
        return DicomBuilder.image(TransferSyntax.RLE_LOSSLESS, 2, 3, 8, false).is(Tag.NUMBER_OF_FRAMES, frames);
    }

    private static final byte[] FRAME_A = {1, 2, 3, 4, 5, 6};
    private static final byte[] FRAME_B = {10, 20, 30, 40, 50, (byte) 250};

    @Test
    void a_single_frame_in_one_fragment_is_decoded_by_the_codec_for_its_syntax() throws Exception {
        Path file = rleImage(1).encapsulated(new long[0], List.of(rle(FRAME_A))).write(dir.resolve("one.dcm"));

        DicomFile dicom = reader.open(file);

        assertEquals(TransferSyntax.RLE_LOSSLESS, dicom.transferSyntaxUid());
        assertArrayEquals(FRAME_A, ((Samples.Bytes) dicom.frame(0).samples()).data());
    }

    @Test
    void the_basic_offset_table_groups_fragments_into_frames() throws Exception {
        byte[] a = rle(FRAME_A);
        byte[] aHead = Arrays.copyOf(a, 40);
        byte[] aTail = Arrays.copyOfRange(a, 40, a.length);
        // Frame 2 starts after two items: (8 + 40) + (8 + aTail.length).
        long second = 8 + aHead.length + 8 + aTail.length;
        Path file = rleImage(2).encapsulated(new long[] {0, second}, List.of(aHead, aTail, rle(FRAME_B)))
                .write(dir.resolve("bot.dcm"));

        DicomFile dicom = reader.open(file);

        assertArrayEquals(FRAME_A, ((Samples.Bytes) dicom.frame(0).samples()).data());
        assertArrayEquals(FRAME_B, ((Samples.Bytes) dicom.frame(1).samples()).data());
    }

    @Test
    void without_an_offset_table_each_fragment_is_a_frame_when_the_counts_match() throws Exception {
        Path file = rleImage(2).encapsulated(new long[0], List.of(rle(FRAME_A), rle(FRAME_B))).write(dir.resolve("nobot.dcm"));

        DicomFile dicom = reader.open(file);

        assertArrayEquals(FRAME_B, ((Samples.Bytes) dicom.frame(1).samples()).data());
    }

    @Test
    void the_extended_offset_table_takes_precedence() throws Exception {
        byte[] a = rle(FRAME_A);
        byte[] aHead = Arrays.copyOf(a, 40);
        byte[] aTail = Arrays.copyOfRange(a, 40, a.length);
        long second = 8 + aHead.length + 8 + aTail.length;
        ByteBuffer offsets = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0).putLong(second);
        ByteBuffer lengths = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(a.length).putLong(rle(FRAME_B).length);
        Path file = rleImage(2).raw(Tag.EXTENDED_OFFSET_TABLE, "OV", offsets.array())
                .raw(Tag.EXTENDED_OFFSET_TABLE_LENGTHS, "OV", lengths.array())
                .encapsulated(new long[0], List.of(aHead, aTail, rle(FRAME_B))).write(dir.resolve("eot.dcm"));

        DicomFile dicom = reader.open(file);

        assertArrayEquals(FRAME_A, ((Samples.Bytes) dicom.frame(0).samples()).data());
        assertArrayEquals(FRAME_B, ((Samples.Bytes) dicom.frame(1).samples()).data());
    }

    @Test
    void jpeg_frames_split_over_fragments_are_found_by_their_end_of_image_markers() throws Exception {
        byte[] a1 = {(byte) 0xFF, (byte) 0xD8, 1, 2};
        byte[] a2 = {3, 4, (byte) 0xFF, (byte) 0xD9};
        byte[] b1 = {(byte) 0xFF, (byte) 0xD8, 5, 6, 7, (byte) 0xFF, (byte) 0xD9, 0};
        Path file = DicomBuilder.image(TransferSyntax.JPEG_BASELINE, 8, 8, 8, false).is(Tag.NUMBER_OF_FRAMES, 2)
                .encapsulated(new long[0], List.of(a1, a2, b1)).write(dir.resolve("jpeg.dcm"));

        byte[][] frames;
        try (ByteSource source = ByteSource.open(file)) {
            DatasetLayout layout = DatasetWalker.walk(file, source, ReadLimits.DEFAULT);
            frames = EncapsulatedFrames.split(file, layout, 2);
        }

        assertEquals(2, frames.length);
        assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3, 4, (byte) 0xFF, (byte) 0xD9}, frames[0]);
        assertArrayEquals(b1, frames[1]);
    }
}
