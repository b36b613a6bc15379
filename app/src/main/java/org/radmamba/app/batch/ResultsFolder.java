package org.radmamba.app.batch;

import org.radmamba.inference.cuda.NetworkPrecision;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A results folder: numbered part files ({@code part-00000.parquet}, {@code part-00001.csv}, ...), each written
 * under a hidden temporary name ({@code .part-00001.parquet.tmp}, which Spark and Hive skip too), forced to disk and
 * renamed when complete, so that an interrupted run leaves whole parts only. Opening the folder again deletes the
 * temporary files of an interrupted run and reads the keys of every row of the complete parts: what is done. Parts
 * of an earlier RadMamba, without the {@code precision} and {@code device} columns, read as they are (those values
 * null); the parts this run adds have every column.
 */
final class ResultsFolder {

    /** The format of the part files. */
    enum Format {
        PARQUET("parquet"), CSV("csv");

        final String extension;

        Format(String extension) {
            this.extension = extension;
        }
    }

    private static final Pattern PART = Pattern.compile("part-(\\d{5,})\\.(parquet|csv)");
    private static final Pattern TEMPORARY = Pattern.compile("\\.part-\\d{5,}\\.(parquet|csv)\\.tmp");
    static final String MODEL_ID_KEY = "radmamba.model_id";
    static final String CHECKPOINT_KEY = "radmamba.checkpoint_sha256";

    private final Path folder;
    private final Format format;
    private final FlatParquetWriter.Codec codec;
    private final BatchSchema schema;
    private int nextPart;

    ResultsFolder(Path folder, Format format, FlatParquetWriter.Codec codec, BatchSchema schema) {
        this.folder = folder;
        this.format = format;
        this.codec = codec;
        this.schema = schema;
    }

    Path folder() {
        return folder;
    }

    /**
     * What the folder holds at opening: the done keys, the part files, the temporary files deleted, and its ok rows
     * by the precision that made them ({@code okRowsUnrecorded}: those of parts written before rows recorded it).
     */
    record Opened(Set<BatchRecord.DoneKey> done, List<Path> parts, List<Path> deleted,
                  Map<NetworkPrecision, Long> okRowsByPrecision, long okRowsUnrecorded) {
    }

    /**
     * Creates the folder if needed, deletes the temporary files an interrupted run left, and reads the done keys
     * of every part (Parquet and CSV alike).
     *
     * @throws IOException one sentence naming the file: a part that cannot be read, or one of another model
     */
    Opened open() throws IOException {
        Files.createDirectories(folder);
        List<Path> parts = new ArrayList<>();
        List<Path> deleted = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (TEMPORARY.matcher(name).matches()) {
                    Files.deleteIfExists(p);
                    deleted.add(p);
                    continue;
                }
                Matcher m = PART.matcher(name);
                if (m.matches()) {
                    parts.add(p);
                    nextPart = Math.max(nextPart, Integer.parseInt(m.group(1)) + 1);
                }
            }
        }
        Set<BatchRecord.DoneKey> done = new HashSet<>();
        Map<NetworkPrecision, Long> byPrecision = new EnumMap<>(NetworkPrecision.class);
        long unrecorded = 0;
        for (Path part : parts) {
            for (BatchRecord r : records(part)) {
                done.add(r.doneKey());
                if (r.status() == BatchRecord.Status.OK) {
                    if (r.numerics() == null) {
                        unrecorded++;
                    } else {
                        byPrecision.merge(r.numerics().precision(), 1L, Long::sum);
                    }
                }
            }
        }
        return new Opened(done, parts, deleted, byPrecision, unrecorded);
    }

    /** Every row of every complete part, as records (after {@link #open()}). */
    List<BatchRecord> records() throws IOException {
        List<BatchRecord> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : files.sorted().toList()) {
                if (PART.matcher(p.getFileName().toString()).matches()) {
                    records.addAll(records(p));
                }
            }
        }
        return records;
    }

    /** The records of one part file, checked to be of this model. */
    private List<BatchRecord> records(Path part) throws IOException {
        List<List<Object>> rows = rows(part);
        List<BatchRecord> records = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            try {
                records.add(schema.record(rows.get(i)));
            } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
                throw new IOException(part + ": row " + (i + 1) + " is not a batch result (" + e.getMessage()
                        + "); move it away to redo its images", e);
            }
        }
        return records;
    }

    /** The rows of one part file, checked to be of this model, in the schema's columns. */
    private List<List<Object>> rows(Path part) throws IOException {
        String modelLine = " holds results of another model than " + schema.model().modelId() + " ("
                + schema.model().checkpointSha256() + "); give another --out folder";
        if (part.getFileName().toString().endsWith(".csv")) {
            List<List<Object>> rows;
            try (BufferedReader in = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
                rows = CsvRows.read(in, schema, part.toString());
            } catch (IOException e) {
                throw new IOException(e.getMessage() + "; move it away to redo its images", e);
            }
            for (List<Object> row : rows) {
                if (!schema.model().checkpointSha256().equals(row.get(schema.names().indexOf(BatchSchema.CHECKPOINT_SHA256)))) {
                    throw new IOException(part + modelLine);
                }
            }
            return rows;
        }
        FlatParquetReader.Contents contents;
        try {
            contents = FlatParquetReader.read(part);
        } catch (IOException | RuntimeException e) {
            throw new IOException(part + ": cannot be read as batch results (" + e.getMessage()
                    + "); move it away to redo its images", e);
        }
        if (!schema.model().checkpointSha256().equals(contents.keyValues().get(CHECKPOINT_KEY))
                || !schema.readable(contents.columns())) {
            throw new IOException(part + modelLine);
        }
        return contents.columns().equals(schema.names()) ? contents.rows()
                : schema.align(contents.columns(), contents.rows());
    }

    /**
     * Writes {@code records} as the next part: to its temporary name, forced to disk, then renamed. A run that stops
     * before the rename leaves only the temporary file, which the next {@link #open()} deletes.
     *
     * @return the part file
     */
    Path writePart(List<BatchRecord> records) throws IOException {
        String name = String.format(Locale.ROOT, "part-%05d.%s", nextPart, format.extension);
        Path temporary = folder.resolve("." + name + ".tmp");
        Path part = folder.resolve(name);
        List<List<Object>> rows = new ArrayList<>(records.size());
        for (BatchRecord r : records) {
            rows.add(schema.row(r));
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            OutputStream stream = Channels.newOutputStream(channel);
            OutputStream unclosed = new java.io.FilterOutputStream(new java.io.BufferedOutputStream(stream, 1 << 16)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush(); // the channel is forced, then closed, below
                }
            };
            if (format == Format.PARQUET) {
                try (FlatParquetWriter writer = new FlatParquetWriter(unclosed, schema.columns(), codec, Map.of(
                        MODEL_ID_KEY, schema.model().modelId(), CHECKPOINT_KEY, schema.model().checkpointSha256()))) {
                    writer.writeRowGroup(rows);
                }
            } else {
                try (Writer out = new BufferedWriter(new OutputStreamWriter(unclosed, StandardCharsets.UTF_8))) {
                    CsvRows.writeHeader(out, schema);
                    for (List<Object> row : rows) {
                        CsvRows.writeRow(out, row);
                    }
                }
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, part, StandardCopyOption.ATOMIC_MOVE);
        nextPart++;
        return part;
    }
}
