package org.radmamba.app.bench;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.SyntheticCtSeries;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The launchers start RadMamba with {@code -XX:AOTCache=FILE -Xlog:aot=off}: with a cache, with none, and with one
 * that no longer matches the jars (rebuilt since training), the app opens a series and says nothing about the
 * cache. Each case is a real JVM on a class path of jars (a cache needs jars: the test's class folders are jarred).
 */
class AotCacheLaunchTest {

    @TempDir
    static Path temp;

    private static List<String> classPath;
    private static Path series;

    @BeforeAll
    static void jarsAndSeries() throws IOException {
        classPath = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path jar = temp.resolve("classes-" + n++ + ".jar");
                jarOf(path, jar);
                classPath.add(jar.toString());
            } else if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                classPath.add(entry);
            }
        }
        series = temp.resolve("series");
        SyntheticCtSeries.write(series, 3, 64, 64);
    }

    /** The flags the launchers pass (radmamba.jvm.flags, as this test JVM got them) and the cache's. */
    private static List<String> command(Path cache, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--") || flag.equals("-XX:+UseTransparentHugePages")) {
                command.add(flag);
            }
        }
        command.add(BenchAotCacheCommand.CACHE_FLAG + cache);
        command.add("-Xlog:aot=off");
        command.add("-Dradmamba.logs=" + temp.resolve("logs"));
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), "org.radmamba.app.RadMambaMain"));
        command.addAll(List.of(args));
        return command;
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(List<String> command) throws Exception {
        Path out = Files.createTempFile(temp, "out", ".txt");
        Path err = Files.createTempFile(temp, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int exit = process.waitFor();
        return new Run(exit, Files.readString(out), Files.readString(err));
    }

    /** What the JVM prints besides RadMamba's own output: the incubator notice only (stderr, every launch). */
    private static void assertNothingAboutTheCache(Run run) {
        List<String> others = run.err().lines()
                .filter(line -> !line.equals("WARNING: Using incubator modules: jdk.incubator.vector")).toList();
        assertEquals(List.of(), others, "stderr: " + run.err());
        assertFalse(run.out().toLowerCase(java.util.Locale.ROOT).contains("aot"), run.out());
    }

    private static void assertTheSeriesIsListed(Run run) {
        assertEquals(0, run.exit(), run.out() + run.err());
        assertTrue(run.out().contains(": 3 instance(s), 3 frame(s)"), run.out());
        assertTrue(run.out().contains("3 instance(s), 0 unreadable file(s)"), run.out());
    }

    @Test
    void the_app_opens_a_series_with_a_cache_without_one_and_with_one_that_no_longer_matches() throws Exception {
        Path cache = temp.resolve("radmamba.aot");

        Run missing = run(command(temp.resolve("none.aot"), "info", series.toString()));
        assertTheSeriesIsListed(missing);
        assertNothingAboutTheCache(missing);

        Run training = run(command(cache, "bench", "aot-cache", "--cache", cache.toString()));
        assertEquals(0, training.exit(), training.out() + training.err());
        assertTrue(Files.size(cache) > 1_000_000, "a cache was written: " + training.out());

        Run present = run(command(cache, "info", series.toString()));
        assertTheSeriesIsListed(present);
        assertNothingAboutTheCache(present);
        // The same launch with the JVM's AOT log on (what docs/performance.md tells a user to do) shows it in use.
        List<String> logged = command(cache, "info", series.toString());
        logged.add(logged.indexOf("-Xlog:aot=off") + 1, "-Xlog:aot");
        Run seen = run(logged);
        assertTrue(seen.out().contains("Opened AOT cache " + cache), seen.out());

        // A jar rebuilt after training (here: the app's classes, jarred first): the cache no longer matches, and
        // the app starts without it, silently.
        Path rebuilt = Path.of(classPath.stream().filter(p -> p.startsWith(temp.toString())).findFirst().orElseThrow());
        Files.setLastModifiedTime(rebuilt, FileTime.fromMillis(Files.getLastModifiedTime(rebuilt).toMillis() + 60_000));
        Run stale = run(command(cache, "info", series.toString()));
        assertTheSeriesIsListed(stale);
        assertNothingAboutTheCache(stale);
        Run staleSeen = run(logged);
        assertFalse(staleSeen.out().contains("Opened AOT cache " + cache) && !staleSeen.out().contains("Unable to map"),
                "the stale cache is refused: " + staleSeen.out());
    }

    private static void jarOf(Path folder, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(folder.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, (OutputStream) out);
                out.closeEntry();
            }
        }
    }
}
