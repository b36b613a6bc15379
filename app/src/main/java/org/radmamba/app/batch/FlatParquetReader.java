package org.radmamba.app.batch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads back the Parquet files {@link FlatParquetWriter} writes — flat columns, PLAIN data pages (v1), definition
 * levels in the RLE/bit-packed hybrid, UNCOMPRESSED or GZIP — so that a restarted batch run knows which images are
 * done. Anything else (dictionary pages, other codecs, nested columns) is refused with the reason: the part files
 * of a results folder are RadMamba's own.
 */
final class FlatParquetReader {

    /** A file's columns (name → physical type and whether optional), rows and footer key-value metadata. */
    record Contents(List<String> columns, List<List<Object>> rows, Map<String, String> keyValues) {
    }

    private FlatParquetReader() {
    }

    /** Every row of {@code file}, values as {@link BatchSchema#row} gives them (strings, Integer, Long, Double). */
    static Contents read(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        int n = data.length;
        if (n < 12 || !Arrays.equals(Arrays.copyOfRange(data, 0, 4), FlatParquetWriter.MAGIC)
                || !Arrays.equals(Arrays.copyOfRange(data, n - 4, n), FlatParquetWriter.MAGIC)) {
            throw new IOException(file + ": not a Parquet file (no PAR1 at both ends)");
        }
        int footerLength = ByteBuffer.wrap(data, n - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (footerLength <= 0 || footerLength > n - 12) {
            throw new IOException(file + ": the Parquet footer length " + footerLength + " does not fit the file");
        }
        Map<Integer, Object> meta = new ThriftCompact.Reader(data, n - 8 - footerLength).struct();
        List<?> schema = (List<?>) meta.get(2);
        List<String> names = new ArrayList<>();
        List<int[]> types = new ArrayList<>(); // physical type, optional
        for (int i = 1; i < schema.size(); i++) {
            Map<?, ?> element = (Map<?, ?>) schema.get(i);
            if (element.get(5) != null) {
                throw new IOException(file + ": has nested columns, which batch results never have");
            }
            names.add(new String((byte[]) element.get(4), StandardCharsets.UTF_8));
            types.add(new int[] {((Long) element.get(1)).intValue(),
                    element.get(3) != null && ((Long) element.get(3)) == 1 ? 1 : 0});
        }
        List<List<Object>> rows = new ArrayList<>();
        for (Object g : (List<?>) meta.get(4)) {
            Map<?, ?> group = (Map<?, ?>) g;
            int count = Math.toIntExact((Long) group.get(3));
            List<List<Object>> columns = new ArrayList<>();
            List<?> chunks = (List<?>) group.get(1);
            for (int c = 0; c < chunks.size(); c++) {
                Map<?, ?> chunkMeta = (Map<?, ?>) ((Map<?, ?>) chunks.get(c)).get(3);
                columns.add(readChunk(file, data, chunkMeta, types.get(c), count));
            }
            for (int r = 0; r < count; r++) {
                List<Object> row = new ArrayList<>(columns.size());
                for (List<Object> column : columns) {
                    row.add(column.get(r));
                }
                rows.add(row);
            }
        }
        Map<String, String> keyValues = new LinkedHashMap<>();
        if (meta.get(5) instanceof List<?> pairs) {
            for (Object p : pairs) {
                Map<?, ?> pair = (Map<?, ?>) p;
                keyValues.put(new String((byte[]) pair.get(1), StandardCharsets.UTF_8),
                        pair.get(2) == null ? null : new String((byte[]) pair.get(2), StandardCharsets.UTF_8));
            }
        }
        return new Contents(names, rows, keyValues);
    }

    private static List<Object> readChunk(Path file, byte[] data, Map<?, ?> chunk, int[] type, int count)
            throws IOException {
        int codec = ((Long) chunk.get(4)).intValue();
        int pos = Math.toIntExact((Long) chunk.get(9));
        List<Object> values = new ArrayList<>(count);
        while (values.size() < count) {
            ThriftCompact.Reader headerReader = new ThriftCompact.Reader(data, pos);
            Map<Integer, Object> header = headerReader.struct();
            int compressedSize = ((Long) header.get(3)).intValue();
            int bodyStart = headerReader.position();
            if (((Long) header.get(1)) != 0) {
                throw new IOException(file + ": a page of type " + header.get(1) + " (only PLAIN data pages are read)");
            }
            Map<?, ?> dataHeader = (Map<?, ?>) header.get(5);
            int pageValues = ((Long) dataHeader.get(1)).intValue();
            if (((Long) dataHeader.get(2)) != 0) {
                throw new IOException(file + ": a page in encoding " + dataHeader.get(2) + " (only PLAIN is read)");
            }
            byte[] body = Arrays.copyOfRange(data, bodyStart, bodyStart + compressedSize);
            if (codec == 2) {
                try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                }
            } else if (codec != 0) {
                throw new IOException(file + ": pages compressed with codec " + codec + " (only none and GZIP are read)");
            }
            ByteBuffer page = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
            boolean[] present = new boolean[pageValues];
            if (type[1] == 1) {
                int length = page.getInt();
                decodeLevels(page, page.position() + length, present);
                page.position(page.position() + length);
            } else {
                Arrays.fill(present, true);
            }
            for (boolean p : present) {
                values.add(p ? value(page, type[0]) : null);
            }
            pos = bodyStart + compressedSize;
        }
        return values;
    }

    /** The RLE/bit-packed hybrid at bit width 1, up to {@code end}: whether each value is present. */
    private static void decodeLevels(ByteBuffer page, int end, boolean[] present) {
        int i = 0;
        int pos = page.position();
        while (i < present.length && pos < end) {
            long header = 0;
            int shift = 0;
            int b;
            do {
                b = page.get(pos++) & 0xFF;
                header |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            if ((header & 1) == 0) {
                int run = (int) (header >>> 1);
                boolean value = page.get(pos++) != 0;
                for (int k = 0; k < run && i < present.length; k++) {
                    present[i++] = value;
                }
            } else {
                int groups = (int) (header >>> 1);
                for (int k = 0; k < groups * 8; k++) {
                    int bits = page.get(pos + k / 8) & 0xFF;
                    if (i < present.length) {
                        present[i++] = ((bits >>> (k % 8)) & 1) != 0;
                    }
                }
                pos += groups;
            }
        }
    }

    private static Object value(ByteBuffer page, int physical) throws IOException {
        return switch (physical) {
            case 1 -> page.getInt();
            case 2 -> page.getLong();
            case 5 -> page.getDouble();
            case 6 -> {
                byte[] bytes = new byte[page.getInt()];
                page.get(bytes);
                yield new String(bytes, StandardCharsets.UTF_8);
            }
            default -> throw new IOException("a column of physical type " + physical + ", which batch results never have");
        };
    }

    static Map<String, Integer> indexOf(List<String> columns) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            index.put(columns.get(i), i);
        }
        return index;
    }
}
