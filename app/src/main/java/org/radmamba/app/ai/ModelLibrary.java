package org.radmamba.app.ai;

import org.radmamba.app.plugin.PluginRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The models the app can run: the demo models shipped in the models jar ({@code org/radmamba/models/demo/<id>/}) and
 * the user's own in their model folder ({@code ~/.radmamba/models/<id>/}), each a {@code card.json} beside its
 * weights. Every listing re-reads the cards and re-hashes the weights, so a replaced file is flagged, never run.
 */
public final class ModelLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLibrary.class);

    /** Where the models jar keeps the demo models. */
    public static final String BUNDLED_ROOT = "org/radmamba/models/demo";

    private final Path userFolder;
    private final ClassLoader resources;
    private final PluginRegistry plugins;

    /** A listing: the usable cards (hash status included) and one sentence per card that could not be read. */
    public record Listing(List<ModelEntry> models, List<String> problems) {
        public Listing {
            models = List.copyOf(models);
            problems = List.copyOf(problems);
        }

        public Optional<ModelEntry> find(String id) {
            return models.stream().filter(m -> m.id().equals(id)).findFirst();
        }
    }

    /** A library whose cards may name the built-in architectures only (a plugin's is listed as not runnable). */
    public ModelLibrary(Path userFolder, ClassLoader resources) {
        this(userFolder, resources, PluginRegistry.builtIns());
    }

    /**
     * @param plugins the registry whose architectures the cards may name: a card naming one it does not offer
     *                (plugin missing, disabled, no such architecture) is listed, not runnable, with the reason
     */
    public ModelLibrary(Path userFolder, ClassLoader resources, PluginRegistry plugins) {
        this.userFolder = userFolder;
        this.resources = resources;
        this.plugins = plugins;
    }

    /** The app's library: the user's folder {@code ~/.radmamba/models} and the demo models on the class path. */
    public static ModelLibrary standard() {
        return standard(PluginRegistry.builtIns());
    }

    /** As {@link #standard()}, the cards' architectures looked up in {@code plugins}. */
    public static ModelLibrary standard(PluginRegistry plugins) {
        return new ModelLibrary(Path.of(System.getProperty("user.home"), ".radmamba", "models"),
                ModelLibrary.class.getClassLoader(), plugins);
    }

    public Path userFolder() {
        return userFolder;
    }

    /** Reads every card (bundled first, then the user's, each sorted by id). */
    public Listing list() {
        List<ModelEntry> models = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Optional<Path> bundled = bundledRoot(problems);
        bundled.ifPresent(root -> scan(root, ModelEntry.Origin.BUNDLED, models, problems));
        if (Files.isDirectory(userFolder)) {
            scan(userFolder, ModelEntry.Origin.USER, models, problems);
        }
        return new Listing(models, problems);
    }

    /** The model {@code id}, or a {@link ModelException} saying it is not in the library. */
    public ModelEntry require(String id) throws ModelException {
        return list().find(id).orElseThrow(() -> new ModelException("no model \"" + id + "\" in the library"));
    }

    /** Imports a checkpoint into the user's folder; see {@link ModelImporter}. */
    public ModelEntry importCheckpoint(ModelImporter.Request request) throws ModelException {
        ModelEntry entry = new ModelImporter(userFolder).importCheckpoint(request);
        if (list().find(entry.id()).filter(e -> e.origin() == ModelEntry.Origin.BUNDLED).isPresent()) {
            LOG.warn("imported model {} has the id of a demo model", entry.id());
        }
        return entry;
    }

    private void scan(Path root, ModelEntry.Origin origin, List<ModelEntry> models, List<String> problems) {
        List<Path> folders;
        try (Stream<Path> children = Files.list(root)) {
            folders = children.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            problems.add(root + ": the model folder is not readable (" + e.getMessage() + ")");
            return;
        }
        for (Path folder : folders) {
            Path cardFile = folder.resolve(ModelCard.FILE_NAME);
            if (!Files.isRegularFile(cardFile)) {
                continue;
            }
            try {
                models.add(entry(folder, origin, plugins));
            } catch (IOException e) {
                String problem = e.getMessage() != null ? e.getMessage() : folder + ": " + e;
                LOG.warn("model card skipped: {}", problem);
                problems.add(problem);
            }
        }
    }

    /**
     * The entry for the card in {@code folder}, with the hash of its weights as they are now and whether
     * {@code plugins} offers its architecture.
     */
    static ModelEntry entry(Path folder, ModelEntry.Origin origin, PluginRegistry plugins) throws IOException {
        ModelEntry entry = entry(folder, origin);
        ModelCard card = entry.card();
        String problem = plugins.architectureProblem(card.architecture().extensionId(), LoadedModel.spec(card).task())
                .orElse(null);
        if (problem != null) {
            LOG.warn("model {} is not runnable: {}", card.id(), problem);
        }
        return entry.withArchitectureProblem(problem);
    }

    /** The entry for the card in {@code folder}, with the hash of its weights as they are now. */
    static ModelEntry entry(Path folder, ModelEntry.Origin origin) throws IOException {
        Path cardFile = folder.resolve(ModelCard.FILE_NAME);
        ModelCard card;
        try (InputStream in = Files.newInputStream(cardFile)) {
            card = ModelCard.read(in, cardFile.toString());
        }
        Path weights = card.checkpointIn(folder);
        if (!Files.isRegularFile(weights)) {
            return new ModelEntry(card, weights, origin, ModelEntry.HashStatus.MISSING, null);
        }
        String actual = Sha256.of(weights);
        ModelEntry.HashStatus status = actual.equalsIgnoreCase(card.sha256())
                ? ModelEntry.HashStatus.VERIFIED : ModelEntry.HashStatus.MISMATCH;
        if (status == ModelEntry.HashStatus.MISMATCH) {
            LOG.warn("{}: SHA-256 {} differs from its card's {}", weights, actual, card.sha256());
        }
        return new ModelEntry(card, weights, origin, status, actual);
    }

    /**
     * The bundled folder inside the app's jar, through the jar's file system (shared by the whole JVM). A thread
     * interrupted while it reads from that file system (a listing cancelled when its window closes) closes the
     * jar's channel for good — every later read fails with a message-less {@code ClosedChannelException} — so a
     * file system that can no longer read is closed and opened anew.
     */
    private static Path jarRoot(URI uri) throws IOException {
        synchronized (ModelLibrary.class) {
            FileSystem jar;
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                jar = FileSystems.getFileSystem(uri);
                if (!readable(jar.provider().getPath(uri))) {
                    LOG.info("the jar of the bundled models was closed by an interrupted read; reopening it");
                    jar.close();
                    jar = FileSystems.newFileSystem(uri, Map.of());
                }
            }
            return jar.provider().getPath(uri);
        }
    }

    /** Whether the first model card under {@code root} can be read (true when there is none). */
    private static boolean readable(Path root) {
        try (Stream<Path> files = Files.walk(root, 2)) {
            Optional<Path> card = files.filter(p -> p.getFileName() != null
                    && p.getFileName().toString().equals(ModelCard.FILE_NAME)).findFirst();
            if (card.isPresent()) {
                try (InputStream in = Files.newInputStream(card.get())) {
                    in.read();
                }
            }
            return true;
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /** The demo folder on the class path: a directory (development) or inside the models jar. */
    private Optional<Path> bundledRoot(List<String> problems) {
        URL url = resources.getResource(BUNDLED_ROOT);
        if (url == null) {
            return Optional.empty();
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                return Optional.of(jarRoot(uri));
            }
            return Optional.of(Path.of(uri));
        } catch (URISyntaxException | IOException e) {
            problems.add(url + ": the bundled demo models are not readable (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }
}
