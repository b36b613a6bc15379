package org.radmamba.app.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training JVM is the launcher's JVM again: same java, same flags (module options must match for a cache to be
 * used), same class path, writing the file the launcher's -XX:AOTCache names; and every launcher passes that flag.
 */
class BenchAotCacheCommandTest {

    @TempDir
    Path dir;

    @Test
    void the_cache_is_the_file_the_launchers_aot_cache_flag_names() {
        assertEquals(Optional.of(Path.of("/opt/radmamba/lib/app/radmamba.aot")), BenchAotCacheCommand.cacheNamedIn(List.of(
                "--add-modules=jdk.incubator.vector", "-XX:AOTCache=/opt/radmamba/lib/app/radmamba.aot", "-Xlog:aot=off")));
        assertEquals(Optional.empty(), BenchAotCacheCommand.cacheNamedIn(List.of("--add-modules=jdk.incubator.vector")));
    }

    @Test
    void the_training_jvm_keeps_the_launchers_flags_and_class_path_and_writes_the_cache_instead_of_reading_it() {
        List<String> command = BenchAotCacheCommand.trainingCommand(Path.of("/jdk"), List.of(
                        "-Djava.class.path=/app/a.jar:/app/b.jar", "--add-modules=jdk.incubator.vector",
                        "--enable-native-access=ALL-UNNAMED", "-XX:+UseTransparentHugePages",
                        "-XX:AOTCache=/app/radmamba.aot", "-Xlog:aot=off", "-Djpackage.app-version=0.1.0"),
                "/app/a.jar:/app/b.jar", Path.of("/app/radmamba.aot"), Optional.empty());

        assertTrue(command.getFirst().startsWith(Path.of("/jdk", "bin", "java").toString()), command.getFirst());
        assertEquals(List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseTransparentHugePages", "-Djpackage.app-version=0.1.0", "-XX:AOTCacheOutput=/app/radmamba.aot",
                "-Xlog:aot=off", "-cp", "/app/a.jar:/app/b.jar", "org.radmamba.app.RadMambaMain", "bench", "aot-cache",
                "--workload"), command.subList(1, command.size()));
    }

    @Test
    void a_cache_older_than_a_jar_or_the_runtime_is_stale() throws Exception {
        Path jar = Files.writeString(dir.resolve("a.jar"), "jar");
        Path modules = Files.writeString(dir.resolve("modules"), "jdk");
        Path cache = dir.resolve("radmamba.aot");
        String classPath = jar + File.pathSeparator + dir.resolve("missing.jar");
        assertFalse(BenchAotCacheCommand.isUpToDate(cache, classPath, modules), "no cache yet");

        Files.writeString(cache, "cache");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(modules, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(cache, FileTime.fromMillis(2_000_000));
        assertTrue(BenchAotCacheCommand.isUpToDate(cache, classPath, modules));

        Files.setLastModifiedTime(jar, FileTime.fromMillis(3_000_000));
        assertFalse(BenchAotCacheCommand.isUpToDate(cache, classPath, modules), "a jar rebuilt since");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(modules, FileTime.fromMillis(3_000_000));
        assertFalse(BenchAotCacheCommand.isUpToDate(cache, classPath, modules), "another JDK");
    }

    /** The same jars from another place (mvn -Prun -pl app takes them from ~/.m2) are another launch: train again. */
    @Test
    void the_launch_a_cache_is_made_for_holds_runtime_flags_and_class_path_but_not_the_cache_flag() {
        String launch = BenchAotCacheCommand.launchOf(List.of("--add-modules=jdk.incubator.vector",
                "-XX:AOTCache=/app/radmamba.aot", "-Xlog:aot=off"));
        assertEquals(System.getProperty("java.home") + "\n--add-modules=jdk.incubator.vector\n"
                + System.getProperty("java.class.path") + "\n", launch);
        assertFalse(launch.contains("AOTCache"));
    }

    @Test
    void pinning_sets_every_jar_and_the_runtime_image_to_the_installers_time() throws Exception {
        Path a = Files.writeString(dir.resolve("a.jar"), "a");
        Path b = Files.writeString(dir.resolve("b.jar"), "b");
        Path modules = Files.writeString(dir.resolve("modules"), "jdk");
        FileTime pinned = FileTime.fromMillis(946_684_800_000L);

        BenchAotCacheCommand.pinTimes(a + File.pathSeparator + b + File.pathSeparator + dir.resolve("gone.jar"), modules,
                pinned);

        assertEquals(List.of(pinned, pinned, pinned), List.of(Files.getLastModifiedTime(a), Files.getLastModifiedTime(b),
                Files.getLastModifiedTime(modules)));
    }

    /**
     * What each launcher passes, read from the build files the launchers are made from: mvn -Prun (app pom) and the
     * installer's app image (jpackage's java-options), the cache flag beside the JVM flags, the warning silenced.
     */
    @Test
    void every_launcher_starts_the_jvm_with_the_aot_cache_and_its_warning_silenced() throws Exception {
        Path root = Path.of("").toAbsolutePath().getParent();
        String parent = Files.readString(root.resolve("pom.xml"));
        assertTrue(parent.contains("<radmamba.aot.log>-Xlog:aot=off</radmamba.aot.log>"), "parent pom");

        String app = Files.readString(root.resolve("app/pom.xml"));
        String launch = "${radmamba.jvm.flags} -XX:AOTCache=${radmamba.aot.cache} ${radmamba.aot.log} "
                + "-classpath ${radmamba.launch.classpath} ${radmamba.main}";
        assertTrue(app.contains("<commandlineArgs>" + launch + " ${radmamba.args}</commandlineArgs>"), "mvn -Prun start");
        // The training: the same launch (its own log folder aside) as `bench aot-cache`.
        assertTrue(app.contains("<commandlineArgs>${radmamba.jvm.flags} -XX:AOTCache=${radmamba.aot.cache} "
                + "${radmamba.aot.log} -Dradmamba.logs=${project.build.directory}/aot-training-logs "
                + "-classpath ${radmamba.launch.classpath} ${radmamba.main} bench aot-cache --if-stale "), "mvn -Prun training");
        assertTrue(app.contains("<radmamba.launch.classpath>${project.build.directory}/${project.build.finalName}.jar"),
                "the app's jar, not target/classes: a cache needs jars");

        String image = Files.readString(root.resolve("installer/src/jpackage/common/app-image.args"));
        assertTrue(image.contains("--java-options \"${radmamba.jvm.flags} -XX:AOTCache=$APPDIR/radmamba.aot "
                + "${radmamba.aot.log}\""), "app image");
        String installer = Files.readString(root.resolve("installer/pom.xml"));
        assertTrue(installer.contains("<executable>${installer.launcher}</executable>")
                && installer.contains("<commandlineArgs>bench aot-cache --pin-file-times ${installer.file.time} "),
                "the installer trains with the image's launcher, the files' times pinned");
        // The .deb's files are copies with new times: the postinst gives them the pinned time back.
        assertTrue(Files.readString(root.resolve("installer/src/jpackage/linux/resources/postinst")).contains(
                "touch -c -m -d @${installer.file.time} /opt/radmamba/lib/app/*.jar /opt/radmamba/lib/runtime/lib/modules"));
    }
}
