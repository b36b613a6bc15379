package org.radmamba.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.Type;
import org.radmamba.app.cli.BatchCommand;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The peer: {@code radmamba batch}'s command ({@code BatchCommand}, with its option parsing) run in this JVM. Not
 * through {@code RadMambaCommand}, whose console set-up is Logback's: this module's SLF4J backend is Spark's Log4j 2.
 */
final class RadMambaBatch {

    private RadMambaBatch() {
    }

    /**
     * {@code radmamba batch CKPT ARCHIVE --out OUT --device cpu --threads T --batch-size B}.
     *
     * @return what it printed (stdout and stderr)
     */
    static String run(String model, Path archive, Path out, int threads, int batchSize) {
        return run(model, List.of(archive.toString()), out, threads, batchSize);
    }

    /** {@code radmamba batch CKPT INPUT... --out OUT --device cpu --threads T --batch-size B}, which must succeed. */
    static String run(String model, List<String> inputs, Path out, int threads, int batchSize) {
        Result result = execute(model, inputs, out, threads, batchSize);
        assertEquals(0, result.exitCode(), "radmamba batch exit code; it printed: " + result.printed());
        return result.printed();
    }

    /** The images a run's summary says it skipped ("N ok, N failed, N skipped as already done ..."). */
    static long skipped(String printed) {
        Matcher m = Pattern.compile("(\\d+) skipped as already done").matcher(printed);
        if (!m.find()) {
            throw new AssertionError("no summary in what radmamba batch printed: " + printed);
        }
        return Long.parseLong(m.group(1));
    }

    /** What a run printed, and its exit code. */
    record Result(int exitCode, String printed) {
    }

    /** {@code radmamba batch CKPT INPUT... --out OUT --device cpu --threads T --batch-size B}, whatever it does. */
    static Result execute(String model, List<String> inputs, Path out, int threads, int batchSize) {
        CommandLine cli = new CommandLine(new BatchCommand());
        StringWriter printed = new StringWriter();
        cli.setOut(new PrintWriter(printed, true));
        cli.setErr(new PrintWriter(printed, true));
        List<String> args = new ArrayList<>();
        args.add(model);
        args.addAll(inputs);
        args.addAll(List.of("--out", out.toString(), "--device", "cpu", "--threads", Integer.toString(threads),
                "--batch-size", Integer.toString(batchSize)));
        int code = cli.execute(args.toArray(String[]::new));
        return new Result(code, printed.toString());
    }

    /** The columns (name, type, annotation, required or optional) of the first Parquet file in {@code dir}. */
    static List<Type> parquetColumns(Path dir) throws IOException {
        Path part;
        try (Stream<Path> files = Files.list(dir)) {
            part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")
                            && !p.getFileName().toString().startsWith("."))
                    .sorted().findFirst().orElseThrow(() -> new AssertionError("no Parquet file in " + dir));
        }
        try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(part.toUri()), new Configuration()))) {
            return reader.getFooter().getFileMetaData().getSchema().getFields();
        }
    }
}
