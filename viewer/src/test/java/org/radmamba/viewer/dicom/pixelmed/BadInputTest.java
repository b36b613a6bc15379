package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Broken files fail with one sentence naming the file, quickly and without allocating what they claim. */
@Timeout(20)
class BadInputTest {

    @TempDir
    Path dir;

    private final PixelMedDicomReader reader = new PixelMedDicomReader();

    private static DicomBuilder ct() {
        return DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 4, 4, 16, true).pixels16(new short[16]);
    }

    private DicomReadException failure(Path file) {
        DicomReadException e = assertThrows(DicomReadException.class, () -> reader.open(file));
        assertTrue(e.getMessage().startsWith(file.toString() + ": "), e.getMessage());
        assertTrue(e.getMessage().indexOf('\n') < 0, "one line: " + e.getMessage());
        return e;
    }

    private static void assertMentions(DicomReadException e, String... words) {
        for (String word : words) {
            assertTrue(e.reason().contains(word), "expected '" + word + "' in: " + e.reason());
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void a_file_truncated_inside_the_pixel_data_is_reported_with_its_name() throws Exception {
        byte[] whole = ct().bytes();
        Path file = write("cut.dcm", Arrays.copyOf(whole, whole.length - 10));

        assertMentions(failure(file), "(7FE0,0010)", "Pixel Data", "claims 32 bytes but only 22 remain");
    }

    @Test
    void a_file_truncated_inside_the_header_is_reported() throws Exception {
        byte[] whole = ct().bytes();
        Path file = write("cut-early.dcm", Arrays.copyOf(whole, 200));

        DicomReadException e = failure(file);
        assertTrue(e.reason().contains("remain") || e.reason().contains("truncated") || e.reason().contains("ends inside"), e.reason());
    }

    @Test
    void an_empty_file_is_not_dicom() throws Exception {
        assertMentions(failure(write("empty.dcm", new byte[0])), "not a DICOM file");
    }

    @Test
    void garbage_bytes_are_not_dicom() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        garbage[0] = 0x11;
        assertMentions(failure(write("garbage.bin", garbage)), "not a DICOM file");
    }

    @Test
    void a_dicm_prefix_without_file_meta_is_reported() throws Exception {
        byte[] dataset = ct().withoutMeta().bytes();
        byte[] bytes = new byte[132 + dataset.length];
        System.arraycopy("DICM".getBytes(StandardCharsets.US_ASCII), 0, bytes, 128, 4);
        System.arraycopy(dataset, 0, bytes, 132, dataset.length);

        assertMentions(failure(write("nometa.dcm", bytes)), "no file meta information");
    }

    @Test
    void file_meta_without_a_transfer_syntax_is_reported() throws Exception {
        byte[] whole = ct().bytes();
        // Rename (0002,0010) to (0002,0011), which no reader looks at: the meta is then partial.
        String text = new String(whole, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("\u0002\u0000\u0010\u0000UI");
        whole[at + 2] = 0x11;

        assertMentions(failure(write("partial-meta.dcm", whole)), "Transfer Syntax UID (0002,0010)");
    }

    @Test
    void an_element_claiming_two_gigabytes_is_refused_without_allocating_it() throws Exception {
        Path file = write("huge.dcm", ct().lying(0x00091010, "OB", new byte[8], 0x80000000L).bytes());

        assertMentions(failure(file), "(0009,1010)", "claims 2147483648 bytes");
    }

    @Test
    void a_wrong_string_length_is_reported() throws Exception {
        // Patient ID claims 24 bytes but holds 2: what follows is read as garbage, out of order or too long.
        Path file = write("wronglen.dcm", ct().lying(Tag.PATIENT_ID, "LO", "P1".getBytes(StandardCharsets.US_ASCII), 24).bytes());

        DicomReadException e = failure(file);
        assertTrue(e.reason().contains("out of order") || e.reason().contains("claims"), e.reason());
    }

    @Test
    void an_enormous_frame_is_refused_before_allocation() throws Exception {
        Path file = write("giant.dcm", ct().us(Tag.ROWS, 65535).us(Tag.COLUMNS, 65535).is(Tag.NUMBER_OF_FRAMES, 1000).bytes());

        assertMentions(failure(file), "65535x65535x1", "more than the limit");
    }

    @Test
    void many_frames_beyond_the_pixel_data_limit_are_refused() throws Exception {
        Path file = write("many.dcm", ct().us(Tag.ROWS, 512).us(Tag.COLUMNS, 512).is(Tag.NUMBER_OF_FRAMES, 100_000).bytes());

        assertMentions(failure(file), "100000 frames", "exceed the limit");
    }

    @Test
    void the_frame_limit_is_configurable() throws Exception {
        Path file = write("limited.dcm", ct().bytes());
        PixelMedDicomReader strict = new PixelMedDicomReader(new ReadLimits(16, 1 << 20));

        DicomReadException e = assertThrows(DicomReadException.class, () -> strict.open(file));

        assertMentions(e, "32 bytes, more than the limit of 16");
    }

    @Test
    void pixel_data_shorter_than_its_frames_is_reported() throws Exception {
        Path file = write("short.dcm", ct().is(Tag.NUMBER_OF_FRAMES, 3).bytes());

        assertMentions(failure(file), "Pixel Data holds 32 bytes but 3 frame(s)", "need 96");
    }

    @Test
    void an_unsupported_transfer_syntax_names_the_syntax() throws Exception {
        String mpeg2 = "1.2.840.10008.1.2.4.100";
        Path file = write("mpeg.dcm", DicomBuilder.image(mpeg2, 4, 4, 8, false)
                .encapsulated(new long[0], List.of(new byte[] {0, 0, 1, (byte) 0xB3})).bytes());

        assertMentions(failure(file), "transfer syntax", mpeg2, "not supported");
    }

    @Test
    void control_characters_in_a_transfer_syntax_keep_the_message_on_one_line() throws Exception {
        // Found by the mutation fuzzer: a newline inside the transfer syntax UID split the message in two.
        String mangled = "1.2.840.10008.1.2.4.100\n2";
        Path file = write("newline.dcm", DicomBuilder.image(mangled, 4, 4, 8, false)
                .encapsulated(new long[0], List.of(new byte[] {0, 0, 1, (byte) 0xB3})).bytes());

        assertMentions(failure(file), "transfer syntax", "1.2.840.10008.1.2.4.100\\x0A2", "not supported");
    }

    @Test
    void sequences_nested_without_end_are_refused() throws Exception {
        DicomBuilder b = DicomBuilder.explicitLittle();
        DicomBuilder inner = b.item();
        for (int depth = 0; depth < 80; depth++) {
            inner = b.item().sequence(0x00081115, inner);
        }
        Path file = write("deep.dcm", b.ui(Tag.SOP_INSTANCE_UID, "1.2").sequence(0x00081115, inner).bytes());

        assertMentions(failure(file), "nested deeper");
    }

    @Test
    void a_corrupt_deflated_dataset_is_reported() throws Exception {
        byte[] whole = DicomBuilder.image(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, 4, 4, 16, true)
                .pixels16(new short[16]).bytes();
        byte[] cut = Arrays.copyOf(whole, whole.length - 20);

        DicomReadException e = failure(write("deflated-cut.dcm", cut));
        assertTrue(e.reason().contains("deflated"), e.reason());
    }

    @Test
    void a_basic_offset_table_that_points_nowhere_is_reported() throws Exception {
        byte[] fragment = new byte[66];
        ByteBuffer.wrap(fragment).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(64);
        Path file = write("bot.dcm", DicomBuilder.image(TransferSyntax.RLE_LOSSLESS, 1, 2, 8, false)
                .is(Tag.NUMBER_OF_FRAMES, 2).encapsulated(new long[] {0, 30}, List.of(fragment, fragment)).bytes());

        assertMentions(failure(file), "Basic Offset Table", "frame 2");
    }
}
