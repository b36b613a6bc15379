package org.radmamba.app.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Plugin jars for tests: classes of this test tree packed with a service list, and the reactor's example plugin. */
public final class PluginJars {

    private PluginJars() {
    }

    /** The example plugin's jar, copied by the build into target/test-plugins, copied again into {@code folder}. */
    public static Path example(Path folder, String name) throws IOException {
        Path built = Path.of(System.getProperty("radmamba.test.plugins", "target/test-plugins"))
                .resolve("radmamba-plugin-example.jar");
        if (!Files.isRegularFile(built)) {
            throw new IOException(built.toAbsolutePath() + " is missing: build with the reactor (mvn -pl app -am ...)");
        }
        Files.createDirectories(folder);
        return Files.copy(built, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A jar {@code name} in {@code folder} holding {@code classes} (nested classes included) and listing
     * {@code provider} as its plugin, or no service list when {@code provider} is null.
     */
    public static Path write(Path folder, String name, Class<?> provider, Class<?>... classes) throws IOException {
        Files.createDirectories(folder);
        Path jar = folder.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            if (provider != null) {
                out.putNextEntry(new JarEntry("META-INF/services/org.radmamba.plugins.api.Plugin"));
                out.write((provider.getName() + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
            for (Class<?> c : classes) {
                add(out, c);
                for (Class<?> nested : c.getDeclaredClasses()) {
                    add(out, nested);
                }
            }
            // Anonymous classes (Name$1, Name$Inner$1, ...) are not declared classes: take them by name.
            for (Class<?> c : classes) {
                for (Class<?> outer : withNested(c)) {
                    for (int i = 1; ; i++) {
                        String resource = outer.getName().replace('.', '/') + "$" + i + ".class";
                        try (InputStream in = PluginJars.class.getClassLoader().getResourceAsStream(resource)) {
                            if (in == null) {
                                break;
                            }
                            out.putNextEntry(new JarEntry(resource));
                            in.transferTo(out);
                            out.closeEntry();
                        }
                    }
                }
            }
        }
        return jar;
    }

    private static Class<?>[] withNested(Class<?> c) {
        Class<?>[] nested = c.getDeclaredClasses();
        Class<?>[] all = new Class<?>[nested.length + 1];
        all[0] = c;
        System.arraycopy(nested, 0, all, 1, nested.length);
        return all;
    }

    private static void add(JarOutputStream out, Class<?> c) throws IOException {
        String resource = c.getName().replace('.', '/') + ".class";
        try (InputStream in = PluginJars.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no class file " + resource);
            }
            out.putNextEntry(new JarEntry(resource));
            in.transferTo(out);
            out.closeEntry();
        }
    }
}
