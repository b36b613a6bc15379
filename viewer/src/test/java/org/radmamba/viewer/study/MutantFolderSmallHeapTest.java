package org.radmamba.viewer.study;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.HostileFiles;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.codec.DecodedFrame;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mixed folder of the fuzz seeds (every kind of file the reader handles) and a few hundred hostile mutants of
 * them, read by a child JVM with a 512 MB heap as one folder: truncations, lying lengths, huge rows and columns,
 * bytes flipped, sequences nested 64 to 1000 deep, a deflate bomb and picture bombs. Every good file still opens
 * with its own pixels, and every file that does not has a one-line reason: no file is lost and none takes another
 * with it. Seeded ({@code -Dradmamba.mutants.seed}), so the test run is reproducible.
 */
class MutantFolderSmallHeapTest {

    private static final int MUTANTS = 300;
    private static final int[] LYING = {0xFFFFFFFF, 0xFFFFFFFE, 0x7FFFFFF0, 0x7FFFFFFF, 0x80000000, 0x10000000,
            0x00FFFFFF, 3, 5, 7, 1};

    @TempDir
    Path dir;

    @Test
    @Timeout(400)
    void good_files_open_and_every_bad_one_has_a_one_line_reason() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("mixed"));
        Path seedDir = Path.of(getClass().getResource("/org/radmamba/viewer/dicom/pixelmed/DicomReaderFuzzTestInputs/"
                + "any_bytes_read_or_fail_with_a_message_naming_the_file").toURI());
        List<byte[]> seeds = new ArrayList<>();
        Map<String, String> expectedSums = new LinkedHashMap<>();
        ImageLoader loader = new ImageLoader();
        StudyScanner scanner = new StudyScanner();
        try (Stream<Path> files = Files.list(seedDir)) {
            for (Path seed : files.sorted().toList()) {
                seeds.add(Files.readAllBytes(seed));
                String name = "good-" + seed.getFileName();
                Path copy = Files.copy(seed, folder.resolve(name));
                Instance instance = scanner.scan(List.of(copy)).instances().getFirst();
                expectedSums.put(name, instance.isImage() ? String.valueOf(sum(loader.load(instance).frame(0))) : "-");
            }
        }
        SplittableRandom random = new SplittableRandom(Long.getLong("radmamba.mutants.seed", 20261206L));
        for (int i = 0; i < MUTANTS; i++) {
            Files.write(folder.resolve(String.format("mutant-%03d.dcm", i)), mutate(seeds.get(random.nextInt(seeds.size())), random));
        }
        for (int depth : new int[] {64, 65, 1000}) {
            DicomBuilder b = DicomBuilder.explicitLittle();
            DicomBuilder inner = b.item();
            for (int d = 1; d < depth; d++) {
                inner = b.item().sequence(0x0040A730, inner);
            }
            b.ui(0x00080018, "1.2.826.0.1.3680043.10.6." + depth).sequence(0x0040A730, inner)
                    .write(folder.resolve("nested-" + depth + ".dcm"));
        }
        HostileFiles.deflatedWithHugePrivateElement(folder.resolve("deflate-bomb.dcm"), 256L << 20);
        HostileFiles.bitmapWithHugePixelOffset(folder.resolve("offset-bomb.bmp"));
        HostileFiles.pngOfSize(folder.resolve("black-9000.png"), 9000, 9000, true);
        HostileFiles.pngOfSize(folder.resolve("claims-60000.png"), 60000, 60000, false);
        long fileCount;
        try (Stream<Path> files = Files.list(folder)) {
            fileCount = files.count();
        }

        Map<String, String[]> lines = SmallHeapFolderReadTest.readInSmallHeap(folder, dir.resolve("child.log"));

        assertEquals(fileCount, lines.size(), "one line for each file, none lost");
        for (var expected : expectedSums.entrySet()) {
            String[] line = lines.get(expected.getKey());
            assertEquals("OPEN", line[0], String.join(" ", line));
            assertEquals(expected.getValue(), line[2], "the pixels of " + expected.getKey());
        }
        int failed = 0;
        for (String[] line : lines.values()) {
            if (!line[0].equals("OPEN")) {
                failed++;
                assertFalse(line[2].isBlank() || line[2].equals("null"), "a reason for " + line[1]);
            }
        }
        assertTrue(failed >= MUTANTS / 3, "most mutants are refused: " + failed);
        assertEquals("FAILED", lines.get("nested-1000.dcm")[0]);
        assertTrue(lines.get("nested-65.dcm")[2].contains("nested deeper than 64"), lines.get("nested-65.dcm")[2]);
        assertEquals("OPEN", lines.get("nested-64.dcm")[0], "64 sequences, one in another");
        assertEquals("10", lines.get("deflate-bomb.dcm")[2], String.join(" ", lines.get("deflate-bomb.dcm")));
        assertEquals("FAILED", lines.get("offset-bomb.bmp")[0]);
        assertEquals("FAILED", lines.get("claims-60000.png")[0]);
        String[] black = lines.get("black-9000.png");
        assertEquals("UNLOADABLE", black[0], String.join(" ", black));
        assertTrue(black[2].contains("needs") && black[2].contains("memory free"), black[2]);
    }

    private static long sum(DecodedFrame frame) {
        long sum = 0;
        for (int i = 0; i < frame.samples().length(); i++) {
            sum += frame.samples().rawBits(i);
        }
        return sum;
    }

    /** One to three of: a truncation, a lying length, huge rows or columns, a flipped or spliced byte. */
    private static byte[] mutate(byte[] seed, SplittableRandom random) {
        byte[] data = seed.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && data.length > 140; m++) {
            int at = 132 + random.nextInt(data.length - 132);
            switch (random.nextInt(5)) {
                case 0 -> data = Arrays.copyOf(data, at);
                case 1 -> {
                    int even = at & ~1;
                    if (even + 4 <= data.length) {
                        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putInt(even, LYING[random.nextInt(LYING.length)]);
                    }
                }
                case 2 -> {
                    // Rows (0028,0010) or Columns (0028,0011) as large as US allows, or half that.
                    int element = random.nextBoolean() ? 0x10 : 0x11;
                    for (int i = 132; i + 10 <= data.length; i++) {
                        if (data[i] == 0x28 && data[i + 1] == 0 && data[i + 2] == element && data[i + 3] == 0) {
                            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)
                                    .putShort(i + 8, (short) (random.nextBoolean() ? 0xFFFF : 0x8000));
                            break;
                        }
                    }
                }
                case 3 -> data[at] ^= (byte) (1 << random.nextInt(8));
                default -> {
                    int length = Math.min(data.length - at, 1 + random.nextInt(32));
                    byte[] out = new byte[data.length + length];
                    System.arraycopy(data, 0, out, 0, at + length);
                    System.arraycopy(data, at, out, at + length, data.length - at);
                    data = out;
                }
            }
        }
        return data;
    }
}
