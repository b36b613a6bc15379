package org.radmamba.viewer.fx.settings;

import java.util.Optional;

/** A flat string key-value store for user settings: {@link PreferencesStore} in the app, {@link MemoryStore} in tests. */
public interface SettingsStore {

    Optional<String> get(String key);

    void put(String key, String value);

    void remove(String key);
}
