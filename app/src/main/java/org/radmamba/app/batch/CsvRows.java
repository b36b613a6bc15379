package org.radmamba.app.batch;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * The CSV form of batch results (RFC 4180): a header of the column names, then one line per row; a field with a
 * comma, quote, line break or edge white space is quoted; null is an empty field and the empty string a quoted one
 * ({@code ""}), so that both read back as they were; doubles as {@link Double#toString} writes them (the shortest
 * text that reads back to the same double; {@code NaN} for not-a-number).
 */
final class CsvRows {

    private CsvRows() {
    }

    static void writeHeader(Writer out, BatchSchema schema) throws IOException {
        List<Object> names = new ArrayList<>(schema.names());
        writeRow(out, names);
    }

    static void writeRow(Writer out, List<Object> values) throws IOException {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            Object v = values.get(i);
            if (v == null) {
                continue;
            }
            String text = v.toString();
            boolean quote = v instanceof String && (text.isEmpty() || text.chars().anyMatch(c -> c == ',' || c == '"'
                    || c == '\n' || c == '\r') || !text.strip().equals(text));
            out.write(quote ? '"' + text.replace("\"", "\"\"") + '"' : text);
        }
        out.write("\r\n");
    }

    /**
     * Every row of a CSV file written by {@link #writeRow} under a header: values typed by the schema's columns,
     * found by the header's names (so a file of the same model reads whatever its column order); a column of
     * {@link BatchSchema#ADDED_LATER} that the header lacks (an earlier RadMamba's file) is null.
     *
     * @throws IOException when the header lacks another of the schema's columns or a value is not of its type
     */
    static List<List<Object>> read(Reader in, BatchSchema schema, String where) throws IOException {
        List<List<String>> lines = parse(in, where);
        if (lines.isEmpty()) {
            throw new IOException(where + ": empty (no header line)");
        }
        List<String> header = lines.getFirst();
        int[] index = new int[schema.columns().size()];
        for (int c = 0; c < index.length; c++) {
            index[c] = header.indexOf(schema.columns().get(c).name());
            if (index[c] < 0 && !BatchSchema.ADDED_LATER.contains(schema.columns().get(c).name())) {
                throw new IOException(where + ": has no column " + schema.columns().get(c).name()
                        + " (results of another model?)");
            }
        }
        List<List<Object>> rows = new ArrayList<>(lines.size() - 1);
        for (int r = 1; r < lines.size(); r++) {
            List<String> fields = lines.get(r);
            if (fields.size() != header.size()) {
                throw new IOException(where + ": line " + (r + 1) + " has " + fields.size() + " fields, the header "
                        + header.size());
            }
            List<Object> row = new ArrayList<>(index.length);
            for (int c = 0; c < index.length; c++) {
                String text = index[c] < 0 ? null : fields.get(index[c]);
                BatchSchema.Column column = schema.columns().get(c);
                try {
                    row.add(text == null ? null : switch (column.type()) {
                        case STRING -> text;
                        case INT32 -> Integer.valueOf(text);
                        case INT64 -> Long.valueOf(text);
                        case DOUBLE -> Double.valueOf(text);
                    });
                } catch (NumberFormatException e) {
                    throw new IOException(where + ": line " + (r + 1) + ", column " + column.name() + ": \"" + text
                            + "\" is not " + column.type(), e);
                }
            }
            rows.add(row);
        }
        return rows;
    }

    /** The records' fields: an unquoted empty field is null, a quoted one the text inside. */
    private static List<List<String>> parse(Reader in, String where) throws IOException {
        List<List<String>> lines = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean inQuotes = false;
        boolean any = false;
        int c;
        while ((c = in.read()) >= 0) {
            any = true;
            if (inQuotes) {
                if (c == '"') {
                    in.mark(1);
                    int next = in.read();
                    if (next == '"') {
                        field.append('"');
                    } else {
                        inQuotes = false;
                        if (next >= 0) {
                            in.reset();
                        }
                    }
                } else {
                    field.append((char) c);
                }
            } else if (c == '"') {
                if (!field.isEmpty()) {
                    throw new IOException(where + ": a quote inside an unquoted field, line " + (lines.size() + 1));
                }
                inQuotes = true;
                quoted = true;
            } else if (c == ',') {
                fields.add(quoted || !field.isEmpty() ? field.toString() : null);
                field.setLength(0);
                quoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r') {
                    in.mark(1);
                    if (in.read() != '\n') {
                        in.reset();
                    }
                }
                fields.add(quoted || !field.isEmpty() ? field.toString() : null);
                lines.add(fields);
                fields = new ArrayList<>();
                field.setLength(0);
                quoted = false;
                any = false;
            } else {
                field.append((char) c);
            }
        }
        if (inQuotes) {
            throw new IOException(where + ": ends inside a quoted field (cut off?)");
        }
        if (any) {
            fields.add(quoted || !field.isEmpty() ? field.toString() : null);
            lines.add(fields);
        }
        return lines;
    }
}
