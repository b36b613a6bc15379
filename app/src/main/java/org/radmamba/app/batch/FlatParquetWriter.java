package org.radmamba.app.batch;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A Parquet file of flat rows, written without Hadoop: the columns of a {@link BatchSchema} (UTF-8 strings, INT32,
 * INT64, DOUBLE; required or optional), one row group per {@link #writeRowGroup} call, one PLAIN-encoded data page
 * (v1) per column chunk, definition levels of optional columns in the RLE/bit-packed hybrid (as RLE runs), pages
 * UNCOMPRESSED or GZIP, and the footer's {@code FileMetaData} in the Thrift compact protocol ({@link ThriftCompact}).
 * Written from the Apache Parquet format specification ({@code apache/parquet-format}: README.md, Encodings.md and
 * {@code src/main/thrift/parquet.thrift}); read back by parquet-hadoop in the tests.
 */
final class FlatParquetWriter implements Closeable {

    /** How pages are compressed. */
    enum Codec {
        UNCOMPRESSED(0), GZIP(2);

        final int thrift;

        Codec(int thrift) {
            this.thrift = thrift;
        }
    }

    static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    static final String CREATED_BY = "radmamba batch version 1.0 (build radmamba)";

    // parquet.thrift's enums
    private static final int TYPE_INT32 = 1;
    private static final int TYPE_INT64 = 2;
    private static final int TYPE_DOUBLE = 5;
    private static final int TYPE_BYTE_ARRAY = 6;
    private static final int REQUIRED = 0;
    private static final int OPTIONAL = 1;
    private static final int CONVERTED_UTF8 = 0;
    private static final int ENCODING_PLAIN = 0;
    private static final int ENCODING_RLE = 3;
    private static final int PAGE_DATA = 0;

    private final OutputStream out;
    private final List<BatchSchema.Column> columns;
    private final Codec codec;
    private final Map<String, String> keyValues;
    private final List<RowGroupMeta> rowGroups = new ArrayList<>();
    private long position;
    private boolean closed;

    private record ChunkMeta(BatchSchema.Column column, long pageOffset, long values, long uncompressed, long compressed) {
    }

    private record RowGroupMeta(List<ChunkMeta> chunks, long rows) {
    }

    /**
     * @param out       the file, from its first byte; closed by {@link #close()}
     * @param keyValues written into the footer's key-value metadata (e.g. the model's id)
     */
    FlatParquetWriter(OutputStream out, List<BatchSchema.Column> columns, Codec codec, Map<String, String> keyValues)
            throws IOException {
        this.out = out;
        this.columns = List.copyOf(columns);
        this.codec = codec;
        this.keyValues = Map.copyOf(keyValues);
        write(MAGIC);
    }

    /** Writes {@code rows} (values as {@link BatchSchema#row} gives them) as one row group; none writes nothing. */
    void writeRowGroup(List<List<Object>> rows) throws IOException {
        if (rows.isEmpty()) {
            return;
        }
        List<ChunkMeta> chunks = new ArrayList<>(columns.size());
        for (int c = 0; c < columns.size(); c++) {
            chunks.add(writeChunk(columns.get(c), c, rows));
        }
        rowGroups.add(new RowGroupMeta(chunks, rows.size()));
    }

    private ChunkMeta writeChunk(BatchSchema.Column column, int index, List<List<Object>> rows) throws IOException {
        ByteArrayOutputStream page = new ByteArrayOutputStream();
        if (column.nullable()) {
            byte[] levels = definitionLevels(rows, index);
            page.write(le32(levels.length));
            page.write(levels);
        }
        ByteBuffer value = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (List<Object> row : rows) {
            Object v = row.get(index);
            if (v == null) {
                if (!column.nullable()) {
                    throw new IllegalArgumentException("column " + column.name() + " is required but a row has null");
                }
                continue;
            }
            value.clear();
            switch (column.type()) {
                case STRING -> {
                    byte[] bytes = ((String) v).getBytes(StandardCharsets.UTF_8);
                    page.write(le32(bytes.length));
                    page.write(bytes);
                }
                case INT32 -> page.write(value.putInt((Integer) v).array(), 0, 4);
                case INT64 -> page.write(value.putLong((Long) v).array(), 0, 8);
                case DOUBLE -> page.write(value.putDouble((Double) v).array(), 0, 8);
            }
        }
        byte[] raw = page.toByteArray();
        byte[] body = codec == Codec.GZIP ? gzip(raw) : raw;
        byte[] header = new ThriftCompact.Writer()
                .i32(1, PAGE_DATA).i32(2, raw.length).i32(3, body.length)
                .struct(5).i32(1, rows.size()).i32(2, ENCODING_PLAIN).i32(3, ENCODING_RLE).i32(4, ENCODING_RLE).end()
                .end().toByteArray();
        long offset = position;
        write(header);
        write(body);
        return new ChunkMeta(column, offset, rows.size(), header.length + raw.length, header.length + body.length);
    }

    /** Definition levels (1 present, 0 null) of one column as RLE runs of the hybrid encoding, bit width 1. */
    private static byte[] definitionLevels(List<List<Object>> rows, int index) {
        ByteArrayOutputStream levels = new ByteArrayOutputStream();
        int i = 0;
        while (i < rows.size()) {
            boolean present = rows.get(i).get(index) != null;
            int run = 1;
            while (i + run < rows.size() && (rows.get(i + run).get(index) != null) == present) {
                run++;
            }
            long header = (long) run << 1; // lowest bit 0: an RLE run
            while ((header & ~0x7FL) != 0) {
                levels.write((int) ((header & 0x7F) | 0x80));
                header >>>= 7;
            }
            levels.write((int) header);
            levels.write(present ? 1 : 0); // the value in ceil(1 / 8) = 1 byte
            i += run;
        }
        return levels.toByteArray();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream(raw.length / 2 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(raw);
        }
        return zipped.toByteArray();
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        position += bytes.length;
    }

    /** Writes the footer and closes the stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (out) {
            byte[] footer = footer();
            write(footer);
            write(le32(footer.length));
            write(MAGIC);
        }
    }

    private byte[] footer() {
        long rows = rowGroups.stream().mapToLong(RowGroupMeta::rows).sum();
        ThriftCompact.Writer w = new ThriftCompact.Writer();
        w.i32(1, 1);
        w.structList(2, columns.size() + 1);
        w.element().string(4, "schema").i32(5, columns.size()).end();
        for (BatchSchema.Column c : columns) {
            w.element().i32(1, physical(c.type())).i32(3, c.nullable() ? OPTIONAL : REQUIRED).string(4, c.name());
            if (c.type() == BatchSchema.Type.STRING) {
                w.i32(6, CONVERTED_UTF8).struct(10).struct(1).end().end();
            }
            w.end();
        }
        w.i64(3, rows);
        w.structList(4, rowGroups.size());
        for (RowGroupMeta group : rowGroups) {
            w.element();
            w.structList(1, group.chunks().size());
            long uncompressed = 0;
            long compressed = 0;
            for (ChunkMeta chunk : group.chunks()) {
                uncompressed += chunk.uncompressed();
                compressed += chunk.compressed();
                BatchSchema.Column c = chunk.column();
                w.element().i64(2, chunk.pageOffset());
                w.struct(3)
                        .i32(1, physical(c.type()))
                        .i32List(2, ENCODING_PLAIN, ENCODING_RLE)
                        .stringList(3, List.of(c.name()))
                        .i32(4, codec.thrift)
                        .i64(5, chunk.values())
                        .i64(6, chunk.uncompressed())
                        .i64(7, chunk.compressed())
                        .i64(9, chunk.pageOffset())
                        .end();
                w.end();
            }
            w.i64(2, uncompressed).i64(3, group.rows()).i64(5, group.chunks().getFirst().pageOffset())
                    .i64(6, compressed);
            w.end();
        }
        if (!keyValues.isEmpty()) {
            w.structList(5, keyValues.size());
            keyValues.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> w.element().string(1, e.getKey()).string(2, e.getValue()).end());
        }
        w.string(6, CREATED_BY);
        w.end();
        return w.toByteArray();
    }

    static int physical(BatchSchema.Type type) {
        return switch (type) {
            case STRING -> TYPE_BYTE_ARRAY;
            case INT32 -> TYPE_INT32;
            case INT64 -> TYPE_INT64;
            case DOUBLE -> TYPE_DOUBLE;
        };
    }
}
