package org.radmamba.viewer.fx.settings;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ViewerSettingsTest {

    @Test
    void window_geometry_and_last_folder_survive_a_new_settings_object_on_the_same_store() {
        MemoryStore store = new MemoryStore();
        ViewerSettings first = new ViewerSettings(store);
        first.setWindowGeometry(new ViewerSettings.WindowGeometry(10, 20, 1300, 850, false));
        first.setLastFolder(Path.of("/data/studies"));
        ViewerSettings second = new ViewerSettings(store);
        assertEquals(Optional.of(new ViewerSettings.WindowGeometry(10, 20, 1300, 850, false)), second.windowGeometry());
        assertEquals(Optional.of(Path.of("/data/studies")), second.lastFolder());
    }

    @Test
    void the_recent_list_puts_the_latest_first_without_duplicates_and_keeps_ten() {
        ViewerSettings settings = new ViewerSettings(new MemoryStore());
        for (int i = 0; i < 12; i++) {
            settings.addRecent(Path.of("/s/" + i));
        }
        List<Path> recent = settings.addRecent(Path.of("/s/5"));
        assertEquals(ViewerSettings.MAX_RECENT, recent.size());
        assertEquals(Path.of("/s/5"), recent.getFirst());
        assertEquals(Path.of("/s/11"), recent.get(1));
        assertEquals(1, recent.stream().filter(p -> p.equals(Path.of("/s/5"))).count());
    }

    @Test
    void a_corrupt_geometry_value_falls_back_to_none() {
        MemoryStore store = new MemoryStore();
        store.put("window.geometry", "10,x,3");
        assertEquals(Optional.empty(), new ViewerSettings(store).windowGeometry());
    }

    @Test
    void preferences_store_round_trips_through_java_util_prefs() throws Exception {
        Preferences node = Preferences.userRoot().node("org/radmamba/test/" + System.nanoTime());
        try {
            PreferencesStore store = new PreferencesStore(node);
            store.put("corner.text", "false");
            assertEquals(false, new ViewerSettings(store).cornerTextVisible());
        } finally {
            node.removeNode();
        }
    }

    @Test
    void the_theme_is_dark_until_the_user_chooses_light_and_an_unknown_stored_name_reads_as_dark() {
        MemoryStore store = new MemoryStore();
        assertEquals(Theme.DARK, new ViewerSettings(store).theme());
        new ViewerSettings(store).setTheme(Theme.LIGHT);
        assertEquals(Theme.LIGHT, new ViewerSettings(store).theme());
        store.put("theme", "SOLARIZED");
        assertEquals(Theme.DARK, new ViewerSettings(store).theme());
    }
}
