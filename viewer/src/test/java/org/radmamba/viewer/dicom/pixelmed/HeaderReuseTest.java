package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomHeader;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.pixeldata.ByteSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader parses a header once for a scan and the load that follows it ({@code PixelMedDicomReader}'s recent
 * parses); a file changed in between, even to the same size, is read as it is now.
 */
class HeaderReuseTest {

    @TempDir
    Path dir;

    @Test
    void a_file_rewritten_between_scan_and_load_is_loaded_with_its_new_attributes() throws Exception {
        Path file = SyntheticCtSeries.write(dir, 1, 64, 64).get(0);
        PixelMedDicomReader reader = new PixelMedDicomReader();
        DicomHeader scanned = reader.readHeader(file);
        String uid = scanned.dataset().string(Tag.SOP_INSTANCE_UID, "");
        assertTrue(uid.endsWith(".3.1"), uid);

        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf(uid); // (0008,0018); the file meta holds it first
        bytes[at + uid.length() - 1] = '7';
        Files.write(file, bytes);

        DicomFile loaded = reader.open(file);
        assertEquals(uid.substring(0, uid.length() - 1) + "7", loaded.dataset().string(Tag.SOP_INSTANCE_UID, ""));
        assertTrue(reader.readHeader(file).dataset().string(Tag.SOP_INSTANCE_UID, "").endsWith(".3.7"));
    }

    /** The standard reader (our own parser) keeps its walks of files read lately, checked the same way. */
    @Test
    void the_standard_reader_loads_a_file_rewritten_between_scan_and_load_with_its_new_attributes() throws Exception {
        Path file = SyntheticCtSeries.write(dir, 1, 64, 64).get(0);
        org.radmamba.viewer.dicom.DicomReader reader = org.radmamba.viewer.dicom.DicomReaders.standard();
        DicomHeader scanned = reader.readHeader(file);
        assertTrue(scanned.dataset() instanceof org.radmamba.viewer.dicom.pixeldata.ParsedDataset);
        String uid = scanned.dataset().string(Tag.SOP_INSTANCE_UID, "");
        DicomFile unchanged = reader.open(file);
        assertTrue(unchanged.dataset() == scanned.dataset(), "an unchanged file is not parsed again");

        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.lastIndexOf(uid);
        bytes[at + uid.length() - 1] = '7';
        short[] pixels = {123};
        ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort(bytes.length - 2, pixels[0]);
        Files.write(file, bytes);

        DicomFile loaded = reader.open(file);
        assertEquals(uid.substring(0, uid.length() - 1) + "7", loaded.dataset().string(Tag.SOP_INSTANCE_UID, ""));
        assertEquals(123, loaded.frame(0).samples().rawBits(64 * 64 - 1), "the pixels as they are now");
    }

    @Test
    void a_file_unchanged_since_its_scan_loads_with_the_attributes_of_a_fresh_parse() throws Exception {
        Path file = SyntheticCtSeries.write(dir, 1, 64, 64).get(0);
        DicomHeader scanned = new PixelMedDicomReader().readHeader(file);
        DicomFile loaded = new PixelMedDicomReader().open(file);
        assertEquals(scanned.dataset().elements(), loaded.dataset().elements());
        assertArrayEquals(scanned.dataset().doubles(Tag.WINDOW_CENTER), loaded.dataset().doubles(Tag.WINDOW_CENTER));
        assertEquals(64 * 64, loaded.frame(0).samples().length());
    }

    @Test
    void reads_across_the_bytes_held_in_memory_return_the_files_bytes() throws Exception {
        byte[] content = new byte[ByteSource.HEAD_BYTES * 2 + 123];
        new Random(7).nextBytes(content);
        Path file = dir.resolve("bytes.bin");
        Files.write(file, content);
        try (ByteSource source = ByteSource.open(file)) {
            assertEquals(content.length, source.size());
            for (int start : new int[] {0, 5, ByteSource.HEAD_BYTES - 3, ByteSource.HEAD_BYTES, ByteSource.HEAD_BYTES + 9}) {
                for (int length : new int[] {1, 3, 4096, ByteSource.HEAD_BYTES + 7}) {
                    if (start + length > content.length) {
                        continue;
                    }
                    ByteBuffer read = ByteBuffer.allocate(length);
                    source.readFully(start, read);
                    assertArrayEquals(java.util.Arrays.copyOfRange(content, start, start + length), read.array(),
                            length + " bytes from " + start);
                }
            }
            assertThrows(java.io.EOFException.class, () -> source.readFully(content.length - 2, ByteBuffer.allocate(4)));
        }
    }
}
