package org.radmamba.viewer.fx.model;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries.Geometry;
import org.radmamba.viewer.fx.measure.ImagePoint;
import org.radmamba.viewer.fx.measure.Measurement;
import org.radmamba.viewer.fx.measure.RoiStatistics;
import org.radmamba.viewer.fx.task.BackgroundTask;
import org.radmamba.viewer.fx.task.CurrentThreadTaskExecutor;
import org.radmamba.viewer.fx.task.TaskExecutor;
import org.radmamba.viewer.fx.task.TaskHandle;
import org.radmamba.viewer.fx.viewport.WindowLevel;
import org.radmamba.viewer.study.DecodedImage;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Patient;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.Study;
import org.radmamba.viewer.study.StudyScanner;
import org.radmamba.viewer.volume.Plane;
import org.radmamba.viewer.volume.Slab;
import org.testfx.api.FxToolkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MPR view model on a generated series whose voxels hold x + 4y + 16z of their patient position (x = −16..15,
 * y = −20..26 step 2, z = 10..67 step 3): what each plane shows, pixel for pixel, while the series arrives and after;
 * the crosshair, scrolling, the shared window and slabs.
 */
class MprViewModelTest {

    @TempDir
    Path folder;

    @BeforeAll
    static void startToolkit() throws Exception {
        // Images need the JavaFX toolkit (headless Monocle in the test run), not a window.
        FxToolkit.registerPrimaryStage();
    }

    private SeriesImages seriesImages(Path dir) {
        ScanResult scan = new StudyScanner().scan(List.of(dir));
        Patient patient = scan.patients().getFirst();
        Study study = patient.studies().getFirst();
        Series series = study.series().getFirst();
        return new SeriesImages(new SeriesEntry(patient, study, series));
    }

    private static void arrive(SeriesImages images, int parity) throws Exception {
        List<SeriesImages.Arrival> batch = new ArrayList<>();
        ImageLoader loader = new ImageLoader();
        for (int i = parity; i < images.entry().series().instances().size(); i += 2) {
            batch.add(new SeriesImages.Arrival(images.entry().instance(i), DecodedImage.of(loader.load(images.entry().instance(i)))));
        }
        images.arrive(batch);
    }

    private static float value(double x, double y, double z) {
        return (float) SyntheticVolumeSeries.value(new double[] {x, y, z});
    }

    private SeriesImages axialSeries() throws Exception {
        Path dir = folder.resolve("axial");
        // Written from the top down: the series orders them by position, the volume by its normal.
        SyntheticVolumeSeries.write(dir, new Geometry(32, 24, new double[] {1, 0, 0}, new double[] {0, 1, 0},
                new double[] {2, 1}, new ArrayList<>(Geometry.line(new double[] {-16, -20, 10},
                        new double[] {0, 0, 3}, 20)).reversed()));
        return seriesImages(dir);
    }

    @Test
    void planes_fill_in_as_slices_arrive_and_show_the_voxels_in_display_orientation() throws Exception {
        SeriesImages images = axialSeries();
        MprViewModel mpr = new MprViewModel(images, new CurrentThreadTaskExecutor());
        assertEquals("", mpr.noticeProperty().get());
        assertNull(mpr.plane(Plane.CORONAL).imageProperty().get());

        arrive(images, 0);
        MprPlaneViewModel coronal = mpr.plane(Plane.CORONAL);
        int y = -20 + 2 * coronal.indexProperty().get();
        float[] half = coronal.values();
        int loadedRows = 0;
        for (int r = 0; r < 20; r++) {
            double z = 67 - 3 * r;
            int slice = (int) ((z - 10) / 3);
            // Instance i of the series (ordered by position) is slice i from the bottom.
            boolean loaded = images.isLoaded(slice);
            loadedRows += loaded ? 1 : 0;
            for (int c = 0; c < 32; c++) {
                float v = half[r * 32 + c];
                if (loaded) {
                    assertEquals(value(-16 + c, y, z), v, 0f, "(" + c + ", " + r + ")");
                } else {
                    assertTrue(Float.isNaN(v), "row " + r + " has not arrived: " + v);
                }
            }
        }
        assertEquals(10, loadedRows);

        arrive(images, 1);
        for (MprPlaneViewModel plane : mpr.planes()) {
            float[] values = plane.values();
            var g = plane.geometry();
            for (int r = 0; r < g.rows(); r++) {
                for (int c = 0; c < g.columns(); c++) {
                    double[] p = g.patientPoint(c, r);
                    assertEquals(value(p[0], p[1], p[2]), values[r * g.columns() + c], 0f, plane.plane() + " (" + c + ", " + r + ")");
                }
            }
        }
        // The coronal plane from the front: the patient's right (x = −16) on the left, the head (z = 67) up.
        float[] values = coronal.values();
        assertEquals(value(-16, y, 67), values[0], 0f);
        assertEquals(value(15, y, 10), values[values.length - 1], 0f);
    }

    @Test
    void the_crosshair_moves_the_other_planes_and_follows_scrolling() throws Exception {
        SeriesImages images = axialSeries();
        arrive(images, 0);
        arrive(images, 1);
        MprViewModel mpr = new MprViewModel(images, new CurrentThreadTaskExecutor());
        MprPlaneViewModel axial = mpr.plane(Plane.AXIAL);
        MprPlaneViewModel coronal = mpr.plane(Plane.CORONAL);
        MprPlaneViewModel sagittal = mpr.plane(Plane.SAGITTAL);
        int coronalIndex = coronal.indexProperty().get();

        // Pixel (5, 3) of the coronal plane: x = −11, z = 67 − 9 = 58.
        coronal.pointAt(5.5, 3.5);

        assertEquals(16, axial.indexProperty().get(), "z 58 is axial plane (58 − 10) / 3");
        assertEquals(5, sagittal.indexProperty().get(), "x −11 is sagittal plane 5");
        assertEquals(coronalIndex, coronal.indexProperty().get());
        assertEquals(5.5, axial.crosshairColumnProperty().get(), 1e-9);
        assertEquals(coronalIndex + 0.5, axial.crosshairRowProperty().get(), 1e-9);
        assertEquals(3.5, sagittal.crosshairRowProperty().get(), 1e-9);
        float[] axialValues = axial.values();
        assertEquals(value(-16, -20, 58), axialValues[0], 0f);

        axial.scrollBy(1);

        assertEquals(17, axial.indexProperty().get());
        assertEquals(2.5, coronal.crosshairRowProperty().get(), 1e-9, "z 61 is coronal row 2");
        assertEquals("Axial  18 / 20", axial.topLeftProperty().get());
        assertEquals("z 61.0 mm", axial.bottomLeftProperty().get());
    }

    @Test
    void one_window_and_one_slab_for_all_three_planes() throws Exception {
        SeriesImages images = axialSeries();
        arrive(images, 0);
        arrive(images, 1);
        MprViewModel mpr = new MprViewModel(images, new CurrentThreadTaskExecutor());
        // The files' window: centre 0, width 4000.
        assertEquals(new WindowLevel(0, 4000, "Window 1"), mpr.windowProperty().get());

        mpr.windowProperty().set(new WindowLevel(500, 1000));
        mpr.slabProperty().set(new Slab(8, Slab.Mode.MIP));

        for (MprPlaneViewModel plane : mpr.planes()) {
            assertEquals("W 1000  L 500", plane.bottomRightProperty().get());
        }
        MprPlaneViewModel coronal = mpr.plane(Plane.CORONAL);
        int n = coronal.indexProperty().get();
        float[] mip = coronal.values();
        // Coronal planes are 2 mm apart: 8 mm is the plane and two on each side; the value grows with y.
        for (int r = 0; r < 20; r++) {
            for (int c = 0; c < 32; c++) {
                assertEquals(value(-16 + c, -20 + 2 * Math.min(n + 2, 23), 67 - 3 * r), mip[r * 32 + c], 0f);
            }
        }
        assertTrue(coronal.bottomLeftProperty().get().endsWith("MIP 8.0 mm (5 planes)"), coronal.bottomLeftProperty().get());
    }

    @Test
    void distances_in_coronal_and_sagittal_planes_are_the_geometric_distance_in_mm() throws Exception {
        SeriesImages images = axialSeries();
        arrive(images, 0);
        arrive(images, 1);
        MprViewModel mpr = new MprViewModel(images, new CurrentThreadTaskExecutor());
        mpr.toolProperty().set(Tool.DISTANCE);
        // Pixel centres (2, 1) and (10, 6): coronal 8 columns of 1 mm (x) and 5 rows of 3 mm (z), sagittal 8 columns
        // of 2 mm (y) and 5 rows of 3 mm.
        double[] expected = {Math.sqrt(8 * 8 + 15 * 15), Math.sqrt(16 * 16 + 15 * 15)};
        Plane[] planes = {Plane.CORONAL, Plane.SAGITTAL};
        for (int i = 0; i < planes.length; i++) {
            MprPlaneViewModel plane = mpr.plane(planes[i]);
            ImagePoint from = new ImagePoint(2.5, 1.5);
            ImagePoint to = new ImagePoint(10.5, 6.5);
            plane.beginMeasurement(from);
            plane.updateMeasurement(to);
            plane.finishMeasurement(to);

            assertEquals(1, plane.measurementsProperty().get().size());
            Measurement.Distance d = (Measurement.Distance) plane.measurementsProperty().get().getFirst();
            double[] a = plane.geometry().patientPoint(2, 1);
            double[] b = plane.geometry().patientPoint(10, 6);
            double geometric = Math.sqrt(Math.pow(a[0] - b[0], 2) + Math.pow(a[1] - b[1], 2) + Math.pow(a[2] - b[2], 2));
            assertEquals(expected[i], geometric, 1e-9, planes[i] + ": the points lie that far apart in the patient");
            assertEquals(expected[i], d.length(plane.calibration()), 1e-9, planes[i].label());
            assertEquals(String.format("%.1f mm", expected[i]), plane.labelOf(d));
        }
        // The axial plane measures with the acquired pixel spacing: 8 columns of 1 mm, 5 rows of 2 mm.
        MprPlaneViewModel axial = mpr.plane(Plane.AXIAL);
        axial.beginMeasurement(new ImagePoint(2.5, 1.5));
        axial.finishMeasurement(new ImagePoint(10.5, 6.5));
        Measurement.Distance d = (Measurement.Distance) axial.measurementsProperty().get().getFirst();
        assertEquals(Math.sqrt(8 * 8 + 10 * 10), d.length(axial.calibration()), 1e-9);

        // A measurement belongs to its plane: gone one plane on, back when the plane is.
        MprPlaneViewModel coronal = mpr.plane(Plane.CORONAL);
        coronal.scrollBy(1);
        assertTrue(coronal.measurementsProperty().get().isEmpty());
        coronal.scrollBy(-1);
        assertEquals(1, coronal.measurementsProperty().get().size());
    }

    @Test
    void an_roi_in_a_reformatted_plane_has_the_area_and_mean_of_the_voxels_inside() throws Exception {
        SeriesImages images = axialSeries();
        arrive(images, 0);
        arrive(images, 1);
        MprViewModel mpr = new MprViewModel(images, new CurrentThreadTaskExecutor());
        mpr.toolProperty().set(Tool.RECTANGLE);
        MprPlaneViewModel sagittal = mpr.plane(Plane.SAGITTAL);
        sagittal.beginMeasurement(new ImagePoint(3, 2));
        sagittal.finishMeasurement(new ImagePoint(9, 7));
        Measurement.RectangleRoi roi = (Measurement.RectangleRoi) sagittal.measurementsProperty().get().getFirst();

        RoiStatistics stats = RoiStatistics.of(roi, sagittal.currentValues(), sagittal.calibration());

        // Pixel centres of columns 3..8 and rows 2..6 lie inside: 30 pixels of 2 mm (y) by 3 mm (z).
        var volume = mpr.volume();
        var g = sagittal.geometry();
        double sum = 0;
        for (int r = 2; r <= 6; r++) {
            for (int c = 3; c <= 8; c++) {
                double[] index = volume.gridIndex(g.patientPoint(c, r));
                float voxel = volume.voxel((int) Math.rint(index[0]), (int) Math.rint(index[1]), (int) Math.rint(index[2]));
                double[] p = g.patientPoint(c, r);
                assertEquals(value(p[0], p[1], p[2]), voxel, 0f);
                sum += voxel;
            }
        }
        assertEquals(30, stats.pixelCount());
        assertEquals(6 * 2 * 5 * 3, stats.area(), 1e-9);
        assertEquals("mm²", stats.areaUnit());
        assertEquals(sum / 30, stats.mean(), 1e-6);
        assertEquals(stats.describe(), sagittal.labelOf(roi));

        // Pixels outside the volume have no value and are not counted: a rectangle over the plane's edge.
        MprPlaneViewModel axial = mpr.plane(Plane.AXIAL);
        axial.beginMeasurement(new ImagePoint(30, 20));
        axial.finishMeasurement(new ImagePoint(40, 30));
        RoiStatistics edge = RoiStatistics.of((Measurement.Region) axial.measurementsProperty().get().getFirst(),
                axial.currentValues(), axial.calibration());
        assertEquals(2 * 4, edge.pixelCount(), "columns 30, 31 and rows 20..23 of the 32 × 24 plane");
    }

    @Test
    void a_turned_crosshair_cuts_the_two_other_planes_obliquely_through_the_voxels() throws Exception {
        SeriesImages images = axialSeries();
        arrive(images, 0);
        arrive(images, 1);
        MprViewModel mpr = new MprViewModel(images, new CurrentThreadTaskExecutor());
        MprPlaneViewModel axial = mpr.plane(Plane.AXIAL);
        MprPlaneViewModel coronal = mpr.plane(Plane.CORONAL);
        MprPlaneViewModel sagittal = mpr.plane(Plane.SAGITTAL);
        axial.pointAt(14.5, 9.5);
        double[] crosshair = mpr.crosshair();

        axial.turnCrosshair(20);
        axial.turnCrosshair(10);

        assertTrue(coronal.isOblique() && sagittal.isOblique() && !axial.isOblique());
        assertEquals(30, axial.lineAngleProperty().get(), 1e-12);
        var g = coronal.geometry();
        double cos = Math.cos(Math.toRadians(30));
        double sin = Math.sin(Math.toRadians(30));
        // The coronal rows (x) turned 30° clockwise as the axial plane shows it (x right, y down); z stays up.
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {cos, sin, 0}, g.rowCosines(), 1e-12);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0, -1}, g.columnCosines(), 1e-12);
        assertEquals(0, dot(g.indexDirection(), sagittal.geometry().indexDirection()), 1e-12, "still perpendicular");
        assertEquals(1, g.pixelSpacing()[1], 1e-12, "the finer of the axial plane's spacings");
        assertEquals(3, g.pixelSpacing()[0], 1e-12, "z keeps the slice spacing");
        // The plane is the one of its grid nearest the crosshair (within half a spacing along its normal), and shows
        // the crosshair where it lies on it.
        double[] shown = g.patientPoint(coronal.crosshairColumnProperty().get() - 0.5, coronal.crosshairRowProperty().get() - 0.5);
        double[] off = {crosshair[0] - shown[0], crosshair[1] - shown[1], crosshair[2] - shown[2]};
        double normalOff = dot(off, g.indexDirection());
        assertTrue(Math.abs(normalOff) <= 0.5 + 1e-9, "off the plane by " + normalOff + " mm");
        for (int a = 0; a < 3; a++) {
            assertEquals(0, off[a] - normalOff * g.indexDirection()[a], 1e-9, "in-plane axis " + a);
        }

        // Voxels hold a linear function of the position: trilinear sampling gives it exactly inside the volume.
        var volume = mpr.volume();
        for (MprPlaneViewModel plane : List.of(coronal, sagittal)) {
            var pg = plane.geometry();
            float[] values = plane.values();
            int inside = 0;
            for (int r = 0; r < pg.rows(); r++) {
                for (int c = 0; c < pg.columns(); c++) {
                    double[] p = pg.patientPoint(c, r);
                    double[] index = volume.gridIndex(p);
                    float v = values[r * pg.columns() + c];
                    boolean within = index[0] > -1e-6 && index[0] < 31 + 1e-6 && index[1] > -1e-6 && index[1] < 23 + 1e-6
                            && index[2] > -1e-6 && index[2] < 19 + 1e-6;
                    if (within) {
                        assertEquals(value(p[0], p[1], p[2]), v, 2e-3, plane.plane() + " (" + c + ", " + r + ")");
                        inside++;
                    } else {
                        assertTrue(Float.isNaN(v), plane.plane() + " (" + c + ", " + r + ") lies outside: " + v);
                    }
                }
            }
            assertTrue(inside > 300, plane.plane() + ": " + inside + " pixels inside the volume");
        }
        assertTrue(coronal.topLeftProperty().get().endsWith("oblique, turned 30.0° about the axial normal"),
                coronal.topLeftProperty().get());
        assertTrue(axial.topLeftProperty().get().endsWith("crosshair turned 30.0°"), axial.topLeftProperty().get());

        // Scrolling the oblique plane moves the crosshair along its normal, a grid spacing (1 mm) a plane.
        int index = coronal.indexProperty().get();
        coronal.scrollBy(2);
        assertEquals(index + 2, coronal.indexProperty().get());
        double[] moved = mpr.crosshair();
        double[] step = {moved[0] - shown[0], moved[1] - shown[1], moved[2] - shown[2]};
        assertEquals(2, dot(step, g.indexDirection()), 1e-9, "onto the plane two on");
        assertEquals(0, dot(step, g.rowCosines()), 1e-9);
        assertEquals(0, dot(step, g.columnCosines()), 1e-9);

        // Back to the orthogonal planes: exact voxel copies again.
        mpr.resetRotation();
        assertTrue(!coronal.isOblique());
        assertEquals(0, axial.lineAngleProperty().get(), 0);
        var og = coronal.geometry();
        float[] values = coronal.values();
        for (int r = 0; r < og.rows(); r++) {
            for (int c = 0; c < og.columns(); c++) {
                double[] p = og.patientPoint(c, r);
                assertEquals(value(p[0], p[1], p[2]), values[r * og.columns() + c], 0f);
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    /** Holds background tasks until the test runs them, as a worker thread would some time later. */
    private static final class LaterExecutor implements TaskExecutor {
        private final List<BackgroundTask<?>> waiting = new ArrayList<>();
        private final CurrentThreadTaskExecutor worker = new CurrentThreadTaskExecutor();
        private final List<String> threads = new ArrayList<>();

        @Override
        public <V> TaskHandle execute(BackgroundTask<V> task) {
            waiting.add(task);
            return new TaskHandle() {
                @Override
                public void cancel() {
                    waiting.remove(task);
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }

                @Override
                public boolean isDone() {
                    return !waiting.contains(task);
                }
            };
        }

        void runWaiting() {
            List<BackgroundTask<?>> now = List.copyOf(waiting);
            waiting.clear();
            now.forEach(worker::execute);
        }

        @Override
        public void runOnUiThread(Runnable action) {
            action.run();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void a_multi_frame_series_has_its_headers_read_in_the_background_and_fills_in_whichever_comes_first() throws Exception {
        Geometry g = new Geometry(32, 24, new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {2, 1},
                Geometry.line(new double[] {-16, -20, 10}, new double[] {0, 0, 3}, 20));
        for (boolean pixelsFirst : new boolean[] {true, false}) {
            Path dir = folder.resolve("enhanced-" + pixelsFirst);
            SyntheticVolumeSeries.writeMultiFrame(dir, g);
            SeriesImages images = seriesImages(dir);
            LaterExecutor executor = new LaterExecutor();
            MprViewModel mpr = new MprViewModel(images, executor);

            // The constructor (on the UI thread) reads nothing: the header read waits for the worker.
            assertEquals(1, executor.waiting.size());
            assertNull(mpr.volume());
            assertEquals("Reading the frames' positions…", mpr.noticeProperty().get());
            if (pixelsFirst) {
                arrive(images, 0);
                assertNull(mpr.volume());
                executor.runWaiting();
            } else {
                executor.runWaiting();
                assertTrue(Float.isNaN(mpr.plane(Plane.CORONAL).values().length == 0 ? Float.NaN
                        : mpr.plane(Plane.CORONAL).values()[0]), "no pixels yet");
                arrive(images, 0);
            }
            assertEquals("", mpr.noticeProperty().get());
            for (MprPlaneViewModel plane : mpr.planes()) {
                float[] values = plane.values();
                var pg = plane.geometry();
                for (int r = 0; r < pg.rows(); r++) {
                    for (int c = 0; c < pg.columns(); c++) {
                        double[] p = pg.patientPoint(c, r);
                        assertEquals(value(p[0], p[1], p[2]), values[r * pg.columns() + c], 0f,
                                (pixelsFirst ? "pixels first: " : "header first: ") + plane.plane() + " (" + c + ", " + r + ")");
                    }
                }
            }
        }
    }

    @Test
    void what_is_not_a_volume_says_why() throws Exception {
        Path dir = folder.resolve("one");
        SyntheticCtSeries.write(dir, 1, 8, 8);
        MprViewModel mpr = new MprViewModel(seriesImages(dir), new CurrentThreadTaskExecutor());

        assertEquals("Not a volume: one image is not a volume (a volume needs parallel slices)", mpr.noticeProperty().get());
        assertNull(mpr.volume());
    }
}
