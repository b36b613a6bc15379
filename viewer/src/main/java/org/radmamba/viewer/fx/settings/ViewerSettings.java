package org.radmamba.viewer.fx.settings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The viewer's settings, typed, over a {@link SettingsStore}. */
public final class ViewerSettings {

    /** Most recent first; older entries fall off. */
    public static final int MAX_RECENT = 10;

    /** Window bounds on screen. */
    public record WindowGeometry(double x, double y, double width, double height, boolean maximized) {
    }

    private final SettingsStore store;

    public ViewerSettings(SettingsStore store) {
        this.store = store;
    }

    /** The store behind these settings, for settings of other modules (e.g. the app's AI preferences). */
    public SettingsStore store() {
        return store;
    }

    public Optional<WindowGeometry> windowGeometry() {
        Optional<String> value = store.get("window.geometry");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = value.get().split(",");
        if (parts.length != 5) {
            return Optional.empty();
        }
        try {
            return Optional.of(new WindowGeometry(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
                    Double.parseDouble(parts[2]), Double.parseDouble(parts[3]), Boolean.parseBoolean(parts[4])));
        } catch (NumberFormatException e) {
            // A hand-edited or corrupt value: fall back to the default geometry.
            return Optional.empty();
        }
    }

    public void setWindowGeometry(WindowGeometry g) {
        store.put("window.geometry", g.x() + "," + g.y() + "," + g.width() + "," + g.height() + "," + g.maximized());
    }

    public Optional<Path> lastFolder() {
        return store.get("last.folder").map(Path::of);
    }

    public void setLastFolder(Path folder) {
        store.put("last.folder", folder.toAbsolutePath().toString());
    }

    public List<Path> recentPaths() {
        List<Path> paths = new ArrayList<>();
        store.get("recent").ifPresent(v -> {
            for (String line : v.split("\n")) {
                if (!line.isBlank()) {
                    paths.add(Path.of(line));
                }
            }
        });
        return paths;
    }

    /** Puts {@code path} first in the recent list, removing an older entry for it, and returns the new list. */
    public List<Path> addRecent(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        List<Path> paths = recentPaths();
        paths.remove(absolute);
        paths.addFirst(absolute);
        while (paths.size() > MAX_RECENT) {
            paths.removeLast();
        }
        store.put("recent", String.join("\n", paths.stream().map(Path::toString).toList()));
        return paths;
    }

    public boolean cornerTextVisible() {
        return store.get("corner.text").map(Boolean::parseBoolean).orElse(true);
    }

    public void setCornerTextVisible(boolean visible) {
        store.put("corner.text", Boolean.toString(visible));
    }

    /** The theme the user chose; {@link Theme#DARK} unless they chose another (or the stored name is unknown). */
    public Theme theme() {
        return store.get("theme").flatMap(name -> java.util.Arrays.stream(Theme.values())
                .filter(t -> t.name().equals(name)).findFirst()).orElse(Theme.DARK);
    }

    public void setTheme(Theme theme) {
        store.put("theme", theme.name());
    }
}
