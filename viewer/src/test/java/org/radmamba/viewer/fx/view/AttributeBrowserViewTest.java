package org.radmamba.viewer.fx.view;

import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.ScrollBar;
import javafx.scene.control.skin.VirtualFlow;
import javafx.scene.control.TreeItem;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.radmamba.viewer.fx.model.AttributeRow;
import org.radmamba.viewer.fx.model.ViewerViewModel;
import org.radmamba.viewer.fx.service.DicomStudyService;
import org.radmamba.viewer.fx.settings.MemoryStore;
import org.radmamba.viewer.fx.settings.ViewerSettings;
import org.radmamba.viewer.fx.task.CurrentThreadTaskExecutor;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attribute table takes a new image's texts a few rows on screen a pulse: the test plays the pacer's pulses
 * itself, so nothing depends on timing.
 */
@ExtendWith(ApplicationExtension.class)
class AttributeBrowserViewTest {

    private final FramePacer pacer = new FramePacer(new FramePacer.Ticker() {
        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }
    });
    private ViewerViewModel viewModel;
    private AttributeBrowserView browser;

    @Start
    void start(Stage stage) {
        viewModel = new ViewerViewModel(new DicomStudyService(), new CurrentThreadTaskExecutor(),
                new ViewerSettings(new MemoryStore()), () -> {
                    throw new IOException("no demo in this test");
                });
        browser = new AttributeBrowserView(viewModel, pacer);
        stage.setScene(new Scene(browser, 500, 600));
        stage.show();
    }

    @AfterEach
    void stop() throws Exception {
        FxToolkit.cleanupStages();
    }

    private static List<AttributeRow> image(String value) {
        return IntStream.range(0, 80).mapToObj(i -> new AttributeRow(0x00100000 + i, "Attribute " + i,
                value + " " + i, List.of())).toList();
    }

    /** Plays pulses until the pacer has nothing left; each pulse followed by a layout, as in a real pulse. */
    private int pulsesUntilIdle() throws Exception {
        int pulses = 0;
        while (!onFx(pacer::isIdle)) {
            onFx(() -> {
                pacer.pulse();
                browser.layout();
                browser.table().layout();
                return null;
            });
            pulses++;
            assertTrue(pulses < 100, "the pacer never became idle");
        }
        return pulses;
    }

    private List<String> values() throws Exception {
        return onFx(() -> browser.table().getRoot().getChildren().stream()
                .map(TreeItem::getValue).map(l -> l.valueProperty().get()).toList());
    }

    @Test
    void a_new_images_rows_on_screen_take_their_texts_ten_a_pulse_and_those_off_screen_at_once(FxRobot robot)
            throws Exception {
        robot.interact(() -> viewModel.attributes().rowsProperty().set(image("first")));
        pulsesUntilIdle();
        assertEquals(image("first").stream().map(AttributeRow::value).toList(), values());
        int onScreen = onFx(() -> (int) (browser.table().getHeight() / AttributeBrowserView.ROW_HEIGHT));
        assertTrue(onScreen > 2 * AttributeBrowserView.ROWS_SHOWN_PER_PULSE && onScreen < 70,
                "the test needs more rows on screen than two pulses show, and some off screen: " + onScreen);

        robot.interact(() -> viewModel.attributes().rowsProperty().set(image("second")));
        onFx(() -> {
            pacer.pulse();
            return null;
        });

        List<String> afterOnePulse = values();
        List<Integer> stale = new ArrayList<>();
        for (int i = 0; i < afterOnePulse.size(); i++) {
            if (!afterOnePulse.get(i).equals("second " + i)) {
                stale.add(i);
            }
        }
        // The first ten rows show the new image; the rows off screen too; the other rows on screen still wait.
        assertEquals(IntStream.range(AttributeBrowserView.ROWS_SHOWN_PER_PULSE, stale.getLast() + 1).boxed().toList(),
                stale);
        assertTrue(stale.getLast() < onScreen + 2, "rows off screen are shown at once: " + stale);
        assertTrue(stale.size() >= onScreen - AttributeBrowserView.ROWS_SHOWN_PER_PULSE - 2, "stale " + stale);

        int pulses = pulsesUntilIdle();
        assertEquals(image("second").stream().map(AttributeRow::value).toList(), values());
        int expectedTurns = (int) Math.ceil((double) stale.size() / AttributeBrowserView.ROWS_SHOWN_PER_PULSE);
        // Each turn is a pulse followed by a free one.
        assertEquals(2 * expectedTurns + 1, pulses, "pulses to show the rest");
    }

    @Test
    void the_table_starts_with_blank_rows_as_many_as_fit_and_the_first_images_rows_take_them_over_in_steps(
            FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        List<TreeItem<AttributeBrowserView.Line>> start = onFx(() -> List.copyOf(browser.table().getRoot()
                .getChildren()));
        VirtualFlow<?> flow = (VirtualFlow<?>) browser.table().lookup(".virtual-flow");
        int fit = onFx(() -> (int) Math.floor(flow.getHeight() / AttributeBrowserView.ROW_HEIGHT));
        assertTrue(fit > 2 * AttributeBrowserView.ROWS_SHOWN_PER_PULSE, "rows that fit: " + fit);
        assertEquals(fit, start.size(), "blank rows as many as fit");
        assertTrue(values().stream().allMatch(String::isEmpty), "blank");
        assertFalse(onFx(() -> verticalScrollBarShown(flow)), "no scroll bar over blank rows");

        robot.interact(() -> viewModel.attributes().rowsProperty().set(image("first")));
        onFx(() -> {
            pacer.pulse();
            return null;
        });
        List<TreeItem<AttributeBrowserView.Line>> items = onFx(() -> List.copyOf(browser.table().getRoot()
                .getChildren()));
        assertEquals(start, items.subList(0, start.size()), "the blank rows were taken over");
        List<String> afterOnePulse = values();
        // The first ten rows show their texts; further rows on screen wait for later pulses.
        for (int i = 0; i < AttributeBrowserView.ROWS_SHOWN_PER_PULSE; i++) {
            assertEquals("first " + i, afterOnePulse.get(i));
        }
        assertEquals("", afterOnePulse.get(AttributeBrowserView.ROWS_SHOWN_PER_PULSE), "waits for a later pulse");
        pulsesUntilIdle();
        assertEquals(image("first").stream().map(AttributeRow::value).toList(), values());
        assertTrue(onFx(() -> verticalScrollBarShown(flow)), "80 rows scroll");

        // No image again: blank rows as many as fit, and no scroll bar.
        robot.interact(() -> viewModel.attributes().rowsProperty().set(List.of()));
        pulsesUntilIdle();
        assertEquals(start, onFx(() -> List.copyOf(browser.table().getRoot().getChildren())));
        assertFalse(onFx(() -> verticalScrollBarShown(flow)), "no scroll bar over blank rows");
    }

    private static boolean verticalScrollBarShown(VirtualFlow<?> flow) {
        return flow.lookupAll(".scroll-bar").stream().anyMatch(n -> n instanceof ScrollBar bar
                && bar.getOrientation() == Orientation.VERTICAL && bar.isVisible());
    }

    @Test
    void a_search_shows_every_matching_rows_texts_at_once(FxRobot robot) throws Exception {
        robot.interact(() -> viewModel.attributes().rowsProperty().set(image("first")));
        pulsesUntilIdle();
        robot.interact(() -> viewModel.attributes().rowsProperty().set(image("second")));
        onFx(() -> {
            pacer.pulse();
            return null;
        });

        robot.interact(() -> viewModel.attributes().filterProperty().set("second"));

        assertEquals(image("second").stream().map(AttributeRow::value).toList(), values());
    }

    private static <T> T onFx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }
}
