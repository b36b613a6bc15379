package org.radmamba.viewer.fx.view;

import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.scene.Scene;
import javafx.stage.Window;
import org.radmamba.viewer.fx.settings.Theme;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Puts the viewer's stylesheets on every window the application opens: the main window, dialogs and alerts,
 * context menus and tooltips, the app's side panels and plugin windows, without each of them asking for it.
 * Follows {@link Window#getWindows()}, which lists every showing window of the JavaFX application, so that a
 * dialog made anywhere (an {@code Alert} in app code, a plugin's {@code Stage}) is themed like the main window.
 * FX thread only.
 */
public final class ThemeStyler {

    /** Structure and the light theme's own colours: on every scene, in either theme. */
    static final String BASE = stylesheet("viewer.css");
    /** Modena's colours redefined dark; after {@link #BASE}. */
    static final String DARK = stylesheet("dark.css");

    private static final ObjectProperty<Theme> THEME = new SimpleObjectProperty<>(ThemeStyler.class, "theme",
            Theme.DARK);
    /** Windows whose scene changes are followed already (a window is listed again each time it shows). */
    private static final Set<Window> FOLLOWED = Collections.newSetFromMap(new WeakHashMap<>());
    private static boolean installed;

    private ThemeStyler() {
    }

    private static String stylesheet(String name) {
        return Objects.requireNonNull(ThemeStyler.class.getResource(name), name).toExternalForm();
    }

    /**
     * Themes the windows showing now and every window shown from now on, and restyles them all when
     * {@link #themeProperty()} changes. Once per application; later calls do nothing.
     */
    public static void install() {
        if (installed) {
            return;
        }
        installed = true;
        Window.getWindows().forEach(ThemeStyler::follow);
        Window.getWindows().addListener((ListChangeListener<Window>) c -> {
            while (c.next()) {
                c.getAddedSubList().forEach(ThemeStyler::follow);
            }
        });
        THEME.addListener((obs, o, theme) -> Window.getWindows().forEach(w -> style(w.getScene(), theme)));
    }

    /** The theme of every window; bound to the user's setting by the main window. */
    public static ObjectProperty<Theme> themeProperty() {
        return THEME;
    }

    private static void follow(Window window) {
        style(window.getScene(), THEME.get());
        if (FOLLOWED.add(window)) {
            window.sceneProperty().addListener((obs, o, scene) -> style(scene, THEME.get()));
        }
    }

    /** Gives {@code scene} the stylesheets of {@code theme}, keeping any others it has; null: nothing. */
    public static void style(Scene scene, Theme theme) {
        if (scene == null) {
            return;
        }
        var sheets = scene.getStylesheets();
        if (!sheets.contains(BASE)) {
            sheets.addFirst(BASE);
        }
        if (theme == Theme.DARK) {
            if (!sheets.contains(DARK)) {
                // Right after the base sheet: a window's own sheets, added after, still override the theme.
                sheets.add(sheets.indexOf(BASE) + 1, DARK);
            }
        } else {
            sheets.remove(DARK);
        }
    }
}
