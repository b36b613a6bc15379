package org.radmamba.app.batch;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.radmamba.app.ai.ModelTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * batch's own Parquet writer, read back by a third-party reader (parquet-hadoop's example Group API, the reference
 * implementation) and by batch's own reader: every value, nulls, non-ASCII text, many row groups and none.
 */
class FlatParquetWriterTest {

    @TempDir
    Path dir;

    private static final ModelIdentity CLASSIFIER = new ModelIdentity("derm-7", "AB".repeat(32),
            ModelTask.CLASSIFICATION, List.of("naevus", "mélanome ☂", "naevus", "Basal cell, carcinoma"));
    private static final ModelIdentity SEGMENTER = new ModelIdentity("lesion-seg", "cd".repeat(32),
            ModelTask.SEGMENTATION, List.of("lesion", "halo"));

    @ParameterizedTest
    @EnumSource(FlatParquetWriter.Codec.class)
    void every_value_of_many_row_groups_reads_back_through_parquet_hadoop(FlatParquetWriter.Codec codec) throws Exception {
        for (ModelIdentity model : List.of(CLASSIFIER, SEGMENTER)) {
            BatchSchema schema = BatchSchema.of(model);
            List<List<Object>> rows = rows(schema, 2_345, new Random(7));
            Path file = dir.resolve(model.modelId() + "-" + codec + ".parquet");
            try (FlatParquetWriter writer = new FlatParquetWriter(Files.newOutputStream(file), schema.columns(), codec,
                    Map.of("radmamba.model_id", model.modelId()))) {
                for (int start = 0; start < rows.size(); start += 1_000) {
                    writer.writeRowGroup(rows.subList(start, Math.min(rows.size(), start + 1_000)));
                }
            }

            assertEquals(rows, readWithParquetHadoop(file, schema));
            ParquetMetadata footer = footer(file);
            assertEquals(3, footer.getBlocks().size(), "row groups");
            assertEquals(model.modelId(), footer.getFileMetaData().getKeyValueMetaData().get("radmamba.model_id"));
            assertEquals(rows, FlatParquetReader.read(file).rows());
        }
    }

    @ParameterizedTest
    @EnumSource(FlatParquetWriter.Codec.class)
    void a_file_of_no_rows_has_the_schema_and_no_row(FlatParquetWriter.Codec codec) throws Exception {
        BatchSchema schema = BatchSchema.of(CLASSIFIER);
        Path file = dir.resolve("empty.parquet");
        try (FlatParquetWriter writer = new FlatParquetWriter(Files.newOutputStream(file), schema.columns(), codec, Map.of())) {
            writer.writeRowGroup(List.of());
        }

        assertEquals(List.of(), readWithParquetHadoop(file, schema));
        MessageType type = footer(file).getFileMetaData().getSchema();
        assertEquals(schema.names(), type.getFields().stream().map(Type::getName).toList());
        assertEquals(0, FlatParquetReader.read(file).rows().size());
    }

    @ParameterizedTest
    @EnumSource(FlatParquetWriter.Codec.class)
    void the_footer_declares_the_schemas_types_and_nullability(FlatParquetWriter.Codec codec) throws Exception {
        BatchSchema schema = BatchSchema.of(SEGMENTER);
        Path file = dir.resolve("types.parquet");
        try (FlatParquetWriter writer = new FlatParquetWriter(Files.newOutputStream(file), schema.columns(), codec, Map.of())) {
            writer.writeRowGroup(rows(schema, 3, new Random(1)));
        }
        MessageType type = footer(file).getFileMetaData().getSchema();
        for (BatchSchema.Column c : schema.columns()) {
            PrimitiveType field = type.getType(c.name()).asPrimitiveType();
            assertEquals(switch (c.type()) {
                case STRING -> PrimitiveType.PrimitiveTypeName.BINARY;
                case INT32 -> PrimitiveType.PrimitiveTypeName.INT32;
                case INT64 -> PrimitiveType.PrimitiveTypeName.INT64;
                case DOUBLE -> PrimitiveType.PrimitiveTypeName.DOUBLE;
            }, field.getPrimitiveTypeName(), c.name());
            assertEquals(c.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED, field.getRepetition());
            if (c.type() == BatchSchema.Type.STRING) {
                assertEquals("STRING", field.getLogicalTypeAnnotation().toString(), c.name());
            }
        }
    }

    /** Random rows of the schema's types: about a third of each optional column null, text with ä, ☂ and 😀. */
    static List<List<Object>> rows(BatchSchema schema, int count, Random random) {
        List<List<Object>> rows = new ArrayList<>();
        String[] texts = {"", "a", "1.2.840.10008.5.1.4.1.1.2", "Grüße ☂ 😀", "line\"quote,comma", "x".repeat(300)};
        for (int r = 0; r < count; r++) {
            List<Object> row = new ArrayList<>();
            for (BatchSchema.Column c : schema.columns()) {
                if (c.nullable() && random.nextInt(3) == 0) {
                    row.add(null);
                    continue;
                }
                row.add(switch (c.type()) {
                    case STRING -> c.name().equals(BatchSchema.STATUS) ? "ok"
                            : c.name().equals(BatchSchema.MODEL_ID) ? schema.model().modelId()
                            : c.name().equals(BatchSchema.CHECKPOINT_SHA256) ? schema.model().checkpointSha256()
                            : c.name().equals(BatchSchema.FAILURE_REASON) ? null
                            : texts[random.nextInt(texts.length)] + r;
                    case INT32 -> random.nextInt() >> random.nextInt(31);
                    case INT64 -> random.nextLong() >> random.nextInt(63);
                    case DOUBLE -> random.nextInt(50) == 0 ? Double.NaN : random.nextGaussian() * 1e3;
                });
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * Every row through parquet-hadoop's own reader: its file reader, column readers and example Group converter.
     * A local input file rather than Hadoop's FileSystem, whose login code (UserGroupInformation) calls
     * Subject.getSubject, which Java 25 no longer supports.
     */
    static List<List<Object>> readWithParquetHadoop(Path file, BatchSchema schema) throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        try (ParquetFileReader reader = open(file)) {
            MessageType type = reader.getFooter().getFileMetaData().getSchema();
            for (PageReadStore pages = reader.readNextRowGroup(); pages != null; pages = reader.readNextRowGroup()) {
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(type)
                        .getRecordReader(pages, new GroupRecordConverter(type));
                for (long r = 0; r < pages.getRowCount(); r++) {
                    Group g = records.read();
                    List<Object> row = new ArrayList<>();
                    for (BatchSchema.Column c : schema.columns()) {
                        if (g.getFieldRepetitionCount(c.name()) == 0) {
                            row.add(null);
                            continue;
                        }
                        row.add(switch (c.type()) {
                            case STRING -> g.getString(c.name(), 0);
                            case INT32 -> g.getInteger(c.name(), 0);
                            case INT64 -> g.getLong(c.name(), 0);
                            case DOUBLE -> g.getDouble(c.name(), 0);
                        });
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    static ParquetFileReader open(Path file) throws IOException {
        return ParquetFileReader.open(new LocalInputFile(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
    }

    static ParquetMetadata footer(Path file) throws IOException {
        try (ParquetFileReader reader = open(file)) {
            return reader.getFooter();
        }
    }

    static String describe(List<Object> row) {
        return Arrays.toString(row.toArray());
    }
}
