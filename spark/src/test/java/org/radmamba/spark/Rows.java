package org.radmamba.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.radmamba.app.batch.BatchRecord;
import org.radmamba.app.batch.BatchSchema;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/** Results read back and compared row for row. */
final class Rows {

    /** Probabilities may differ by float rounding between two runs of the same network, never by more. */
    static final double PROBABILITY_TOLERANCE = 1e-6;

    private static final Comparator<BatchRecord> ORDER = Comparator.comparing(BatchRecord::path)
            .thenComparingInt(r -> r.key().frame());

    private Rows() {
    }

    /** Every row of the Parquet files in {@code dir}, read with Spark, as records of {@code schema}, sorted. */
    static List<BatchRecord> read(SparkSession spark, String dir, BatchSchema schema) {
        List<BatchRecord> out = new ArrayList<>();
        for (Row row : spark.read().parquet(dir).collectAsList()) {
            out.add(SparkRows.record(schema, row));
        }
        return sorted(out);
    }

    static List<BatchRecord> sorted(List<BatchRecord> rows) {
        return rows.stream().sorted(ORDER).toList();
    }

    /** The same rows in the same order: keys, paths, status, reasons and sizes equal, probabilities within 1e-6. */
    static void assertSame(List<BatchRecord> expected, List<BatchRecord> actual) {
        List<BatchRecord> e = sorted(expected);
        List<BatchRecord> a = sorted(actual);
        assertEquals(e.stream().map(Rows::id).toList(), a.stream().map(Rows::id).toList(), "the rows' files and frames");
        for (int i = 0; i < e.size(); i++) {
            BatchRecord x = e.get(i);
            BatchRecord y = a.get(i);
            String where = id(x);
            assertEquals(x.key(), y.key(), where);
            assertEquals(x.model(), y.model(), where);
            assertEquals(x.status(), y.status(), where);
            assertEquals(x.failureReason(), y.failureReason(), where);
            assertEquals(x.width(), y.width(), where);
            assertEquals(x.height(), y.height(), where);
            assertEquals(x.segmentation(), y.segmentation(), where);
            assertEquals(x.numerics(), y.numerics(), where + ": the engine and precision that made it");
            if (x.classification() == null || y.classification() == null) {
                assertEquals(x.classification(), y.classification(), where);
                continue;
            }
            assertEquals(x.classification().topClass(), y.classification().topClass(), where);
            assertEquals(x.classification().topProbability(), y.classification().topProbability(),
                    PROBABILITY_TOLERANCE, where);
            assertEquals(List.copyOf(x.classification().probabilities().keySet()),
                    List.copyOf(y.classification().probabilities().keySet()), where);
            for (Map.Entry<String, Double> p : x.classification().probabilities().entrySet()) {
                Double other = y.classification().probabilities().get(p.getKey());
                assertNotNull(other, where + " " + p.getKey());
                assertEquals(p.getValue(), other, PROBABILITY_TOLERANCE, where + " " + p.getKey());
            }
        }
    }

    /** No two rows with the same resume key. */
    static void assertNoDuplicates(List<BatchRecord> rows) {
        List<BatchRecord.DoneKey> keys = rows.stream().map(BatchRecord::doneKey).toList();
        if (keys.stream().distinct().count() != keys.size()) {
            fail("duplicate rows: " + keys);
        }
    }

    private static String id(BatchRecord r) {
        return r.path() + "#" + r.key().frame() + (Objects.equals(r.status(), BatchRecord.Status.FAILED) ? " (failed)" : "");
    }
}
