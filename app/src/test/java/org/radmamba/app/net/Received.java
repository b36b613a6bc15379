package org.radmamba.app.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks on what a retrieve left in a folder. */
public final class Received {

    private Received() {
    }

    /** The data set of a Part 10 file: its bytes after the file meta information (whose group length says where). */
    public static byte[] dataSet(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertEquals("DICM", new String(bytes, 128, 4, java.nio.charset.StandardCharsets.US_ASCII), file.toString());
        ByteBuffer meta = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x0002, meta.getShort(132) & 0xFFFF);
        assertEquals(0x0000, meta.getShort(134) & 0xFFFF, "the meta information starts with its group length");
        int groupLength = meta.getInt(140);
        return Arrays.copyOfRange(bytes, 144 + groupLength, bytes.length);
    }

    /** Every file in {@code dir} (no temporary or half-written one) and the originals have the same data sets. */
    public static void sameDataSets(List<Path> originals, Path dir) throws IOException {
        List<Path> got = files(dir);
        assertEquals(originals.size(), got.size(), "files in " + dir + ": " + got);
        for (Path original : originals) {
            byte[] expected = dataSet(original);
            Path match = got.stream().filter(f -> {
                try {
                    return Arrays.equals(dataSet(f), expected);
                } catch (IOException e) {
                    return false;
                }
            }).findFirst().orElse(null);
            assertTrue(match != null, "no file in " + dir + " holds the data set of " + original);
            assertArrayEquals(expected, dataSet(match));
        }
    }

    /** The files in a folder; fails on any hidden (temporary) one. */
    public static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            List<Path> all = list.sorted().toList();
            for (Path f : all) {
                assertTrue(!f.getFileName().toString().startsWith("."), "a temporary file was left: " + f);
            }
            return all;
        }
    }
}
