package org.radmamba.viewer.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.HostileFiles;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One bad file never stops a folder: 20 good and 20 bad files beside a BMP whose header claims 2 GB, a deflated
 * DICOM that inflates to 512 MiB of zeros and a sparse 2 GiB private element, read by a child JVM with a 512 MB
 * heap (as the viewer would be on a small machine). Every good file opens with its pixels, every bad one has a
 * one-line reason, and the huge elements are skipped, not read.
 */
class SmallHeapFolderReadTest {

    @TempDir
    Path dir;

    /** Runs {@link SmallHeapFolderRead} on {@code folder} with a 512 MB heap; its lines by file name. */
    static Map<String, String[]> readInSmallHeap(Path folder, Path log) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), SmallHeapFolderRead.class.getName(), folder.toString())
                .redirectErrorStream(false).redirectOutput(log.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(240, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child JVM did not finish in 240 s");
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "child JVM exit; its output: " + lines);
        assertTrue(!lines.isEmpty() && lines.getLast().startsWith("DONE"), "the child JVM did not finish its read: " + lines);
        Map<String, String[]> byName = new HashMap<>();
        for (String line : lines.subList(0, lines.size() - 1)) {
            String[] parts = line.split("\t", -1);
            assertEquals(3, parts.length, "one line a file: " + line);
            byName.put(Path.of(parts[1]).getFileName().toString(), parts);
        }
        return byName;
    }

    static DicomBuilder slice(int number, String patient) {
        return DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 16, false)
                .str(Tag.PATIENT_NAME, "PN", patient)
                .ui(Tag.SOP_INSTANCE_UID, "1.2.826.0.1.3680043.10.2." + number)
                .is(Tag.INSTANCE_NUMBER, number)
                .pixels16(new short[] {(short) number, 0, 0, 0});
    }

    @Test
    @Timeout(300)
    void good_files_open_and_bad_ones_fail_alone_in_a_small_heap() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("folder"));
        for (int i = 1; i <= 20; i++) {
            slice(i, "GOOD^PATIENT").write(folder.resolve(String.format("good%02d.dcm", i)));
        }
        byte[] whole = DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 16, 16, 16, false)
                .str(Tag.PATIENT_NAME, "PN", "BAD^PATIENT").pixels16(new short[256]).bytes();
        for (int i = 1; i <= 20; i++) {
            // Cut inside the pixel data, from its last byte to near its start.
            Files.write(folder.resolve(String.format("bad%02d.dcm", i)), Arrays.copyOf(whole, whole.length - 1 - 25 * (i - 1)));
        }
        BufferedImage picture = new BufferedImage(4, 3, BufferedImage.TYPE_3BYTE_BGR);
        picture.setRGB(0, 0, 0x102030);
        ImageIO.write(picture, "png", folder.resolve("photo.png").toFile());
        HostileFiles.bitmapWithHugePixelOffset(folder.resolve("bomb.bmp"));
        HostileFiles.deflatedWithHugePrivateElement(folder.resolve("deflate-bomb.dcm"), 512L << 20);
        HostileFiles.sparseWithHugePrivateElement(folder.resolve("huge-element.dcm"), (2L << 30) - 2);

        Map<String, String[]> lines = readInSmallHeap(folder, dir.resolve("child.log"));

        for (int i = 1; i <= 20; i++) {
            String[] good = lines.get(String.format("good%02d.dcm", i));
            assertEquals("OPEN", good[0], String.join(" ", good));
            assertEquals(String.valueOf(i), good[2], "the first sample is the instance number");
            String[] bad = lines.get(String.format("bad%02d.dcm", i));
            assertEquals("FAILED", bad[0], String.join(" ", bad));
            assertFalse(bad[2].isBlank(), "a reason for " + bad[1]);
        }
        assertEquals("OPEN", lines.get("photo.png")[0]);
        String[] bomb = lines.get("bomb.bmp");
        assertEquals("FAILED", bomb[0]);
        assertTrue(bomb[2].contains("beyond the end of the file"), bomb[2]);
        // The huge private elements are skipped; the images they sit in open with their pixels 1, 2, 3, 4.
        assertEquals("OPEN", lines.get("deflate-bomb.dcm")[0], String.join(" ", lines.get("deflate-bomb.dcm")));
        assertEquals("10", lines.get("deflate-bomb.dcm")[2]);
        assertEquals("OPEN", lines.get("huge-element.dcm")[0], String.join(" ", lines.get("huge-element.dcm")));
        assertEquals("10", lines.get("huge-element.dcm")[2]);
        assertEquals(20 + 20 + 4, lines.size());
    }
}
