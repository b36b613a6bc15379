package org.radmamba.app.ai;

import javafx.geometry.Point2D;
import javafx.scene.control.Slider;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.transform.Affine;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries;
import org.radmamba.viewer.fx.model.MprPlaneViewModel;
import org.radmamba.viewer.fx.model.MprViewModel;
import org.radmamba.viewer.fx.model.SeriesEntry;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;
import org.radmamba.viewer.fx.view.MprView;
import org.radmamba.viewer.fx.viewport.CrosshairViewport;
import org.radmamba.viewer.fx.viewport.ImageViewport;
import org.radmamba.viewer.volume.PlaneGeometry;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo segmenter run from the docked AI panel over a small CT series (the demo dermoscopy lesion in grey,
 * stacked into eight axial slices, the last four mirrored), then the MPR: each plane's mask is the label of the
 * nearest slice's mask, the overlay tints the plane's pixels on screen inside the lesion and leaves them grey outside,
 * the class volume is in mL; the masks exported as a multi-frame DICOM Segmentation and reopened show in all three
 * planes again.
 */
@ExtendWith(ApplicationExtension.class)
class MprAiFxTest extends AiWindowFxTest {

    private static final int COLUMNS = 120;
    private static final int ROWS = 90;
    private static final int SLICES = 8;
    private static final double PIXEL_MM = 0.5;
    private static final double SLICE_MM = 2;

    @Start
    void start(Stage stage) {
        open(stage);
        stage.show();
    }

    /** The lesion photograph's luminance at COLUMNS × ROWS (box-averaged), as HU 0..255. */
    private static double[][] lesion() throws Exception {
        Path demo = temp.resolve("demo");
        DemoStudy.generate(demo, new DemoStudy.Spec(64, 2, 1.5, 5, 0, true));
        BufferedImage photo = ImageIO.read(demo.resolve("photographs").resolve("dermoscopy-lesion.png").toFile());
        double[][] grey = new double[ROWS][COLUMNS];
        int bw = photo.getWidth() / COLUMNS;
        int bh = photo.getHeight() / ROWS;
        for (int r = 0; r < ROWS; r++) {
            for (int c = 0; c < COLUMNS; c++) {
                double sum = 0;
                for (int y = 0; y < bh; y++) {
                    for (int x = 0; x < bw; x++) {
                        int rgb = photo.getRGB(c * bw + x, r * bh + y);
                        sum += 0.299 * (rgb >> 16 & 0xFF) + 0.587 * (rgb >> 8 & 0xFF) + 0.114 * (rgb & 0xFF);
                    }
                }
                grey[r][c] = sum / (bw * bh);
            }
        }
        return grey;
    }

    /** Axial slices at z = 0, 2, …: pixel (c, r) at x = 0.5c, y = 0.5r; slices 4..7 mirrored left to right. */
    private static Path series(Path dir) throws Exception {
        double[][] grey = lesion();
        SyntheticVolumeSeries.Geometry g = new SyntheticVolumeSeries.Geometry(COLUMNS, ROWS, new double[] {1, 0, 0},
                new double[] {0, 1, 0}, new double[] {PIXEL_MM, PIXEL_MM},
                SyntheticVolumeSeries.Geometry.line(new double[] {0, 0, 0}, new double[] {0, 0, SLICE_MM}, SLICES));
        SyntheticVolumeSeries.write(dir, g, p -> {
            int c = (int) Math.rint(p[0] / PIXEL_MM);
            int r = (int) Math.rint(p[1] / PIXEL_MM);
            int slice = (int) Math.rint(p[2] / SLICE_MM);
            return grey[r][slice < SLICES / 2 ? c : COLUMNS - 1 - c];
        });
        return dir;
    }

    private SeriesEntry ctSeries() {
        return viewModel.series().stream().filter(e -> e.series().modality().equals("CT")).findFirst().orElseThrow();
    }

    private void openAndShow(List<Path> paths) throws Exception {
        onFx(() -> {
            viewModel.open(paths);
            return null;
        });
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !viewModel.scanningProperty().get()
                && viewModel.series().stream().anyMatch(e -> e.series().modality().equals("CT")));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !harness.modelChoice().getItems().isEmpty());
        onFx(() -> {
            viewModel.showSeries(ctSeries(), 0);
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> viewModel.viewport(0).imageProperty().get() != null);
    }

    /** The AI's mask of each slice, as the acquired viewport shows it. */
    private byte[][] sliceMasks() throws Exception {
        byte[][] masks = new byte[SLICES][];
        for (int s = 0; s < SLICES; s++) {
            int slice = s;
            onFx(() -> {
                viewModel.viewport(0).setSlice(slice);
                return null;
            });
            WaitForAsyncUtils.waitForFxEvents();
            LabelMaskImage mask = onFx(() -> window.viewportViews().getFirst().viewport().maskLayer().mask());
            assertNotNull(mask, "slice " + s + " has a mask");
            masks[s] = mask.labels().clone();
        }
        return masks;
    }

    private MprViewModel openMpr() throws Exception {
        onFx(() -> {
            viewModel.toggleMpr();
            return null;
        });
        MprViewModel mpr = onFx(() -> viewModel.mprProperty().get());
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> onFx(() -> mpr.images().isComplete()
                && mpr.planes().stream().allMatch(p -> p.imageProperty().get() != null && p.maskProperty().get() != null)));
        WaitForAsyncUtils.waitForFxEvents();
        return mpr;
    }

    /** Each plane's mask is, pixel for pixel, the label of the nearest voxel of the slices' masks. */
    private static void assertPlaneMasks(MprViewModel mpr, byte[][] sliceMasks, String when) throws Exception {
        for (MprPlaneViewModel plane : mpr.planes()) {
            LabelMaskImage mask = onFx(() -> plane.maskProperty().get());
            PlaneGeometry g = onFx(plane::geometry);
            int lesion = 0;
            for (int r = 0; r < g.rows(); r++) {
                for (int c = 0; c < g.columns(); c++) {
                    int expected = expectedLabel(g, sliceMasks, c, r);
                    lesion += expected;
                    assertEquals(expected, mask.label(c, r), when + ": " + plane.plane() + " (" + c + ", " + r + ")");
                }
            }
            assertTrue(lesion > 10, when + ": " + plane.plane() + " cuts the lesion (" + lesion + " px)");
        }
    }

    private static int expectedLabel(PlaneGeometry g, byte[][] sliceMasks, int column, int row) {
        double[] p = g.patientPoint(column, row);
        int c = (int) Math.rint(p[0] / PIXEL_MM);
        int r = (int) Math.rint(p[1] / PIXEL_MM);
        int s = (int) Math.rint(p[2] / SLICE_MM);
        return sliceMasks[s][r * COLUMNS + c];
    }

    @Test
    void a_segmentation_run_from_the_ai_panel_shows_in_all_three_planes_and_again_from_its_reopened_seg() throws Exception {
        Path dir = series(temp.resolve("lesion-ct"));
        openAndShow(List.of(dir));
        harness.run(DemoModelsTest.SEGMENTER, "#ai-run-series");
        byte[][] masks = sliceMasks();
        int voxels = 0;
        for (byte[] m : masks) {
            for (byte b : m) {
                voxels += b;
            }
        }
        assertTrue(voxels > 8 * 200, "the segmenter found the lesion in the slices: " + voxels + " voxels");
        assertFalse(java.util.Arrays.equals(masks[0], masks[SLICES - 1]), "the mirrored slices have their own masks");
        onFx(() -> {
            ((Slider) window.lookup("#ai-opacity")).setValue(1);
            return null;
        });

        MprViewModel mpr = openMpr();
        FxRobot robot = new FxRobot();
        // The crosshair through the lesion's middle: a slice of each half, the lesion's centre in x and y.
        MprPlaneViewModel axial = mpr.plane(org.radmamba.viewer.volume.Plane.AXIAL);
        int[] centre = centreOf(masks[1]);
        robot.interact(() -> axial.pointAt(centre[0] + 0.5, centre[1] + 0.5));
        WaitForAsyncUtils.waitForFxEvents();
        assertPlaneMasks(mpr, masks, "after the run");
        assertEquals(String.format(Locale.ROOT, "lesion %.1f mL", voxels * PIXEL_MM * PIXEL_MM * SLICE_MM / 1000),
                onFx(() -> mpr.classVolumesProperty().get()));
        MprView view = robot.lookup(".mpr-view").queryAs(MprView.class);
        for (MprPlaneViewModel plane : mpr.planes()) {
            assertOverlayOnScreen(robot, view.viewports().get(plane.plane().ordinal()), plane, masks);
        }

        // Exported as a DICOM Segmentation (one multi-frame file), reopened in a fresh session beside the images.
        Path seg = temp.resolve("lesion-seg.dcm");
        onFx(() -> ai.segmentationExport(seg)).call();
        onFx(() -> {
            viewModel.closeAll();
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> viewModel.series().isEmpty());
        openAndShow(List.of(dir, seg));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !viewModel.scanningProperty().get()
                && viewModel.series().stream().anyMatch(e -> e.series().modality().equals("SEG")));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                () -> onFx(() -> window.viewportViews().getFirst().viewport().maskLayer().mask()) != null);
        MprViewModel reopened = openMpr();
        MprPlaneViewModel reopenedAxial = reopened.plane(org.radmamba.viewer.volume.Plane.AXIAL);
        robot.interact(() -> reopenedAxial.pointAt(centre[0] + 0.5, centre[1] + 0.5));
        WaitForAsyncUtils.waitForFxEvents();
        assertPlaneMasks(reopened, masks, "reopened from the Segmentation");
        MprView reopenedView = robot.lookup(".mpr-view").queryAs(MprView.class);
        for (MprPlaneViewModel plane : reopened.planes()) {
            assertOverlayOnScreen(robot, reopenedView.viewports().get(plane.plane().ordinal()), plane, masks);
        }
    }

    /** Another toolkit's Segmentation (highdicom's shape, made by pydicom) of a small CT series; see its script. */
    private static final Path FOREIGN = Path.of("..", "viewer", "src", "test", "resources", "dicom", "seg", "foreign-seg");

    /** The foreign Segmentation's segments at the patient point of voxel (c, r, k): 1 box, 2 ball, 0 neither. */
    private static int foreignLabel(double x, double y, double z) {
        if (x >= -8 && x <= 3 && y >= -10 && y <= 6 && z >= 22 && z <= 37) {
            return 1;
        }
        return (x - 8) * (x - 8) + (y - 10) * (y - 10) + (z - 28) * (z - 28) <= 36 ? 2 : 0;
    }

    @Test
    void another_toolkits_multi_frame_segmentation_opened_with_its_series_shows_in_all_three_planes() throws Exception {
        openAndShow(List.of(FOREIGN));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !viewModel.scanningProperty().get()
                && viewModel.series().stream().anyMatch(e -> e.series().modality().equals("SEG")));
        // Slice 6 from the feet (z = 28) holds both segments; the lowest slices hold none (no frames of the SEG).
        onFx(() -> {
            viewModel.viewport(0).setSlice(6);
            return null;
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                () -> onFx(() -> window.viewportViews().getFirst().viewport().maskLayer().mask()) != null);
        MprViewModel mpr = openMpr();
        MprPlaneViewModel axial = mpr.plane(org.radmamba.viewer.volume.Plane.AXIAL);
        // Through the ball's centre (8, 10, 28): axial pixel (24, 15), slice 6 of 8 from the feet.
        new FxRobot().interact(() -> {
            axial.setIndex(6);
            axial.pointAt(24.5, 15.5);
        });
        WaitForAsyncUtils.waitForFxEvents();
        int[] voxels = new int[3];
        for (int k = 0; k < 8; k++) {
            for (int r = 0; r < 24; r++) {
                for (int c = 0; c < 32; c++) {
                    voxels[foreignLabel(-16 + c, -20 + 2 * r, 10 + 3 * k)]++;
                }
            }
        }
        // The box: 12 × 9 × 4 voxels (z 22..31) of 1 × 2 × 3 mm.
        assertEquals(432, voxels[1]);
        assertEquals(String.format(Locale.ROOT, "box %.1f mL · ball %.1f mL", voxels[1] * 6 / 1000.0, voxels[2] * 6 / 1000.0),
                onFx(() -> mpr.classVolumesProperty().get()));
        for (MprPlaneViewModel plane : mpr.planes()) {
            LabelMaskImage mask = onFx(() -> plane.maskProperty().get());
            PlaneGeometry g = onFx(plane::geometry);
            int[] counts = new int[3];
            for (int r = 0; r < g.rows(); r++) {
                for (int c = 0; c < g.columns(); c++) {
                    double[] p = g.patientPoint(c, r);
                    int expected = foreignLabel(p[0], p[1], p[2]);
                    counts[expected]++;
                    assertEquals(expected, mask.label(c, r), plane.plane() + " (" + c + ", " + r + ")");
                }
            }
            assertTrue(counts[2] > 5, plane.plane() + " cuts the ball: " + counts[2] + " px");
            assertEquals(List.of("box", "ball"), mask.names());
        }
    }

    /** The (column, row) of the mask's centre of mass. */
    private static int[] centreOf(byte[] mask) {
        long sx = 0;
        long sy = 0;
        long n = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                sx += i % COLUMNS;
                sy += i / COLUMNS;
                n++;
            }
        }
        return new int[] {(int) (sx / n), (int) (sy / n)};
    }

    /**
     * On screen, the plane's pixels whose neighbours all have its label are tinted inside the lesion and grey
     * outside, away from the crosshair lines and the corner text.
     */
    private static void assertOverlayOnScreen(FxRobot robot, CrosshairViewport viewport, MprPlaneViewModel plane,
                                              byte[][] sliceMasks) throws Exception {
        AtomicReference<WritableImage> shot = new AtomicReference<>();
        robot.interact(() -> shot.set(viewport.snapshot(null, null)));
        PixelReader pixels = shot.get().getPixelReader();
        Affine toScreen = onFx(((ImageViewport) viewport)::imageToScreen);
        double lineX = onFx(() -> viewport.verticalLine().getStartX());
        double lineY = onFx(() -> viewport.horizontalLine().getStartY());
        PlaneGeometry g = onFx(plane::geometry);
        int tinted = 0;
        int grey = 0;
        for (int r = 1; r < g.rows() - 1; r++) {
            for (int c = 1; c < g.columns() - 1; c++) {
                int label = expectedLabel(g, sliceMasks, c, r);
                boolean uniform = true;
                for (int dr = -1; dr <= 1 && uniform; dr++) {
                    for (int dc = -1; dc <= 1 && uniform; dc++) {
                        uniform = expectedLabel(g, sliceMasks, c + dc, r + dr) == label;
                    }
                }
                Point2D at = toScreen.transform(c + 0.5, r + 0.5);
                if (!uniform || Math.abs(at.getX() - lineX) < 4 || Math.abs(at.getY() - lineY) < 4 || at.getY() < 60
                        || at.getY() > shot.get().getHeight() - 40 || at.getX() < 0 || at.getX() >= shot.get().getWidth()) {
                    continue;
                }
                int argb = pixels.getArgb((int) at.getX(), (int) at.getY());
                int red = argb >> 16 & 0xFF;
                int green = argb >> 8 & 0xFF;
                int blue = argb & 0xFF;
                int spread = Math.max(red, Math.max(green, blue)) - Math.min(red, Math.min(green, blue));
                if (label != 0) {
                    assertTrue(spread > 40, plane.plane() + " (" + c + ", " + r + ") in the lesion: tinted, got "
                            + Integer.toHexString(argb));
                    tinted++;
                } else {
                    assertTrue(spread <= 6, plane.plane() + " (" + c + ", " + r + ") outside: grey, got "
                            + Integer.toHexString(argb));
                    grey++;
                }
            }
        }
        assertTrue(tinted > 5 && grey > 20, plane.plane() + ": " + tinted + " tinted, " + grey + " grey pixels checked");
    }
}
