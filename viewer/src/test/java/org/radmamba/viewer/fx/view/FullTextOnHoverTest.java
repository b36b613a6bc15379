package org.radmamba.viewer.fx.view;

import javafx.geometry.Bounds;
import javafx.geometry.Dimension2D;
import javafx.scene.Node;
import javafx.scene.control.Labeled;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeTableCell;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At the window's default size, with a side panel docked as the app's AI panel is: the attribute table's Value
 * column is on screen, and texts cut short (long values, study and series descriptions) show whole in a tooltip.
 */
@ExtendWith(ApplicationExtension.class)
class FullTextOnHoverTest extends MainWindowFxTest {

    static final String STUDY = "Thorax abdomen pelvis with contrast, arterial and portal phases";
    static final String SERIES = "Axial soft tissue 1.25 mm reconstruction, iterative level 3";
    static final String COMMENT = "Long comment: " + "the quick brown fox jumps over the lazy dog ".repeat(3).strip();
    static final String SHORT = "CT";

    @TempDir
    static Path temp;

    @Start
    void start(Stage stage) {
        create();
        // Beside the split, as the app docks its AI panel (AiWindow): the split is narrower than the window.
        javafx.scene.layout.Region sidePanel = new javafx.scene.layout.Region();
        sidePanel.setPrefWidth(340);
        window.setRight(sidePanel);
        Dimension2D size = MainWindow.firstWindowSize();
        stage.setScene(window.createScene(size.getWidth(), size.getHeight()));
        stage.show();
    }

    /** One 16×16 CT image whose study, series and a comment are too long for their columns. */
    private static Path longTexts() throws IOException {
        Path folder = temp.resolve("long");
        Files.createDirectories(folder);
        short[] pixels = new short[16 * 16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (short) (i * 7);
        }
        DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 16, 16, 16, false)
                .str(Tag.STUDY_DATE, "DA", "20260131")
                .str(Tag.STUDY_DESCRIPTION, "LO", STUDY)
                .str(Tag.SERIES_DESCRIPTION, "LO", SERIES)
                .is(Tag.SERIES_NUMBER, 3)
                .str(0x00204000, "LT", COMMENT)
                .pixels16(pixels)
                .write(folder.resolve("long.dcm"));
        return folder;
    }

    private void open(Path folder) throws Exception {
        onFx(() -> {
            window.openDropped(List.of(folder.toFile()));
            return null;
        });
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !viewModel.series().isEmpty() && !viewModel.scanningProperty().get()
                && viewModel.viewport(0).imageProperty().get() != null);
        try {
            WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> onFx(() -> window.pacer().isIdle()
                    && window.attributes().table().getRoot().getChildren().stream()
                    .anyMatch(i -> COMMENT.equals(i.getValue().valueProperty().get()))));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the attribute table shows " + onFx(() -> viewModel.attributes().messageProperty()
                    .get() + ": " + window.attributes().table().getRoot().getChildren().stream()
                    .map(i -> i.getValue().tagProperty().get() + "=" + i.getValue().valueProperty().get()).toList()), e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The visible attribute table cell of {@code column} (0 tag, 1 name, 2 value) showing {@code text}. */
    private TreeTableCell<?, ?> attributeCell(int column, String rowValue) {
        var table = window.attributes().table();
        var wanted = table.getColumns().get(column);
        return table.lookupAll(".tree-table-cell").stream().map(n -> (TreeTableCell<?, ?>) n)
                .filter(c -> c.getTableColumn() == wanted && c.getTableRow() != null
                        && c.getTableRow().getItem() instanceof AttributeBrowserView.Line l
                        && rowValue.equals(l.valueProperty().get()))
                .findFirst().orElse(null);
    }

    private static Bounds inScene(Node n) {
        return n.localToScene(n.getLayoutBounds());
    }

    @Test
    void the_value_column_is_on_screen_at_the_default_size_and_a_long_value_shows_whole_on_hover(FxRobot robot)
            throws Exception {
        open(longTexts());
        ThemeTest.writePng(onFx(() -> window.getScene().snapshot(null)), "attributes-default-size");
        onFx(() -> {
            Bounds table = inScene(window.attributes().table());
            Bounds scene = new javafx.geometry.BoundingBox(0, 0, window.getScene().getWidth(),
                    window.getScene().getHeight());
            for (String value : List.of(SHORT, COMMENT)) {
                TreeTableCell<?, ?> cell = attributeCell(2, value);
                assertNotNull(cell, "no Value cell on screen for " + value);
                Bounds b = inScene(cell);
                assertTrue(b.getMinX() >= table.getMinX() && b.getMaxX() <= table.getMaxX() + 0.5
                                && scene.contains(b), "Value cell " + b + " outside the table " + table);
                assertTrue(b.getWidth() >= 80, "Value column only " + b.getWidth() + " px wide");
                Labeled labeled = (Labeled) cell;
                assertEquals(value, labeled.getText());
                String shown = ElidedText.shownText(labeled).getText();
                assertFalse(shown.isBlank() || shown.equals("..."), "the value cell shows '" + shown + "'");
            }
            TreeTableCell<?, ?> shortCell = attributeCell(2, SHORT);
            assertFalse(ElidedText.isElided(shortCell));
            assertNull(shortCell.getTooltip(), "a value that fits has no tooltip");

            TreeTableCell<?, ?> longCell = attributeCell(2, COMMENT);
            assertTrue(ElidedText.isElided(longCell), "the long comment should be cut short at this width");
            assertNotNull(longCell.getTooltip());
            assertEquals(COMMENT, longCell.getTooltip().getText());

            var columns = window.attributes().table().getColumns();
            assertTrue(columns.stream().allMatch(c -> c.isResizable()), "every column is resizable");
            return null;
        });
    }

    @Test
    void cut_study_and_series_descriptions_in_the_browser_show_whole_on_hover(FxRobot robot) throws Exception {
        open(longTexts());
        onFx(() -> {
            List<TreeCell<?>> cells = window.browser().lookupAll(".tree-cell").stream()
                    .<TreeCell<?>>map(n -> (TreeCell<?>) n).filter(c -> !c.isEmpty()).toList();
            TreeCell<?> study = cells.stream().filter(c -> c.getText() != null && c.getText().contains(STUDY))
                    .findFirst().orElseThrow();
            assertTrue(ElidedText.isElided(study), "the study row should be cut short at this width");
            assertEquals("2026-01-31  " + STUDY + "\nCT · 1 series", study.getTooltip().getText());

            javafx.scene.control.Label series = cells.stream().flatMap(c -> c.lookupAll(".label").stream())
                    .map(n -> (javafx.scene.control.Label) n).filter(l -> SERIES.equals(l.getText()))
                    .findFirst().orElseThrow();
            assertTrue(ElidedText.isElided(series), "the series description should be cut short at this width");
            assertEquals(SERIES, series.getTooltip().getText());

            // The patient row fits: no tooltip repeating it.
            TreeCell<?> patient = cells.stream().filter(c -> c.getText() != null && c.getText().startsWith("Test"))
                    .findFirst().orElseThrow();
            assertNull(patient.getTooltip(), () -> "tooltip on '" + patient.getText() + "' shown as '"
                    + ElidedText.shownText(patient).getText() + "'");
            return null;
        });
    }
}
