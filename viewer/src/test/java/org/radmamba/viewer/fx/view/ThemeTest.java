package org.radmamba.viewer.fx.view;

import javafx.geometry.Dimension2D;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.LinearGradient;
import javafx.scene.paint.Paint;
import javafx.scene.paint.Stop;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.fx.settings.Theme;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The theme as it comes on screen: the main window, a dialog made without any styling of its own and a context
 * menu are dark by default and light after the setting changes, and every text in them stands out from what is
 * behind it by the WCAG contrast ratio for text (4.5:1; icons 3:1). Screenshots go to target/theme-*.png.
 */
@ExtendWith(ApplicationExtension.class)
class ThemeTest extends MainWindowFxTest {

    @TempDir
    static Path temp;

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        create();
        Dimension2D size = MainWindow.firstWindowSize();
        stage.setScene(window.createScene(size.getWidth(), size.getHeight()));
        stage.show();
    }

    @Test
    void the_contrast_ratio_is_computed_as_wcag_defines_it() {
        assertEquals(21, Wcag.contrast(Color.BLACK, Color.WHITE), 1e-9);
        assertEquals(1, Wcag.contrast(Color.web("#336699"), Color.web("#336699")), 1e-9);
        // WebAIM's checker: #777777 on white is 4.48:1, just short of AA.
        assertEquals(4.48, Wcag.contrast(Color.web("#777777"), Color.WHITE), 0.005);
    }

    @Test
    void dark_by_default_in_the_window_a_dialog_and_a_menu_and_light_after_the_setting_changes(FxRobot robot)
            throws Exception {
        open();
        assertEquals(Theme.DARK, viewModel.themeProperty().get());
        Alert alert = onFx(() -> {
            // A dialog as app code makes one: no stylesheet of its own; the theme reaches it through its window.
            Alert a = new Alert(Alert.AlertType.INFORMATION, "Study exported to /tmp/radmamba/export");
            a.initOwner(stage);
            a.show();
            return a;
        });
        ContextMenu menu = onFx(() -> {
            ContextMenu m = new ContextMenu(new MenuItem("Close study"), new MenuItem("Show in folder"));
            m.show(window.browser(), stage.getX() + 40, stage.getY() + 120);
            return m;
        });
        WaitForAsyncUtils.waitForFxEvents();

        assertDark("window", snapshot(window.getScene(), "theme-dark-window"), samplePoints(window));
        assertDark("dialog", snapshot(alert.getDialogPane().getScene(), "theme-dark-dialog"),
                dialogPoints(alert));
        assertContrast(List.of(window.getScene(), alert.getDialogPane().getScene(),
                menu.getScene()));

        onFx(() -> {
            viewModel.themeProperty().set(Theme.LIGHT);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(Theme.LIGHT, viewModel.settings().theme(), "the choice is kept in the settings");
        assertLight("window", snapshot(window.getScene(), "theme-light-window"), samplePoints(window));
        assertLight("dialog", snapshot(alert.getDialogPane().getScene(), "theme-light-dialog"),
                dialogPoints(alert));
        assertContrast(List.of(window.getScene(), alert.getDialogPane().getScene(), menu.getScene()));

        // Images are not themed: the viewport stays black in the light theme.
        WritableImage light = snapshot(window.getScene(), null);
        javafx.geometry.Bounds vp = window.viewportViews().getFirst().localToScene(
                window.viewportViews().getFirst().getLayoutBounds());
        Color corner = light.getPixelReader().getColor((int) vp.getMinX() + 4, (int) vp.getMaxY() - 4);
        assertTrue(Wcag.luminance(corner) < 0.01, "viewport background " + corner);
        onFx(() -> {
            menu.hide();
            alert.close();
            return null;
        });
    }

    private void open() throws Exception {
        Path folder = temp.resolve("one");
        Files.createDirectories(folder);
        short[] pixels = new short[32 * 32];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (short) (i % 32 * 64);
        }
        DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 32, 32, 16, false)
                .str(Tag.STUDY_DATE, "DA", "20260131")
                .str(Tag.STUDY_DESCRIPTION, "LO", "CT chest")
                .str(Tag.SERIES_DESCRIPTION, "LO", "Axial")
                .is(Tag.SERIES_NUMBER, 2)
                .pixels16(pixels)
                .write(folder.resolve("one.dcm"));
        onFx(() -> {
            window.openDropped(List.of(folder.toFile()));
            return null;
        });
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !viewModel.series().isEmpty() && !viewModel.scanningProperty().get()
                && viewModel.viewport(0).imageProperty().get() != null);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> onFx(() -> window.pacer().isIdle()));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Points of panel background in the window: menu bar, toolbar, browser and attribute table (empty parts). */
    private List<double[]> samplePoints(MainWindow w) throws Exception {
        return onFx(() -> {
            List<double[]> points = new ArrayList<>();
            javafx.geometry.Bounds browser = w.browser().localToScene(w.browser().getLayoutBounds());
            points.add(new double[]{browser.getMinX() + browser.getWidth() / 2, browser.getMaxY() - 20});
            javafx.geometry.Bounds table = w.attributes().localToScene(w.attributes().getLayoutBounds());
            points.add(new double[]{table.getMaxX() - 20, table.getMaxY() - 20});
            javafx.geometry.Bounds status = w.statusBar().localToScene(w.statusBar().getLayoutBounds());
            points.add(new double[]{status.getMaxX() - 30, status.getMinY() + status.getHeight() / 2});
            points.add(new double[]{w.getScene().getWidth() - 5, 5});
            return points;
        });
    }

    private List<double[]> dialogPoints(Alert alert) throws Exception {
        return onFx(() -> {
            Scene s = alert.getDialogPane().getScene();
            return List.of(new double[]{4, s.getHeight() - 4}, new double[]{s.getWidth() - 4, s.getHeight() / 2});
        });
    }

    private WritableImage snapshot(Scene scene, String name) throws Exception {
        WritableImage image = onFx(() -> scene.snapshot(null));
        if (name != null) {
            writePng(image, name);
        }
        return image;
    }

    /** Saves {@code image} as target/{@code name}.png, to look at. */
    static void writePng(WritableImage image, String name) throws IOException {
        {
            Path out = Path.of("target", name + ".png");
            Files.createDirectories(out.getParent());
            int w = (int) image.getWidth();
            int h = (int) image.getHeight();
            BufferedImage png = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
            PixelReader reader = image.getPixelReader();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    png.setRGB(x, y, reader.getArgb(x, y));
                }
            }
            ImageIO.write(png, "png", out.toFile());
        }
    }

    private static void assertDark(String what, WritableImage image, List<double[]> points) {
        for (double[] p : points) {
            Color c = image.getPixelReader().getColor((int) p[0], (int) p[1]);
            assertTrue(Wcag.luminance(c) < 0.05, what + " at " + (int) p[0] + "," + (int) p[1] + " is " + c);
        }
    }

    private static void assertLight(String what, WritableImage image, List<double[]> points) {
        for (double[] p : points) {
            Color c = image.getPixelReader().getColor((int) p[0], (int) p[1]);
            assertTrue(Wcag.luminance(c) > 0.7, what + " at " + (int) p[0] + "," + (int) p[1] + " is " + c);
        }
    }

    /** Every visible, enabled text (and icon) in these scenes against the background painted behind it. */
    private void assertContrast(List<Scene> scenes) throws Exception {
        List<String> failures = onFx(() -> {
            List<String> bad = new ArrayList<>();
            int[] checked = {0};
            for (Scene scene : scenes) {
                scene.getRoot().applyCss();
                scene.getRoot().layout();
                for (Node n : scene.getRoot().lookupAll("*")) {
                    if (!(n instanceof Text t) || t.getText() == null || t.getText().isBlank() || hidden(t)
                            || t.getFill() == null || !(t.getFill() instanceof Color fill)) {
                        continue;
                    }
                    if (onImage(t)) {
                        continue;
                    }
                    boolean icon = t.getStyleClass().contains("ikonli-font-icon");
                    double needed = icon ? 3.0 : 4.5;
                    Color opaqueFill = Wcag.over(fill, behind(t.getParent(), scene));
                    for (Color bg : backgroundsBehind(t.getParent(), scene)) {
                        double ratio = Wcag.contrast(Wcag.over(fill, bg), bg);
                        checked[0]++;
                        if (ratio < needed) {
                            bad.add(String.format("%.2f:1 %s '%s' (%s on %s) in %s", ratio, icon ? "icon" : "text",
                                    t.getText().replace('\n', ' '), opaqueFill, bg, path(t)));
                        }
                    }
                }
            }
            assertTrue(checked[0] > 20, "only " + checked[0] + " text/background pairs found");
            return bad;
        });
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static boolean hidden(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible() || p.getOpacity() == 0 || p.isDisabled()) {
                return true;
            }
        }
        return false;
    }

    /** Corner text and labels drawn over the image are coloured for the image, not the theme. */
    private static boolean onImage(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (p instanceof org.radmamba.viewer.fx.viewport.ImageViewport) {
                return true;
            }
        }
        return false;
    }

    private static String path(Node n) {
        StringBuilder s = new StringBuilder();
        for (Node p = n.getParent(); p != null && s.length() < 160; p = p.getParent()) {
            s.append(p.getClass().getSimpleName()).append(p.getStyleClass()).append(" < ");
        }
        return s.toString();
    }

    /**
     * The colours behind a node: the innermost painted fill of the nearest region that paints one, composited
     * over what is behind that region where it is translucent; every stop of a gradient, which the text must
     * stand out from everywhere.
     */
    private static List<Color> backgroundsBehind(Parent start, Scene scene) {
        for (Node p = start; p != null; p = p.getParent()) {
            if (p instanceof Region r && r.getBackground() != null && !r.getBackground().getFills().isEmpty()) {
                BackgroundFill fill = r.getBackground().getFills().getLast();
                List<Color> colours = colours(fill.getFill());
                if (colours.stream().allMatch(c -> c.getOpacity() == 0)) {
                    continue;
                }
                Color under = behind(p.getParent(), scene);
                return colours.stream().map(c -> Wcag.over(c, under)).toList();
            }
        }
        return List.of(sceneFill(scene));
    }

    private static Color behind(Parent start, Scene scene) {
        List<Color> all = backgroundsBehind(start, scene);
        return all.getFirst();
    }

    private static Color sceneFill(Scene scene) {
        return scene.getFill() instanceof Color c && c.getOpacity() > 0 ? Wcag.over(c, Color.WHITE) : Color.WHITE;
    }

    private static List<Color> colours(Paint paint) {
        return switch (paint) {
            case Color c -> List.of(c);
            case LinearGradient g -> g.getStops().stream().map(Stop::getColor).toList();
            case javafx.scene.paint.RadialGradient g -> g.getStops().stream().map(Stop::getColor).toList();
            default -> List.of();
        };
    }

}
