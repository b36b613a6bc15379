package org.radmamba.viewer.fx.settings;

import java.util.Optional;
import java.util.prefs.Preferences;

/** Settings in {@link Preferences}: the user's preferences node of the application. */
public final class PreferencesStore implements SettingsStore {

    /** Preferences values are limited to {@link Preferences#MAX_VALUE_LENGTH} characters. */
    private static final int MAX_LENGTH = Preferences.MAX_VALUE_LENGTH;

    private final Preferences node;

    public PreferencesStore(Preferences node) {
        this.node = node;
    }

    /** The node for RadMamba's viewer in the user's preferences. */
    public static PreferencesStore forUser() {
        return new PreferencesStore(Preferences.userRoot().node("org/radmamba/viewer"));
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(node.get(key, null));
    }

    @Override
    public void put(String key, String value) {
        node.put(key, value.length() > MAX_LENGTH ? value.substring(0, MAX_LENGTH) : value);
    }

    @Override
    public void remove(String key) {
        node.remove(key);
    }
}
