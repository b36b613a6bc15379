package org.radmamba.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.radmamba.app.batch.BatchRecord;
import org.radmamba.app.batch.BatchSchema;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link BatchSchema} in Spark's terms: the {@code StructType} of a model's results and its rows, column for column
 * as {@code radmamba batch} writes them (names, order, types, nullability), so that both Parquet outputs have one
 * schema and either can be read, appended to or compared with the other.
 */
public final class SparkRows {

    private SparkRows() {
    }

    /** The Spark schema of {@code schema}'s columns, in its order. */
    public static StructType structType(BatchSchema schema) {
        List<StructField> fields = new ArrayList<>();
        for (BatchSchema.Column c : schema.columns()) {
            fields.add(DataTypes.createStructField(c.name(), dataType(c.type()), c.nullable()));
        }
        return DataTypes.createStructType(fields);
    }

    static DataType dataType(BatchSchema.Type type) {
        return switch (type) {
            case STRING -> DataTypes.StringType;
            case INT32 -> DataTypes.IntegerType;
            case INT64 -> DataTypes.LongType;
            case DOUBLE -> DataTypes.DoubleType;
        };
    }

    /** {@code record} as a row of {@link #structType(BatchSchema)}. */
    public static Row row(BatchSchema schema, BatchRecord record) {
        return RowFactory.create(schema.row(record).toArray());
    }

    /**
     * The record a row of {@code schema}'s columns holds (read by column name, so any column order will do). A row
     * read without {@link #structType} from part files of an earlier RadMamba lacks the columns added since
     * ({@link BatchSchema#ADDED_LATER}): those values are null, not recorded.
     */
    public static BatchRecord record(BatchSchema schema, Row row) {
        List<String> fields = row.schema() == null ? null : List.of(row.schema().fieldNames());
        List<Object> values = new ArrayList<>(schema.columns().size());
        for (BatchSchema.Column c : schema.columns()) {
            boolean absent = fields != null && !fields.contains(c.name()) && BatchSchema.ADDED_LATER.contains(c.name());
            values.add(absent ? null : row.get(row.fieldIndex(c.name())));
        }
        return schema.record(values);
    }
}
