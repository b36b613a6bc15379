package org.radmamba.app.ai;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The bundled demo models are read from the app's jar in an installed app (and in {@code mvn verify}), through the
 * jar's file system, which the whole JVM shares. A read interrupted on a listing thread (a listing cancelled when
 * its window closes) closes that file system's channel for good; the library must still list its models after.
 */
class ModelLibraryJarTest {

    private static final String CARD = "vmunet-lesion-demo/" + ModelCard.FILE_NAME;

    @TempDir
    Path temp;

    @Test
    void the_bundled_models_are_listed_again_after_an_interrupted_read_broke_the_jar_file_system() throws Exception {
        Path jar = jarWithTheDemoCard();
        try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, null)) {
            ModelLibrary library = new ModelLibrary(temp.resolve("no-user-models"), loader);
            assertEquals(1, library.list().models().size(), "listed from the jar");

            URI cardUri = URI.create("jar:" + jar.toUri() + "!/" + ModelLibrary.BUNDLED_ROOT + "/" + CARD);
            Path card = FileSystems.getFileSystem(cardUri).provider().getPath(cardUri);
            Thread.currentThread().interrupt();
            try {
                assertThrows(IOException.class, () -> Files.readAllBytes(card), "an interrupted read fails");
            } finally {
                Thread.interrupted();
            }
            assertThrows(IOException.class, () -> Files.readAllBytes(card), "and leaves the jar's file system unreadable");

            ModelLibrary.Listing again = library.list();
            assertEquals(java.util.List.of(), again.problems());
            assertEquals(java.util.List.of("vmunet-lesion-demo"), again.models().stream().map(ModelEntry::id).toList());
        }
    }

    private Path jarWithTheDemoCard() throws IOException {
        Path jar = temp.resolve("models.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             InputStream card = ModelLibrary.class.getClassLoader()
                     .getResourceAsStream(ModelLibrary.BUNDLED_ROOT + "/" + CARD)) {
            if (card == null) {
                throw new IllegalStateException("the demo card is not on the test class path");
            }
            String folder = ModelLibrary.BUNDLED_ROOT + "/";
            for (String dir : new String[] {"org/", "org/radmamba/", "org/radmamba/models/", folder, folder + "vmunet-lesion-demo/"}) {
                out.putNextEntry(new JarEntry(dir));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(folder + CARD));
            card.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
