package org.radmamba.app.ai;

import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.radmamba.app.gui.AiWindow;
import org.radmamba.inference.cuda.NetworkPrecision;
import org.radmamba.viewer.fx.settings.SettingsStore;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless TestFX: the GPU precision choice of the real main window's AI panel — the agreement it states while TF32 is
 * chosen, and the choice applied to the inference service, kept in the settings and restored by the next window.
 */
@ExtendWith(ApplicationExtension.class)
class PrecisionChoiceFxTest extends AiWindowFxTest {

    @Start
    void start(Stage stage) {
        open(stage);
        stage.show();
    }

    @SuppressWarnings("unchecked")
    private static ComboBox<NetworkPrecision> choice(javafx.scene.Parent root) {
        return (ComboBox<NetworkPrecision>) root.lookup("#ai-precision-choice");
    }

    private void choose(NetworkPrecision precision) throws Exception {
        onFx(() -> {
            choice(window).getSelectionModel().select(precision);
            return null;
        });
    }

    /**
     * The sentence the panel must show, made here from the resource's keys in the documented form, so that the test
     * holds whatever figures the resource carries after the next measurement.
     */
    private static String measuredAgreement() throws IOException {
        Properties figures = new Properties();
        try (InputStream in = PrecisionChoiceFxTest.class.getResourceAsStream(
                "/org/radmamba/app/ai/tf32-agreement.properties")) {
            figures.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return "TF32 against float32 on " + figures.getProperty("images") + " (" + figures.getProperty("card") + ", "
                + figures.getProperty("date") + "): classifier " + figures.getProperty("classifier") + "; segmenter "
                + figures.getProperty("segmenter") + ".";
    }

    @Test
    void the_agreement_with_float32_is_shown_only_while_tf32_is_chosen_in_the_resources_words() throws Exception {
        Label agreement = onFx(() -> (Label) window.lookup("#ai-precision-agreement"));
        assertEquals(NetworkPrecision.FLOAT32, onFx(() -> choice(window).getValue()));
        assertFalse(onFx(agreement::isVisible), "float32 needs no caveat");
        assertFalse(onFx(agreement::isManaged), "and the hidden label takes no room");

        choose(NetworkPrecision.TF32);
        assertTrue(onFx(agreement::isVisible));
        assertEquals(measuredAgreement(), onFx(agreement::getText));

        choose(NetworkPrecision.FLOAT32);
        assertFalse(onFx(agreement::isVisible));
    }

    @Test
    void the_precision_chosen_is_applied_to_the_service_kept_in_the_settings_and_restored_by_the_next_window()
            throws Exception {
        SettingsStore store = viewModel.settings().store();
        assertEquals(NetworkPrecision.FLOAT32, ai.service().precision());

        choose(NetworkPrecision.TF32);
        assertEquals(NetworkPrecision.TF32, ai.service().precision());
        assertEquals("tf32", store.get(AiWindow.GPU_PRECISION_SETTING).orElseThrow());
        assertEquals("Engine: tf32 on the GPU from the next job on",
                onFx(() -> ((Label) window.lookup("#ai-device")).getText()));

        AiWindowHarness next = onFx(() -> new AiWindowHarness(new Stage(), scan, temp.resolve("no-user-models"), store));
        try {
            assertEquals(NetworkPrecision.TF32, next.ai().service().precision());
            assertEquals(NetworkPrecision.TF32, onFx(() -> choice(next.window()).getValue()));
            assertTrue(onFx(() -> next.window().lookup("#ai-precision-agreement").isVisible()));
        } finally {
            next.close();
        }
    }
}
