package org.radmamba.app.batch;

import org.radmamba.app.ai.ModelTask;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SequencedMap;
import java.util.Set;

/**
 * The columns of a batch run's results for one model: the same in Parquet, CSV and Spark (which builds its
 * {@code StructType} from {@link #columns()} and its rows from {@link #row(BatchRecord)}).
 *
 * <p>Every schema starts with the same fourteen columns: {@code image_key} (STRING, the resume key: SOP Instance UID
 * or {@code sha256:<hex>} of the file), {@code frame} (INT32, 1-based; 0 for a whole file that failed),
 * {@code sop_instance_uid}, {@code series_instance_uid}, {@code study_instance_uid} (STRING, null when unknown),
 * {@code file_path}, {@code model_id}, {@code checkpoint_sha256}, {@code precision} and {@code device} (STRING, what
 * computed the row's result: {@code float32} or {@code tf32}, the values of {@code --precision}, and {@code cpu} or
 * {@code cuda}, those of {@code --device}, as the engine that ran the row's batch ran — after a GPU failure mid-run
 * the CPU's float32; null on failed rows, see {@link BatchRecord#numerics()}), {@code status} ({@code ok} or
 * {@code failed}), {@code failure_reason} (STRING, null when ok), {@code width} and {@code height} (INT32, null when
 * unknown). Then, for a classifier: {@code top_class} (STRING), {@code top_probability} (DOUBLE) and one
 * {@code prob_<class>} DOUBLE per class in the model's order; for a segmenter: one {@code pixels_<class>} INT64 and
 * one {@code area_mm2_<class>} DOUBLE per class 1..k (the area null when the image states no pixel spacing), then
 * {@code bbox_x_min}, {@code bbox_y_min}, {@code bbox_x_max}, {@code bbox_y_max} (INT32, 0-based inclusive pixel
 * bounds of every labelled pixel; null when the mask is empty). Result columns are null on failed rows.
 * {@code <class>} is the class name in lower case with each run of characters other than a-z and 0-9 made one
 * {@code _} ({@link Column#className()} keeps the name itself); a name that would repeat another column gets
 * {@code _2}, {@code _3}, ....
 *
 * <p>A row is done, for a restarted run, when a row with the same ({@code image_key}, {@code frame},
 * {@code checkpoint_sha256}) exists, whatever its {@code precision} and {@code device}: a run resumed with another
 * {@code --precision} skips the rows already there and marks its own with the precision it runs.
 *
 * <p>Part files written before {@code precision} and {@code device} existed ({@link #ADDED_LATER}) lack them; they
 * are still this schema's rows ({@link #readable}, {@link #align}), those values null: not recorded.
 */
public final class BatchSchema {

    /** A column's value type, and the Java type {@link #row} gives it as. */
    public enum Type {
        /** UTF-8 text: {@link String}. */
        STRING,
        /** 32-bit signed: {@link Integer}. */
        INT32,
        /** 64-bit signed: {@link Long}. */
        INT64,
        /** IEEE 754 double: {@link Double}. */
        DOUBLE
    }

    /** What a column holds, for columns of one class. */
    public enum Role { KEY, PROBABILITY, PIXELS, AREA_MM2, OTHER }

    /**
     * One column.
     *
     * @param className the class a per-class column is about ({@code prob_}, {@code pixels_}, {@code area_mm2_}),
     *                  else null
     */
    public record Column(String name, Type type, boolean nullable, Role role, String className) {
        public Column {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(role, "role");
        }
    }

    public static final String IMAGE_KEY = "image_key";
    public static final String FRAME = "frame";
    public static final String SOP_INSTANCE_UID = "sop_instance_uid";
    public static final String SERIES_INSTANCE_UID = "series_instance_uid";
    public static final String STUDY_INSTANCE_UID = "study_instance_uid";
    public static final String FILE_PATH = "file_path";
    public static final String MODEL_ID = "model_id";
    public static final String CHECKPOINT_SHA256 = "checkpoint_sha256";
    public static final String PRECISION = "precision";
    public static final String DEVICE = "device";
    public static final String STATUS = "status";
    public static final String FAILURE_REASON = "failure_reason";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    public static final String TOP_CLASS = "top_class";
    public static final String TOP_PROBABILITY = "top_probability";
    public static final String BBOX_X_MIN = "bbox_x_min";
    public static final String BBOX_Y_MIN = "bbox_y_min";
    public static final String BBOX_X_MAX = "bbox_x_max";
    public static final String BBOX_Y_MAX = "bbox_y_max";

    /**
     * The columns the part files of an earlier RadMamba lack, which read as null there: {@code precision} and
     * {@code device}, added together (the rows then recorded neither).
     */
    public static final List<String> ADDED_LATER = List.of(PRECISION, DEVICE);

    private final ModelIdentity model;
    private final List<Column> columns;

    private BatchSchema(ModelIdentity model, List<Column> columns) {
        this.model = model;
        this.columns = List.copyOf(columns);
    }

    /** The schema of {@code model}'s results. */
    public static BatchSchema of(ModelIdentity model) {
        List<Column> columns = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        java.util.function.BiConsumer<String, Type> required = (name, type) -> {
            columns.add(new Column(name, type, false, Role.KEY, null));
            taken.add(name);
        };
        java.util.function.BiConsumer<String, Type> optional = (name, type) -> {
            columns.add(new Column(name, type, true, Role.OTHER, null));
            taken.add(name);
        };
        required.accept(IMAGE_KEY, Type.STRING);
        required.accept(FRAME, Type.INT32);
        optional.accept(SOP_INSTANCE_UID, Type.STRING);
        optional.accept(SERIES_INSTANCE_UID, Type.STRING);
        optional.accept(STUDY_INSTANCE_UID, Type.STRING);
        required.accept(FILE_PATH, Type.STRING);
        required.accept(MODEL_ID, Type.STRING);
        required.accept(CHECKPOINT_SHA256, Type.STRING);
        optional.accept(PRECISION, Type.STRING);
        optional.accept(DEVICE, Type.STRING);
        required.accept(STATUS, Type.STRING);
        optional.accept(FAILURE_REASON, Type.STRING);
        optional.accept(WIDTH, Type.INT32);
        optional.accept(HEIGHT, Type.INT32);
        if (model.task() == ModelTask.CLASSIFICATION) {
            optional.accept(TOP_CLASS, Type.STRING);
            optional.accept(TOP_PROBABILITY, Type.DOUBLE);
            for (String c : model.classes()) {
                columns.add(new Column(unique("prob_" + slug(c), taken), Type.DOUBLE, true, Role.PROBABILITY, c));
            }
        } else {
            for (String c : model.classes()) {
                columns.add(new Column(unique("pixels_" + slug(c), taken), Type.INT64, true, Role.PIXELS, c));
                columns.add(new Column(unique("area_mm2_" + slug(c), taken), Type.DOUBLE, true, Role.AREA_MM2, c));
            }
            optional.accept(BBOX_X_MIN, Type.INT32);
            optional.accept(BBOX_Y_MIN, Type.INT32);
            optional.accept(BBOX_X_MAX, Type.INT32);
            optional.accept(BBOX_Y_MAX, Type.INT32);
        }
        return new BatchSchema(model, columns);
    }

    public ModelIdentity model() {
        return model;
    }

    /** The columns in file order. */
    public List<Column> columns() {
        return columns;
    }

    /** The column names in file order. */
    public List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    /**
     * Whether a part file of {@code fileColumns} holds rows of this schema: its columns exactly, or an earlier
     * RadMamba's (these without {@link #ADDED_LATER}), in this order.
     */
    public boolean readable(List<String> fileColumns) {
        return fileColumns.equals(names())
                || fileColumns.equals(names().stream().filter(n -> !ADDED_LATER.contains(n)).toList());
    }

    /**
     * The rows of a part file of {@code fileColumns} ({@link #readable}) as rows of this schema: the values by column
     * name, null for a column the file lacks.
     */
    public List<List<Object>> align(List<String> fileColumns, List<? extends List<?>> rows) {
        int[] index = new int[columns.size()];
        for (int c = 0; c < index.length; c++) {
            index[c] = fileColumns.indexOf(columns.get(c).name());
        }
        List<List<Object>> aligned = new ArrayList<>(rows.size());
        for (List<?> values : rows) {
            List<Object> row = new ArrayList<>(index.length);
            for (int i : index) {
                row.add(i < 0 ? null : values.get(i));
            }
            aligned.add(row);
        }
        return aligned;
    }

    /**
     * The values of {@code record} in column order: {@link String}, {@link Integer}, {@link Long} or {@link Double}
     * as each column's {@link Type} says, or null. The list may hold nulls (it is not {@code List.of}).
     *
     * @throws IllegalArgumentException when the record is from another model (its classes differ)
     */
    public List<Object> row(BatchRecord record) {
        if (!record.model().equals(model)) {
            throw new IllegalArgumentException("a row of " + record.model().modelId() + " ("
                    + record.model().checkpointSha256() + ") does not fit the schema of " + model.modelId() + " ("
                    + model.checkpointSha256() + ")");
        }
        List<Object> values = new ArrayList<>(columns.size());
        BatchRecord.Classification cls = record.classification();
        BatchRecord.Segmentation seg = record.segmentation();
        for (Column c : columns) {
            values.add(switch (c.role()) {
                case PROBABILITY -> cls == null ? null : cls.probabilities().get(c.className());
                case PIXELS -> seg == null ? null : seg.pixels().get(c.className());
                case AREA_MM2 -> seg == null ? null : seg.areasMm2().get(c.className());
                case KEY, OTHER -> fixed(c.name(), record);
            });
        }
        return values;
    }

    private static Object fixed(String column, BatchRecord r) {
        BatchRecord.Box box = r.segmentation() == null ? null : r.segmentation().box();
        return switch (column) {
            case IMAGE_KEY -> r.key().imageKey();
            case FRAME -> r.key().frame();
            case SOP_INSTANCE_UID -> r.key().sopInstanceUid();
            case SERIES_INSTANCE_UID -> r.key().seriesInstanceUid();
            case STUDY_INSTANCE_UID -> r.key().studyInstanceUid();
            case FILE_PATH -> r.path();
            case MODEL_ID -> r.model().modelId();
            case CHECKPOINT_SHA256 -> r.model().checkpointSha256();
            case PRECISION -> r.numerics() == null ? null : r.numerics().precisionValue();
            case DEVICE -> r.numerics() == null ? null : r.numerics().deviceValue();
            case STATUS -> r.status().columnValue();
            case FAILURE_REASON -> r.failureReason();
            case WIDTH -> r.width();
            case HEIGHT -> r.height();
            case TOP_CLASS -> r.classification() == null ? null : r.classification().topClass();
            case TOP_PROBABILITY -> r.classification() == null ? null : r.classification().topProbability();
            case BBOX_X_MIN -> box == null ? null : box.xMin();
            case BBOX_Y_MIN -> box == null ? null : box.yMin();
            case BBOX_X_MAX -> box == null ? null : box.xMax();
            case BBOX_Y_MAX -> box == null ? null : box.yMax();
            default -> throw new IllegalStateException("no value for column " + column);
        };
    }

    /**
     * The record a row of this schema holds: the inverse of {@link #row}, for rows read back from a file (values as
     * {@link #row} gives them, in column order).
     *
     * @throws IllegalArgumentException when the row is of another model, or a value is not one the column takes
     *                                  (a status, precision or device)
     */
    public BatchRecord record(List<?> values) {
        if (values.size() != columns.size()) {
            throw new IllegalArgumentException("a row of " + values.size() + " values for " + columns.size() + " columns");
        }
        java.util.Map<String, Object> byName = new java.util.HashMap<>();
        SequencedMap<String, Double> probabilities = new LinkedHashMap<>();
        SequencedMap<String, Long> pixels = new LinkedHashMap<>();
        SequencedMap<String, Double> areas = new LinkedHashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            Object v = values.get(i);
            switch (c.role()) {
                case PROBABILITY -> putIfPresent(probabilities, c.className(), (Double) v);
                case PIXELS -> putIfPresent(pixels, c.className(), (Long) v);
                case AREA_MM2 -> putIfPresent(areas, c.className(), (Double) v);
                case KEY, OTHER -> byName.put(c.name(), v);
            }
        }
        ImageKey key = new ImageKey((String) byName.get(IMAGE_KEY), (Integer) byName.get(FRAME),
                (String) byName.get(SOP_INSTANCE_UID), (String) byName.get(SERIES_INSTANCE_UID),
                (String) byName.get(STUDY_INSTANCE_UID));
        String path = (String) byName.get(FILE_PATH);
        BatchRecord.Status status = BatchRecord.Status.ofColumnValue((String) byName.get(STATUS));
        if (!model.modelId().equals(byName.get(MODEL_ID)) || !model.checkpointSha256().equals(byName.get(CHECKPOINT_SHA256))) {
            throw new IllegalArgumentException("a row of " + byName.get(MODEL_ID) + " (" + byName.get(CHECKPOINT_SHA256)
                    + ") does not fit the schema of " + model.modelId());
        }
        BatchRecord.Numerics numerics = BatchRecord.Numerics.ofColumnValues((String) byName.get(DEVICE),
                (String) byName.get(PRECISION));
        if (status == BatchRecord.Status.FAILED) {
            if (numerics != null) {
                throw new IllegalArgumentException("a failed row with the numerics of a result");
            }
            return BatchRecord.failed(key, path, model, (String) byName.get(FAILURE_REASON));
        }
        BatchRecord.Classification cls = null;
        BatchRecord.Segmentation seg = null;
        if (model.task() == ModelTask.CLASSIFICATION) {
            cls = new BatchRecord.Classification((String) byName.get(TOP_CLASS), (Double) byName.get(TOP_PROBABILITY),
                    probabilities);
        } else {
            BatchRecord.Box box = byName.get(BBOX_X_MIN) == null ? null : new BatchRecord.Box(
                    (Integer) byName.get(BBOX_X_MIN), (Integer) byName.get(BBOX_Y_MIN),
                    (Integer) byName.get(BBOX_X_MAX), (Integer) byName.get(BBOX_Y_MAX));
            seg = new BatchRecord.Segmentation(pixels, areas, box);
        }
        return new BatchRecord(key, path, model, status, null, (Integer) byName.get(WIDTH),
                (Integer) byName.get(HEIGHT), cls, seg, numerics);
    }

    private static <V> void putIfPresent(SequencedMap<String, V> map, String key, V value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** The class name as a column name part: lower case, runs of other characters than a-z, 0-9 made one "_". */
    static String slug(String className) {
        String s = className.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return s.isEmpty() ? "class" : s;
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int n = 2; !taken.add(candidate); n++) {
            candidate = name + "_" + n;
        }
        return candidate;
    }

    @Override
    public String toString() {
        return "BatchSchema" + Collections.unmodifiableList(names());
    }
}
