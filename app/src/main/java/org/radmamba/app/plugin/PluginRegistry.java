package org.radmamba.app.plugin;

import org.radmamba.plugins.api.Checkpoint;
import org.radmamba.plugins.api.Extension;
import org.radmamba.plugins.api.ImageFormat;
import org.radmamba.plugins.api.ImageView;
import org.radmamba.plugins.api.ModelArchitecture;
import org.radmamba.plugins.api.ModelSpec;
import org.radmamba.plugins.api.Network;
import org.radmamba.plugins.api.Plugin;
import org.radmamba.plugins.api.PluginApi;
import org.radmamba.plugins.api.RasterImage;
import org.radmamba.plugins.api.RunContext;
import org.radmamba.plugins.api.Task;
import org.radmamba.plugins.api.ToolResult;
import org.radmamba.plugins.api.ViewerTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * The plugins of this run: the built-ins found on the class path and the user's, one per jar or folder in the
 * plugin folder ({@code ~/.radmamba/plugins}), each in its own class loader whose parent lends only the API and the
 * JDK ({@link ApiOnlyClassLoader}). Every plugin is listed, enabled or disabled with the reason: a plugin built
 * against another API version, one that fails to load or throws while starting, and a folder plugin whose extension
 * throws when used are disabled; none of that is fatal. Extensions are used through this registry only, which
 * turns what a plugin throws into a {@link PluginException} naming it.
 *
 * <p>Built-ins (class path) are the app's own code: when one throws, the use fails with the same message but the
 * plugin stays enabled. Thread-safe.
 */
public final class PluginRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    /** Source of the plugins found on the class path. */
    public static final String BUILT_IN = "built in";

    private static volatile PluginRegistry builtIns;

    private final List<Entry> entries;
    private final List<URLClassLoader> loaders;

    /** One plugin as listed: what it said of itself, its extensions by id, and why it is disabled (null: enabled). */
    private static final class Entry {
        final String id;
        final String name;
        final String version;
        final String source;
        final boolean builtIn;
        final Map<String, Extension> extensions;
        volatile String reason;

        Entry(String id, String name, String version, String source, boolean builtIn, Map<String, Extension> extensions,
              String reason) {
            this.id = id;
            this.name = name;
            this.version = version;
            this.source = source;
            this.builtIn = builtIn;
            this.extensions = extensions;
            this.reason = reason;
        }

        PluginInfo info() {
            return new PluginInfo(id, name, version, source, builtIn, reason, List.copyOf(extensions.keySet()));
        }
    }

    /** An enabled tool, for a button: its id, its label and whose it is. */
    public record Tool(String id, String label, String pluginName) {
    }

    /** An enabled image source: its id, description and the file name suffixes it claims. */
    public record Format(String id, String description, List<String> suffixes) {
    }

    private PluginRegistry(List<Entry> entries, List<URLClassLoader> loaders) {
        this.entries = List.copyOf(entries);
        this.loaders = List.copyOf(loaders);
    }

    /** The user's plugin folder: {@code ~/.radmamba/plugins}. */
    public static Path userFolder() {
        return Path.of(System.getProperty("user.home"), ".radmamba", "plugins");
    }

    /** The app's plugins: the built-ins and those in the user's plugin folder. */
    public static PluginRegistry standard() {
        return discover(PluginRegistry.class.getClassLoader(), userFolder());
    }

    /**
     * The built-ins only, found once per process: what a model runs through when no registry is handed over (the
     * command line, tests).
     */
    public static PluginRegistry builtIns() {
        PluginRegistry r = builtIns;
        if (r == null) {
            synchronized (PluginRegistry.class) {
                r = builtIns;
                if (r == null) {
                    r = discover(PluginRegistry.class.getClassLoader(), null);
                    builtIns = r;
                }
            }
        }
        return r;
    }

    /**
     * Finds the plugins on {@code classPath} (built-ins) and in {@code folder} (may be null or missing: none).
     * Never throws for a plugin's sake: what fails is listed as disabled.
     */
    public static PluginRegistry discover(ClassLoader classPath, Path folder) {
        List<Entry> entries = new ArrayList<>();
        List<URLClassLoader> loaders = new ArrayList<>();
        for (Loaded found : load(ServiceLoader.load(Plugin.class, classPath), null)) {
            entries.add(admit(found, BUILT_IN, true, entries));
        }
        if (folder != null && Files.isDirectory(folder)) {
            ApiOnlyClassLoader api = new ApiOnlyClassLoader(Plugin.class.getClassLoader());
            for (Path candidate : candidates(folder, entries)) {
                String source = candidate.getFileName().toString();
                URLClassLoader loader;
                try {
                    loader = new URLClassLoader("plugin " + source, new URL[] {candidate.toUri().toURL()}, api);
                } catch (MalformedURLException e) {
                    entries.add(disabled(source, source, "not a readable jar or folder (" + e.getMessage() + ")"));
                    continue;
                }
                List<Loaded> found = load(ServiceLoader.load(Plugin.class, loader), loader);
                if (found.isEmpty()) {
                    entries.add(disabled(source, source, "no plugin in it: it lists no " + Plugin.class.getName()
                            + " in META-INF/services"));
                }
                boolean anyEnabled = false;
                for (Loaded one : found) {
                    Entry entry = admit(one, source, false, entries);
                    entries.add(entry);
                    anyEnabled |= entry.reason == null;
                }
                if (anyEnabled) {
                    loaders.add(loader);
                } else {
                    closeQuietly(loader);
                }
            }
        }
        for (Entry e : entries) {
            if (e.reason == null) {
                LOG.info("plugin {} {} ({}): {}", e.id, e.version, e.source, String.join(", ", e.extensions.keySet()));
            }
        }
        return new PluginRegistry(entries, loaders);
    }

    /** The jars and folders directly in {@code folder}, sorted by name; hidden ones left out. */
    private static List<Path> candidates(Path folder, List<Entry> entries) {
        try (Stream<Path> children = Files.list(folder)) {
            return children.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isDirectory(p)
                            || p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            LOG.warn("the plugin folder {} is not readable: {}", folder, e.getMessage());
            entries.add(disabled(folder.toString(), folder.toString(), "the plugin folder is not readable ("
                    + e.getMessage() + ")"));
            return List.of();
        }
    }

    /** A provider instantiated, or the reason it could not be. */
    private record Loaded(Plugin plugin, String failure) {
    }

    /**
     * Every provider the service loader finds (for a folder plugin: defined by its own loader, not lent by the
     * parent), each instantiated; one whose class or constructor fails is kept as a failure.
     */
    private static List<Loaded> load(ServiceLoader<Plugin> services, ClassLoader own) {
        List<Loaded> out = new ArrayList<>();
        Iterator<Plugin> it = services.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                out.add(new Loaded(null, "its service list is not readable: " + describe(e)));
                break;
            }
            try {
                Plugin p = it.next();
                if (own == null || p.getClass().getClassLoader() == own) {
                    out.add(new Loaded(p, null));
                }
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                out.add(new Loaded(null, "the plugin could not start: " + describe(e)));
            }
            if (out.size() > 100) {
                break;
            }
        }
        return out;
    }

    /** Checks what a plugin says of itself and asks for its extensions once. */
    private static Entry admit(Loaded loaded, String source, boolean builtIn, List<Entry> earlier) {
        String fallbackId = source;
        if (loaded.failure() != null) {
            return disabled(fallbackId, source, loaded.failure());
        }
        Plugin plugin = loaded.plugin();
        String id = fallbackId;
        String name = plugin.getClass().getName();
        String version = "";
        try {
            int api = plugin.apiVersion();
            String saidId = plugin.id();
            name = String.valueOf(plugin.name());
            version = String.valueOf(plugin.version());
            if (saidId == null || !PluginApi.PLUGIN_ID.matcher(saidId).matches()) {
                return disabled(new Entry(id, name, version, source, builtIn, Map.of(), "its id \"" + saidId
                        + "\" is not lower-case letters, digits and '-' starting with a letter"));
            }
            id = saidId;
            if (api != PluginApi.VERSION) {
                return disabled(new Entry(id, name, version, source, builtIn, Map.of(), "built for plugin API "
                        + api + "; this RadMamba has plugin API " + PluginApi.VERSION));
            }
            for (Entry e : earlier) {
                if (e.id.equals(id)) {
                    return disabled(new Entry(id, name, version, source, builtIn, Map.of(),
                            "the id \"" + id + "\" is already taken by " + e.name + " (" + e.source + ")"));
                }
            }
            List<Extension> extensions = plugin.extensions();
            Map<String, Extension> byId = new LinkedHashMap<>();
            String problem = extensions == null ? "it lists no extensions (null)" : null;
            for (Extension x : extensions == null ? List.<Extension>of() : extensions) {
                String xName = x == null ? null : x.name();
                if (xName == null || !PluginApi.EXTENSION_NAME.matcher(xName).matches() || x.kind() == null) {
                    problem = "its extension name \"" + xName + "\" is not lower-case letters, digits and '-'";
                    break;
                }
                String xId = PluginApi.extensionId(id, x);
                if (byId.putIfAbsent(xId, x) != null) {
                    problem = "it lists the extension " + xId + " twice";
                    break;
                }
            }
            if (problem != null) {
                return disabled(new Entry(id, name, version, source, builtIn, Map.of(), problem));
            }
            return new Entry(id, name, version, source, builtIn, byId, null);
        } catch (RuntimeException | LinkageError e) {
            return disabled(new Entry(id, name, version, source, builtIn, Map.of(),
                    "the plugin could not start: " + describe(e)));
        }
    }

    private static Entry disabled(String id, String source, String reason) {
        return disabled(new Entry(id, id, "", source, BUILT_IN.equals(source), Map.of(), reason));
    }

    private static Entry disabled(Entry entry) {
        LOG.warn("plugin {} ({}) disabled: {}", entry.id, entry.source, entry.reason);
        return entry;
    }

    /** "ExceptionType: message" of what a plugin threw, unwrapped from the service loader's and reflection's wrappers. */
    static String describe(Throwable thrown) {
        Throwable t = thrown;
        while ((t instanceof ServiceConfigurationError || t instanceof InvocationTargetException
                || t instanceof ExceptionInInitializerError) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst().orElse("");
        return t.getClass().getSimpleName() + message;
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.warn("closing {} failed: {}", loader.getName(), e.getMessage());
        }
    }

    // ---- the listing ----

    /** Every plugin, enabled or not, built-ins first, each folder plugin in file name order. */
    public List<PluginInfo> plugins() {
        return entries.stream().map(Entry::info).toList();
    }

    public Optional<PluginInfo> plugin(String id) {
        return entries.stream().filter(e -> e.id.equals(id)).findFirst().map(Entry::info);
    }

    /** The tools of the enabled plugins. */
    public List<Tool> tools() {
        List<Tool> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.reason == null) {
                e.extensions.forEach((id, x) -> {
                    if (x instanceof ViewerTool t) {
                        out.add(new Tool(id, labelOf(e, t), e.name));
                    }
                });
            }
        }
        return out;
    }

    /** The image sources of the enabled plugins. */
    public List<Format> formats() {
        List<Format> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.reason == null) {
                e.extensions.forEach((id, x) -> {
                    if (x instanceof ImageFormat f) {
                        out.add(describeFormat(e, id, f));
                    }
                });
            }
        }
        return out.stream().filter(f -> f != null).toList();
    }

    /** The model architectures of the enabled plugins, by id. */
    public List<String> architectures() {
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.reason == null) {
                e.extensions.forEach((id, x) -> {
                    if (x instanceof ModelArchitecture) {
                        out.add(id);
                    }
                });
            }
        }
        return out;
    }

    /**
     * Why a model card naming the architecture {@code architectureId} for {@code task} cannot run here, in one
     * sentence (the plugin is not installed or is disabled, offers no such architecture or one for another task),
     * or empty when it can.
     */
    public Optional<String> architectureProblem(String architectureId, Task task) {
        int dot = architectureId.indexOf('.');
        String pluginId = dot < 0 ? architectureId : architectureId.substring(0, dot);
        Entry owner = entries.stream().filter(e -> e.id.equals(pluginId)).findFirst().orElse(null);
        if (owner == null) {
            return Optional.of("its architecture " + architectureId + " comes from the plugin \"" + pluginId
                    + "\", which is not installed");
        }
        if (owner.reason != null) {
            return Optional.of("its architecture " + architectureId + " comes from the plugin \"" + pluginId + "\" ("
                    + owner.source + "), which is disabled: " + owner.reason);
        }
        Extension x = owner.extensions.get(architectureId);
        if (!(x instanceof ModelArchitecture architecture)) {
            List<String> offered = owner.extensions.entrySet().stream()
                    .filter(o -> o.getValue() instanceof ModelArchitecture).map(Map.Entry::getKey).toList();
            return Optional.of("the plugin \"" + pluginId + "\" " + owner.version + " offers no architecture "
                    + architectureId + (offered.isEmpty() ? " (it offers none)" : " (it offers " + String.join(", ", offered) + ")"));
        }
        Task offered;
        try {
            offered = architecture.task();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of(failed(owner, architectureId, e).getMessage());
        }
        if (offered != task) {
            return Optional.of(architectureId + " builds " + offered.name().toLowerCase(Locale.ROOT)
                    + " networks, but the card asks for " + task.name().toLowerCase(Locale.ROOT));
        }
        return Optional.empty();
    }

    private String labelOf(Entry e, ViewerTool t) {
        try {
            String label = t.label();
            return label == null || label.isBlank() ? t.name() : label;
        } catch (RuntimeException | LinkageError x) {
            failed(e, PluginApi.extensionId(e.id, t), x);
            return t.name();
        }
    }

    private Format describeFormat(Entry e, String id, ImageFormat f) {
        try {
            return new Format(id, f.description(), f.suffixes().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
        } catch (RuntimeException | LinkageError x) {
            failed(e, id, x);
            return null;
        }
    }

    // ---- using extensions ----

    private record Use<T extends Extension>(Entry entry, T extension) {
    }

    private <T extends Extension> Use<T> find(String extensionId, Class<T> type) throws PluginException {
        for (Entry e : entries) {
            Extension x = e.extensions.get(extensionId);
            if (x != null) {
                if (e.reason != null) {
                    throw new PluginException(extensionId + " is disabled: " + e.reason);
                }
                if (!type.isInstance(x)) {
                    throw new PluginException(extensionId + " is not a " + type.getSimpleName());
                }
                return new Use<>(e, type.cast(x));
            }
        }
        throw new PluginException("no plugin offers " + extensionId);
    }

    /**
     * Records that an extension threw: a folder plugin is disabled from now on. Returns the exception to throw.
     */
    private PluginException failed(Entry e, String extensionId, Throwable thrown) {
        String what = extensionId + " failed: " + describe(thrown);
        if (e.builtIn) {
            LOG.error("built-in {}", what, thrown);
            return new PluginException(what, thrown);
        }
        synchronized (e) {
            if (e.reason == null) {
                e.reason = what;
                LOG.warn("plugin {} ({}) disabled: {}", e.id, e.source, what, thrown);
            }
        }
        return new PluginException(what + "; the plugin " + e.id + " is disabled", thrown);
    }

    /** Runs a viewer tool on {@code view}; what the tool throws disables its plugin and comes back as the exception. */
    public ToolResult runTool(String toolId, ImageView view) throws PluginException {
        Use<ViewerTool> use = find(toolId, ViewerTool.class);
        ToolResult result;
        try {
            result = use.extension().run(view);
        } catch (RuntimeException | LinkageError e) {
            throw failed(use.entry(), toolId, e);
        }
        if (result == null) {
            throw failed(use.entry(), toolId, new IllegalStateException("the tool returned no result"));
        }
        return result;
    }

    /**
     * Builds a network with the architecture {@code architectureId}. A checkpoint that does not fit is an
     * {@link IOException} (the file's fault); anything else the architecture throws is the plugin's.
     */
    public Network loadNetwork(String architectureId, Checkpoint checkpoint, ModelSpec spec)
            throws IOException, PluginException {
        Use<ModelArchitecture> use = find(architectureId, ModelArchitecture.class);
        Network network;
        try {
            if (use.extension().task() != spec.task()) {
                throw new PluginException(architectureId + " builds " + use.extension().task().name().toLowerCase(Locale.ROOT)
                        + " networks; the card of " + spec.modelId() + " asks for " + spec.task().name().toLowerCase(Locale.ROOT));
            }
            network = use.extension().load(checkpoint, spec);
        } catch (RuntimeException | LinkageError e) {
            throw failed(use.entry(), architectureId, e);
        }
        if (network == null) {
            throw failed(use.entry(), architectureId, new IllegalStateException("the architecture returned no network"));
        }
        return use.entry().builtIn ? network : new Guarded(network, use.entry(), architectureId);
    }

    /** A folder plugin's network: what it throws disables the plugin and becomes a {@link PluginException.Unchecked}. */
    private final class Guarded implements Network {
        private final Network network;
        private final Entry entry;
        private final String id;

        Guarded(Network network, Entry entry, String id) {
            this.network = network;
            this.entry = entry;
            this.id = id;
        }

        @Override
        public int classes() {
            try {
                return network.classes();
            } catch (RuntimeException | LinkageError e) {
                throw new PluginException.Unchecked(failed(entry, id, e));
            }
        }

        @Override
        public String describe() {
            try {
                return network.describe();
            } catch (RuntimeException | LinkageError e) {
                throw new PluginException.Unchecked(failed(entry, id, e));
            }
        }

        @Override
        public float[] forward(float[] input, int batch, int height, int width, RunContext context) {
            if (entry.reason != null) {
                throw new PluginException.Unchecked(new PluginException(id + " is disabled: " + entry.reason));
            }
            float[] out;
            try {
                out = network.forward(input, batch, height, width, context);
            } catch (RuntimeException | LinkageError e) {
                throw new PluginException.Unchecked(failed(entry, id, e));
            }
            if (out == null) {
                throw new PluginException.Unchecked(failed(entry, id, new IllegalStateException("the network returned no output")));
            }
            return out;
        }

        @Override
        public void close() {
            try {
                network.close();
            } catch (RuntimeException | LinkageError e) {
                failed(entry, id, e);
            }
        }
    }

    /** The enabled image source for {@code file}: one claiming its suffix whose {@code matches} accepts its first bytes. */
    public Optional<Format> formatFor(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<Format> claiming = formatsClaiming(name);
        if (claiming.isEmpty()) {
            return Optional.empty(); // no file opened: the scanner asks about every file of a folder
        }
        byte[] header;
        try (InputStream in = Files.newInputStream(file)) {
            header = in.readNBytes(64);
        }
        for (Format f : claiming) {
            try {
                Use<ImageFormat> use = find(f.id(), ImageFormat.class);
                try {
                    if (use.extension().matches(header.clone())) {
                        return Optional.of(f);
                    }
                } catch (RuntimeException | LinkageError e) {
                    failed(use.entry(), f.id(), e);
                }
            } catch (PluginException e) {
                LOG.debug("{}", e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** The enabled image sources that claim the suffix of the file name {@code name}. */
    public List<Format> formatsClaiming(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return formats().stream().filter(f -> f.suffixes().stream().anyMatch(s -> lower.endsWith("." + s))).toList();
    }

    /**
     * Reads {@code file} with the image source {@code formatId}: an unreadable file is an {@link IOException} naming
     * it; anything else the source throws is the plugin's.
     */
    public RasterImage readImage(String formatId, Path file) throws IOException, PluginException {
        Use<ImageFormat> use = find(formatId, ImageFormat.class);
        RasterImage image;
        try (InputStream in = Files.newInputStream(file)) {
            image = use.extension().read(in, file.getFileName().toString());
        } catch (RuntimeException | LinkageError e) {
            throw failed(use.entry(), formatId, e);
        }
        if (image == null) {
            throw failed(use.entry(), formatId, new IllegalStateException("the source returned no image"));
        }
        return image;
    }

    /** Closes the folder plugins' class loaders (their jars); the registry is not used afterwards. */
    @Override
    public void close() {
        if (this == builtIns) {
            return;
        }
        loaders.forEach(PluginRegistry::closeQuietly);
    }
}
