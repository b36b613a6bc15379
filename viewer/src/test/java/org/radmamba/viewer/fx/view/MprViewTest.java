package org.radmamba.viewer.fx.view;

import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries.Geometry;
import org.radmamba.viewer.fx.model.MprLayout;
import org.radmamba.viewer.fx.model.MprPlaneViewModel;
import org.radmamba.viewer.fx.model.MprViewModel;
import org.radmamba.viewer.fx.overlay.LabelMaskImage;
import org.radmamba.viewer.fx.overlay.OverlayStyle;
import org.radmamba.viewer.fx.viewport.CrosshairViewport;
import org.radmamba.viewer.fx.viewport.ImageViewport;
import org.radmamba.viewer.fx.viewport.WindowLevel;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.pixel.Voi;
import org.radmamba.viewer.seg.Segmentation;
import org.radmamba.viewer.seg.SegmentationReader;
import org.radmamba.viewer.seg.SegmentationWriter;
import org.radmamba.viewer.seg.SourceFrame;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.volume.Plane;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MPR layout in the main window, headless, on a generated series (voxels hold x + 4y + 16z of their position;
 * x = −16..15, y = −20..26 step 2, z = 10..67 step 3) and a DICOM Segmentation of it written and read back: a click
 * moves the other planes, and the segmentation's box shows in the coronal plane where it lies, on screen.
 */
@ExtendWith(ApplicationExtension.class)
class MprViewTest extends MainWindowFxTest {

    @TempDir
    static Path temp;

    @Start
    void start(Stage stage) {
        show(stage, 1400, 700);
    }

    /** The box the segmentation marks: x −8..3, y −10..6, z 22..49. */
    private static boolean inBox(double x, double y, double z) {
        return x >= -8 && x <= 3 && y >= -10 && y <= 6 && z >= 22 && z <= 49;
    }

    @Test
    void a_click_moves_the_planes_and_a_segmentation_shows_inside_its_box_only() throws Exception {
        Path series = temp.resolve("series");
        Geometry g = mprTestVolume();
        List<Path> files = SyntheticVolumeSeries.write(series, g);
        List<SegmentationWriter.SourceMask> masks = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            byte[] labels = new byte[32 * 24];
            for (int r = 0; r < 24; r++) {
                for (int c = 0; c < 32; c++) {
                    double[] p = g.point(i, c, r);
                    labels[r * 32 + c] = (byte) (inBox(p[0], p[1], p[2]) ? 1 : 0);
                }
            }
            masks.add(new SegmentationWriter.SourceMask(files.get(i), 1, labels));
        }
        Path segFile = temp.resolve("seg/seg.dcm");
        java.nio.file.Files.createDirectories(segFile.getParent());
        new SegmentationWriter(DicomReaders.standard()).write(new SegmentationWriter.Request(masks, List.of("lesion"),
                "test box", "box"), segFile);
        Segmentation seg = new SegmentationReader(DicomReaders.standard()).read(segFile);

        FxRobot robot = new FxRobot();
        MprViewModel mpr = openInMpr(robot, series);
        WaitForAsyncUtils.waitForFxEvents();
        MprView view = robot.lookup(".mpr-view").queryAs(MprView.class);
        CrosshairViewport axialViewport = view.viewports().get(Plane.AXIAL.ordinal());

        // Click the axial plane at voxel (14, 9): x = −2, y = −2.
        Point2D screen = onFx(() -> axialViewport.localToScreen(axialViewport.imageToScreen().transform(14.5, 9.5)));
        robot.moveTo(screen).clickOn(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();

        MprPlaneViewModel coronal = mpr.plane(Plane.CORONAL);
        assertEquals(9, coronal.indexProperty().get(), "y −2 is coronal plane 9");
        assertEquals(14, mpr.plane(Plane.SAGITTAL).indexProperty().get(), "x −2 is sagittal plane 14");

        robot.interact(() -> mpr.showMasks(slice -> {
            Instance instance = mpr.images().entry().instance(slice.instanceIndex());
            return seg.labels(new SourceFrame(instance.sopInstanceUid(), slice.frame() + 1))
                    .map(l -> new LabelMaskImage(seg.columns(), seg.rows(), l, seg.labelNames())).orElse(null);
        }, OverlayStyle.DEFAULT));
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals("lesion 6.5 mL", mpr.classVolumesProperty().get(), "12 × 9 × 10 voxels of 6 mm³");
        for (MprPlaneViewModel plane : mpr.planes()) {
            LabelMaskImage mask = plane.maskProperty().get();
            var pg = plane.geometry();
            for (int r = 0; r < pg.rows(); r++) {
                for (int c = 0; c < pg.columns(); c++) {
                    double[] p = pg.patientPoint(c, r);
                    assertEquals(inBox(p[0], p[1], p[2]) ? 1 : 0, mask.label(c, r), plane.plane() + " (" + c + ", " + r + ")");
                }
            }
        }

        // On screen: the coronal viewport's pixels are tinted inside the box and grey outside (away from the lines).
        CrosshairViewport coronalViewport = view.viewports().get(Plane.CORONAL.ordinal());
        AtomicReference<WritableImage> shot = new AtomicReference<>();
        robot.interact(() -> shot.set(coronalViewport.snapshot(null, null)));
        PixelReader pixels = shot.get().getPixelReader();
        int tinted = 0;
        int grey = 0;
        for (int r = 0; r < 20; r++) {
            for (int c = 0; c < 32; c++) {
                int row = r;
                int col = c;
                Point2D at = onFx(() -> coronalViewport.imageToScreen().transform(col + 0.5, row + 0.5));
                double lineX = onFx(() -> coronalViewport.verticalLine().getStartX());
                double lineY = onFx(() -> coronalViewport.horizontalLine().getStartY());
                if (Math.abs(at.getX() - lineX) < 4 || Math.abs(at.getY() - lineY) < 4 || at.getY() < 40
                        || at.getY() > shot.get().getHeight() - 40) {
                    continue; // under a crosshair line or the corner text
                }
                int argb = pixels.getArgb((int) at.getX(), (int) at.getY());
                int red = argb >> 16 & 0xFF;
                int green = argb >> 8 & 0xFF;
                int blue = argb & 0xFF;
                // Grey within the software renderer's blending at the mask's edges (a few levels); the overlay's
                // tint moves the channels apart by far more.
                int spread = Math.max(red, Math.max(green, blue)) - Math.min(red, Math.min(green, blue));
                boolean isGrey = spread <= 6;
                if (inBox(-16 + c, -2, 67 - 3 * r)) {
                    assertTrue(spread > 20, "pixel (" + c + ", " + r + ") lies in the box: tinted, got " + Integer.toHexString(argb));
                    tinted++;
                } else {
                    assertTrue(isGrey, "pixel (" + c + ", " + r + ") lies outside the box: grey, got " + Integer.toHexString(argb));
                    grey++;
                }
            }
        }
        assertTrue(tinted > 50 && grey > 200, tinted + " tinted, " + grey + " grey");
    }

    @Test
    void the_two_by_two_layout_shows_the_three_planes_and_the_acquired_slice_at_the_crosshair() throws Exception {
        Path series = temp.resolve("series-2x2");
        SyntheticVolumeSeries.write(series, mprTestVolume());
        FxRobot robot = new FxRobot();
        MprViewModel mpr = openInMpr(robot, series);
        MprView view = robot.lookup(".mpr-view").queryAs(MprView.class);
        robot.interact(() -> {
            view.layoutChoice().setValue(MprLayout.TWO_BY_TWO);
            viewModel.cornerTextVisibleProperty().set(false);
            // A narrow window: a step of one in x is a fifth of a grey level, one slice (48) ten levels.
            mpr.windowProperty().set(new WindowLevel(600, 1200));
        });
        WaitForAsyncUtils.waitForFxEvents();
        CrosshairViewport axialViewport = view.viewports().get(Plane.AXIAL.ordinal());
        CrosshairViewport coronalViewport = view.viewports().get(Plane.CORONAL.ordinal());
        ImageViewport acquiredViewport = window.viewportViews().getFirst().viewport();

        // Axial voxel (14, 9): x = −2, y = −2; then coronal pixel (5, 3): x = −11, z = 58, axial plane 16.
        click(robot, axialViewport, 14.5, 9.5);
        click(robot, coronalViewport, 5.5, 3.5);
        assertEquals(16, mpr.plane(Plane.AXIAL).indexProperty().get());
        assertEquals(16, viewModel.viewport(0).sliceProperty().get(), "the acquired viewport shows the slice at z 58");
        assertEquals(new WindowLevel(600, 1200).toVoi(), viewModel.viewport(0).voiProperty().get(),
                "the acquired viewport has the planes' window");

        // Four viewports in two rows and two columns: the acquired images bottom right.
        javafx.geometry.Bounds axialBounds = onFx(() -> axialViewport.localToScene(axialViewport.getBoundsInLocal()));
        javafx.geometry.Bounds acquiredBounds = onFx(() -> acquiredViewport.localToScene(acquiredViewport.getBoundsInLocal()));
        assertTrue(acquiredBounds.getMinX() > axialBounds.getMaxX() && acquiredBounds.getMinY() > axialBounds.getMaxY(),
                axialBounds + " / " + acquiredBounds);

        Voi voi = new WindowLevel(600, 1200).toVoi();
        for (MprPlaneViewModel plane : mpr.planes()) {
            CrosshairViewport viewport = view.viewports().get(plane.plane().ordinal());
            var g = plane.geometry();
            int checked = assertScreenGrey(robot, viewport, g.columns(), g.rows(), (c, r) -> {
                double[] p = g.patientPoint(c, r);
                return SyntheticVolumeSeries.value(p);
            }, voi, true);
            assertTrue(checked > 100, plane.plane() + ": " + checked + " pixels checked");
        }
        // The acquired slice 16 lies at z = 58: its pixel (c, r) at x = −16 + c, y = −20 + 2r.
        int checked = assertScreenGrey(robot, acquiredViewport, 32, 24,
                (c, r) -> SyntheticVolumeSeries.value(new double[] {-16 + c, -20 + 2 * r, 58}), voi, false);
        assertTrue(checked > 300, "acquired: " + checked + " pixels checked");

        // Shift+→ in the axial plane turns its crosshair 5° clockwise on the screen: the two other planes turn with it.
        click(robot, axialViewport, 14.5, 9.5);
        robot.press(javafx.scene.input.KeyCode.SHIFT).type(javafx.scene.input.KeyCode.RIGHT)
                .release(javafx.scene.input.KeyCode.SHIFT);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(new MprViewModel.Rotation(Plane.AXIAL, 5), onFx(mpr::rotation));
        assertTrue(onFx(() -> mpr.plane(Plane.CORONAL).isOblique() && mpr.plane(Plane.SAGITTAL).isOblique()));
        javafx.scene.shape.Line vertical = axialViewport.verticalLine();
        double turned = onFx(() -> Math.toDegrees(Math.atan2(vertical.getStartX() - vertical.getEndX(),
                vertical.getEndY() - vertical.getStartY())));
        assertEquals(5, turned, 1e-6, "the axial plane's vertical line turned clockwise");
        robot.interact(() -> view.lookupAll(".button").stream()
                .filter(n -> n instanceof javafx.scene.control.Button b && b.getText().equals("Orthogonal planes"))
                .findFirst().map(javafx.scene.control.Button.class::cast).orElseThrow().fire());
        assertEquals(null, onFx(mpr::rotation));

        // Back to 1×3: three viewports; leaving the MPR puts the acquired viewport back into the viewer's grid.
        robot.interact(() -> view.layoutChoice().setValue(MprLayout.ONE_BY_THREE));
        assertTrue(onFx(() -> acquiredViewport.getScene() == null), "1×3 shows no acquired viewport");
        robot.interact(viewModel::toggleMpr);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(onFx(() -> acquiredViewport.getScene() != null && ancestorMprView(acquiredViewport) == null));
    }

    private static MprView ancestorMprView(javafx.scene.Node node) {
        for (javafx.scene.Node n = node; n != null; n = n.getParent()) {
            if (n instanceof MprView m) {
                return m;
            }
        }
        return null;
    }

    private static void click(FxRobot robot, ImageViewport viewport, double x, double y) throws Exception {
        Point2D screen = onFx(() -> viewport.localToScreen(viewport.imageToScreen().transform(x, y)));
        robot.moveTo(screen).clickOn(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /**
     * Asserts that the screen pixel at the centre of each image pixel (c, r) of {@code viewport} is the grey of
     * {@code value(c, r)} under {@code voi}, away from the crosshair lines and the corner text; returns how many were
     * checked.
     */
    private static int assertScreenGrey(FxRobot robot, ImageViewport viewport, int columns, int rows,
                                        java.util.function.BiFunction<Integer, Integer, Double> value, Voi voi,
                                        boolean crosshair) throws Exception {
        AtomicReference<WritableImage> shot = new AtomicReference<>();
        robot.interact(() -> shot.set(viewport.snapshot(null, null)));
        PixelReader pixels = shot.get().getPixelReader();
        double lineX = crosshair ? onFx(() -> ((CrosshairViewport) viewport).verticalLine().getStartX()) : Double.NaN;
        double lineY = crosshair ? onFx(() -> ((CrosshairViewport) viewport).horizontalLine().getStartY()) : Double.NaN;
        javafx.scene.transform.Affine toScreen = onFx(viewport::imageToScreen);
        int checked = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                Point2D at = toScreen.transform(c + 0.5, r + 0.5);
                if (Math.abs(at.getX() - lineX) < 4 || Math.abs(at.getY() - lineY) < 4 || at.getY() < 40
                        || at.getY() > shot.get().getHeight() - 40 || at.getX() < 0 || at.getX() >= shot.get().getWidth()) {
                    continue; // under a crosshair line or the corner text
                }
                int argb = pixels.getArgb((int) at.getX(), (int) at.getY());
                int expected = Math.clamp(Math.round(PixelPipeline.voiOutput(voi, value.apply(c, r))), 0, 255);
                for (int shift : new int[] {16, 8, 0}) {
                    int channel = argb >> shift & 0xFF;
                    assertTrue(Math.abs(channel - expected) <= 1, "(" + c + ", " + r + "): expected grey " + expected
                            + ", shown " + Integer.toHexString(argb));
                }
                checked++;
            }
        }
        return checked;
    }

}
