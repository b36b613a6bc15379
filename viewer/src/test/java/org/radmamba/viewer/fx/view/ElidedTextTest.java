package org.radmamba.viewer.fx.view;

import javafx.scene.Scene;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A list of names in a narrow panel, as the AI panel lists its models: a name cut short has a tooltip with the
 * whole name, a name that fits has none, and widening the panel until the name fits takes the tooltip away.
 */
@ExtendWith(ApplicationExtension.class)
class ElidedTextTest {

    static final String LONG = "MedMamba chest X-ray 14 findings, fine-tuned on NIH ChestX-ray14 (demo, not for diagnosis)";
    static final String SHORT = "VM-UNet";

    private ListView<String> list;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        list = new ListView<>();
        list.getItems().addAll(SHORT, LONG);
        list.setCellFactory(l -> ElidedText.showFullTextOnHover(new ListCell<String>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
            }
        }));
        stage.setScene(new Scene(list, 220, 200));
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupStages();
    }

    private static <T> T onFx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    private ListCell<?> cell(String text) {
        return list.lookupAll(".list-cell").stream().map(n -> (ListCell<?>) n)
                .filter(c -> text.equals(c.getText())).findFirst().orElseThrow();
    }

    @Test
    void a_cut_name_shows_whole_on_hover_and_one_that_fits_has_no_tooltip(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        onFx(() -> {
            ListCell<?> longCell = cell(LONG);
            assertTrue(ElidedText.isElided(longCell));
            assertEquals(LONG, longCell.getTooltip().getText());
            ListCell<?> shortCell = cell(SHORT);
            assertFalse(ElidedText.isElided(shortCell));
            assertNull(shortCell.getTooltip());
            return null;
        });

        // Hovering shows the tooltip with the whole name.
        robot.moveTo(onFx(() -> cell(LONG)));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> onFx(() -> cell(LONG).getTooltip() != null
                && cell(LONG).getTooltip().isShowing()));

        robot.moveTo(onFx(() -> cell(SHORT)));
        onFx(() -> {
            stage.setWidth(1400);
            return null;
        });
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> onFx(() -> !ElidedText.isElided(cell(LONG))
                && cell(LONG).getTooltip() == null));
    }
}
