package org.radmamba.viewer.volume;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries.Geometry;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.study.DecodedImage;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.Series;
import org.radmamba.viewer.study.StudyScanner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Volumes read from generated DICOM series whose voxels hold a known linear function of their patient position
 * ({@link SyntheticVolumeSeries#value}), reformatted and checked pixel for pixel against the value of the point each
 * pixel shows, where that point is computed here from the generator's geometry, not from the code under test.
 */
class VolumeReformatTest {

    @TempDir
    Path dir;

    /**
     * One voxel lattice, 32 (x) × 24 (y) × 20 (z): x = −16..15 step 1, y = −20..26 step 2, z = 10..67 step 3, acquired
     * in each orientation, in either slice order, as single-frame files or one enhanced multi-frame file.
     */
    enum Acquisition {
        AXIAL_ASCENDING, AXIAL_DESCENDING, AXIAL_FLIPPED_IN_PLANE, CORONAL_ASCENDING, CORONAL_DESCENDING,
        SAGITTAL_ASCENDING, SAGITTAL_DESCENDING, AXIAL_MULTI_FRAME, SAGITTAL_MULTI_FRAME_DESCENDING;

        Geometry geometry() {
            Geometry g = switch (this) {
                case AXIAL_ASCENDING, AXIAL_DESCENDING, AXIAL_MULTI_FRAME -> new Geometry(32, 24,
                        new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {2, 1},
                        Geometry.line(new double[] {-16, -20, 10}, new double[] {0, 0, 3}, 20));
                case AXIAL_FLIPPED_IN_PLANE -> new Geometry(32, 24, new double[] {-1, 0, 0}, new double[] {0, -1, 0},
                        new double[] {2, 1}, Geometry.line(new double[] {15, 26, 10}, new double[] {0, 0, 3}, 20));
                case CORONAL_ASCENDING, CORONAL_DESCENDING -> new Geometry(32, 20, new double[] {1, 0, 0},
                        new double[] {0, 0, -1}, new double[] {3, 1},
                        Geometry.line(new double[] {-16, -20, 67}, new double[] {0, 2, 0}, 24));
                case SAGITTAL_ASCENDING, SAGITTAL_DESCENDING, SAGITTAL_MULTI_FRAME_DESCENDING -> new Geometry(24, 20,
                        new double[] {0, 1, 0}, new double[] {0, 0, -1}, new double[] {3, 2},
                        Geometry.line(new double[] {-16, -20, 67}, new double[] {1, 0, 0}, 32));
            };
            if (name().contains("DESCENDING")) {
                List<double[]> reversed = new ArrayList<>(g.positions()).reversed();
                g = new Geometry(g.columns(), g.rows(), g.rowCosines(), g.columnCosines(), g.pixelSpacing(), reversed);
            }
            return g;
        }

        boolean multiFrame() {
            return name().contains("MULTI_FRAME");
        }
    }

    @ParameterizedTest
    @EnumSource(Acquisition.class)
    void every_plane_of_an_aligned_acquisition_is_an_exact_copy_of_the_voxels_in_display_orientation(
            Acquisition acquisition) throws Exception {
        Geometry g = acquisition.geometry();
        if (acquisition.multiFrame()) {
            SyntheticVolumeSeries.writeMultiFrame(dir, g);
        } else {
            SyntheticVolumeSeries.write(dir, g);
        }
        Volume volume = read(dir);
        assertEquals(List.of(), volume.warnings());
        Reformatter reformatter = new Reformatter(volume);

        assertEquals(20, reformatter.planeCount(Plane.AXIAL));
        assertEquals(24, reformatter.planeCount(Plane.CORONAL));
        assertEquals(32, reformatter.planeCount(Plane.SAGITTAL));
        for (int n = 0; n < 20; n++) {
            int z = 10 + 3 * n;
            // Axial from the feet: x (right to left) across, y (anterior to posterior) down.
            assertPlane(reformatter, Plane.AXIAL, n, 24, 32, new double[] {2, 1}, new double[] {-16, -20, z},
                    (c, r) -> new double[] {-16 + c, -20 + 2 * r, z});
        }
        for (int n = 0; n < 24; n++) {
            int y = -20 + 2 * n;
            // Coronal from the front: x across, superior up.
            assertPlane(reformatter, Plane.CORONAL, n, 20, 32, new double[] {3, 1}, new double[] {-16, y, 67},
                    (c, r) -> new double[] {-16 + c, y, 67 - 3 * r});
        }
        for (int n = 0; n < 32; n++) {
            int x = -16 + n;
            // Sagittal: anterior on the left (y across), superior up.
            assertPlane(reformatter, Plane.SAGITTAL, n, 20, 24, new double[] {3, 2}, new double[] {x, -20, 67},
                    (c, r) -> new double[] {x, -20 + 2 * c, 67 - 3 * r});
        }
    }

    private interface PixelPoint {
        double[] at(int column, int row);
    }

    private static void assertPlane(Reformatter reformatter, Plane plane, int index, int rows, int columns,
                                    double[] spacing, double[] first, PixelPoint point) {
        PlaneGeometry g = reformatter.geometry(plane, index);
        assertEquals(rows, g.rows(), plane + " rows");
        assertEquals(columns, g.columns(), plane + " columns");
        assertArrayEquals(spacing, g.pixelSpacing(), 1e-9, plane + " spacing");
        assertArrayEquals(first, g.firstPixel(), 1e-9, plane + " " + index + " first pixel");
        float[] values = reformatter.reformat(plane, index, Slab.NONE);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                double[] p = point.at(c, r);
                assertArrayEquals(p, g.patientPoint(c, r), 1e-9);
                assertEquals((float) SyntheticVolumeSeries.value(p), values[r * columns + c], 0f,
                        plane + " " + index + " pixel (" + c + ", " + r + ")");
            }
        }
    }

    @Test
    void the_planes_geometry_uses_the_radiological_directions() throws Exception {
        SyntheticVolumeSeries.write(dir, Acquisition.AXIAL_ASCENDING.geometry());
        Reformatter reformatter = new Reformatter(read(dir));

        assertArrayEquals(new double[] {1, 0, 0}, reformatter.geometry(Plane.AXIAL, 0).rowCosines());
        assertArrayEquals(new double[] {0, 1, 0}, reformatter.geometry(Plane.AXIAL, 0).columnCosines());
        assertArrayEquals(new double[] {1, 0, 0}, reformatter.geometry(Plane.CORONAL, 0).rowCosines());
        assertArrayEquals(new double[] {0, 0, -1}, reformatter.geometry(Plane.CORONAL, 0).columnCosines());
        assertArrayEquals(new double[] {0, 1, 0}, reformatter.geometry(Plane.SAGITTAL, 0).rowCosines());
        assertArrayEquals(new double[] {0, 0, -1}, reformatter.geometry(Plane.SAGITTAL, 0).columnCosines());
    }

    @Test
    void an_oblique_acquisition_is_interpolated_inside_and_empty_outside() throws Exception {
        // Rows along (0.6, 0.8, 0) every 5 mm, columns down every 3 mm, slices along (−0.8, 0.6, 0) every 5 mm:
        // every voxel centre on whole millimetres, so the voxels hold the linear function exactly.
        double[] rowCosines = {0.6, 0.8, 0};
        double[] columnCosines = {0, 0, -1};
        double[] normal = {-0.8, 0.6, 0};
        double[] origin = {0, 0, 60};
        Geometry g = new Geometry(16, 12, rowCosines, columnCosines, new double[] {3, 5},
                Geometry.line(origin, new double[] {-4, 3, 0}, 10));
        SyntheticVolumeSeries.write(dir, g);
        Reformatter reformatter = new Reformatter(read(dir));

        int checked = 0;
        int outside = 0;
        for (Plane plane : Plane.values()) {
            for (int n = 0; n < reformatter.planeCount(plane); n += 3) {
                PlaneGeometry pg = reformatter.geometry(plane, n);
                float[] values = reformatter.reformat(plane, n, Slab.NONE);
                for (int r = 0; r < pg.rows(); r++) {
                    for (int c = 0; c < pg.columns(); c++) {
                        double[] p = pg.patientPoint(c, r);
                        double[] d = {p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]};
                        double[] index = {Volume.dot(d, rowCosines) / 5, Volume.dot(d, columnCosines) / 3,
                                Volume.dot(d, normal) / 5};
                        Boolean inside = inside(index, new int[] {16, 12, 10});
                        float actual = values[r * pg.columns() + c];
                        if (inside == null) {
                            continue;
                        }
                        if (inside) {
                            assertEquals(SyntheticVolumeSeries.value(p), actual, 2e-3, plane + " " + n + " (" + c + ", " + r + ")");
                            checked++;
                        } else {
                            assertTrue(Float.isNaN(actual), plane + " " + n + " (" + c + ", " + r + ") is outside: " + actual);
                            outside++;
                        }
                    }
                }
            }
        }
        assertTrue(checked > 1000 && outside > 1000, checked + " inside, " + outside + " outside");
    }

    /** True well inside a grid of {@code size} voxels, false well outside, null on the edge (not checked). */
    private static Boolean inside(double[] index, int[] size) {
        boolean in = true;
        for (int a = 0; a < 3; a++) {
            if (index[a] < -1e-3 || index[a] > size[a] - 1 + 1e-3) {
                return false;
            }
            in &= index[a] > 1e-3 && index[a] < size[a] - 1 - 1e-3;
        }
        return in ? true : null;
    }

    @Test
    void a_gantry_tilted_series_is_a_sheared_volume_with_a_warning() throws Exception {
        // Each slice 2 mm up and 1 mm back: a tilt of atan(1/2) = 26.565°.
        Geometry g = new Geometry(32, 24, new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {2, 1},
                Geometry.line(new double[] {-16, -20, 10}, new double[] {0, 1, 2}, 20));
        SyntheticVolumeSeries.write(dir, g);
        Volume volume = read(dir);
        assertEquals(List.of("gantry tilt of 26.565°: the slices are sheared, and the planes are cut through the"
                + " sheared volume"), volume.warnings());
        Reformatter reformatter = new Reformatter(volume);

        int checked = 0;
        for (Plane plane : Plane.values()) {
            for (int n = 0; n < reformatter.planeCount(plane); n += 2) {
                PlaneGeometry pg = reformatter.geometry(plane, n);
                float[] values = reformatter.reformat(plane, n, Slab.NONE);
                for (int r = 0; r < pg.rows(); r++) {
                    for (int c = 0; c < pg.columns(); c++) {
                        double[] p = pg.patientPoint(c, r);
                        double k = (p[2] - 10) / 2;
                        double[] index = {p[0] + 16, (p[1] - (-20 + k)) / 2, k};
                        Boolean inside = inside(index, new int[] {32, 24, 20});
                        float actual = values[r * pg.columns() + c];
                        if (Boolean.TRUE.equals(inside)) {
                            assertEquals(SyntheticVolumeSeries.value(p), actual, 2e-3, plane + " " + n + " (" + c + ", " + r + ")");
                            checked++;
                        } else if (Boolean.FALSE.equals(inside)) {
                            assertTrue(Float.isNaN(actual), plane + " " + n + " (" + c + ", " + r + ") is outside: " + actual);
                        }
                    }
                }
            }
        }
        assertTrue(checked > 5000, checked + " pixels checked");
        // The axial planes lie on the slices: exact copies.
        PlaneGeometry axial = reformatter.geometry(Plane.AXIAL, 4);
        assertEquals(18, axial.normalPosition(), 1e-9);
    }

    @Test
    void a_series_of_varying_spacing_is_resampled_to_a_uniform_one_with_a_warning() throws Exception {
        List<double[]> positions = new ArrayList<>();
        for (double z : new double[] {10, 12, 14, 17, 20, 23, 25, 27}) {
            positions.add(new double[] {-16, -20, z});
        }
        SyntheticVolumeSeries.write(dir, new Geometry(32, 24, new double[] {1, 0, 0}, new double[] {0, 1, 0},
                new double[] {2, 1}, positions));
        Volume volume = read(dir);
        assertEquals(List.of("slice spacing varies from 2 to 3 mm: resampled to a uniform 2 mm (linear between slices)"),
                volume.warnings());
        Reformatter reformatter = new Reformatter(volume);
        assertEquals(9, reformatter.planeCount(Plane.AXIAL));
        for (int n = 0; n < 24; n++) {
            int y = -20 + 2 * n;
            PlaneGeometry g = reformatter.geometry(Plane.CORONAL, n);
            assertEquals(9, g.rows());
            float[] values = reformatter.reformat(Plane.CORONAL, n, Slab.NONE);
            for (int r = 0; r < 9; r++) {
                for (int c = 0; c < 32; c++) {
                    double[] p = {-16 + c, y, 26 - 2 * r};
                    assertEquals(SyntheticVolumeSeries.value(p), values[r * 32 + c], 1e-3, "(" + c + ", " + r + ")");
                }
            }
        }
    }

    @Test
    void missing_slices_are_gaps_with_a_warning() throws Exception {
        List<double[]> positions = new ArrayList<>();
        for (double z : new double[] {10, 12, 14, 18, 20, 26}) {
            positions.add(new double[] {-16, -20, z});
        }
        SyntheticVolumeSeries.write(dir, new Geometry(32, 24, new double[] {1, 0, 0}, new double[] {0, 1, 0},
                new double[] {2, 1}, positions));
        Volume volume = read(dir);
        assertEquals(List.of("3 slices are missing (at 16, 22, 24 mm along the normal): shown as gaps"), volume.warnings());
        Reformatter reformatter = new Reformatter(volume);
        float[] values = reformatter.reformat(Plane.SAGITTAL, 5, Slab.NONE);
        assertEquals(9 * 24, values.length);
        for (int r = 0; r < 9; r++) {
            int z = 26 - 2 * r;
            boolean gap = z == 16 || z == 22 || z == 24;
            for (int c = 0; c < 24; c++) {
                float actual = values[r * 24 + c];
                if (gap) {
                    assertTrue(Float.isNaN(actual), "z " + z + " is a gap: " + actual);
                } else {
                    assertEquals((float) SyntheticVolumeSeries.value(new double[] {-11, -20 + 2 * c, z}), actual, 0f);
                }
            }
        }
    }

    @Test
    void slabs_take_the_maximum_minimum_or_mean_of_the_planes_within_half_the_thickness() throws Exception {
        SyntheticVolumeSeries.write(dir, Acquisition.AXIAL_ASCENDING.geometry());
        Reformatter reformatter = new Reformatter(read(dir));
        // Coronal planes are 2 mm apart: 8 mm is the plane and two on each side; the value grows with y.
        for (int n : new int[] {0, 1, 10, 23}) {
            PlaneGeometry g = reformatter.geometry(Plane.CORONAL, n);
            float[] mip = reformatter.reformat(Plane.CORONAL, n, new Slab(8, Slab.Mode.MIP));
            float[] minip = reformatter.reformat(Plane.CORONAL, n, new Slab(8, Slab.Mode.MINIP));
            float[] mean = reformatter.reformat(Plane.CORONAL, n, new Slab(8, Slab.Mode.AVERAGE));
            int top = Math.min(n + 2, 23);
            int bottom = Math.max(n - 2, 0);
            for (int r = 0; r < g.rows(); r++) {
                for (int c = 0; c < g.columns(); c++) {
                    double x = -16 + c;
                    double z = 67 - 3 * r;
                    int i = r * g.columns() + c;
                    assertEquals((float) SyntheticVolumeSeries.value(new double[] {x, -20 + 2 * top, z}), mip[i], 0f);
                    assertEquals((float) SyntheticVolumeSeries.value(new double[] {x, -20 + 2 * bottom, z}), minip[i], 0f);
                    assertEquals(SyntheticVolumeSeries.value(new double[] {x, -20 + (top + bottom), z}), mean[i], 1e-3);
                }
            }
        }
        assertEquals(5, new Slab(8, Slab.Mode.MIP).planes(2));
        assertEquals(1, new Slab(3.9, Slab.Mode.MIP).planes(2));
    }

    @Test
    void the_volume_reads_the_series_frames_where_they_lie() throws Exception {
        SyntheticVolumeSeries.write(dir, Acquisition.AXIAL_ASCENDING.geometry());
        Series series = new StudyScanner().scan(List.of(dir)).series().getFirst();
        List<DecodedImage> images = new ArrayList<>();
        ImageLoader loader = new ImageLoader();
        for (Instance instance : series.instances()) {
            images.add(DecodedImage.of(loader.load(instance)));
        }
        Volume volume = Volume.of(SeriesVolumes.slices(images, DicomReaders.standard()));
        Samples.Shorts third = (Samples.Shorts) images.get(2).frame(0).samples();
        // Voxel (5, 7) of slice 2; stored = value + 32768.
        third.array()[third.offset() + 7 * 32 + 5] = (short) (1000 + 32768);

        assertEquals(1000f, volume.voxel(5, 7, 2), 0f);
    }

    @Test
    void slices_that_are_not_one_volume_are_refused_with_the_reason() {
        VolumeSlice a = slice("a.dcm", new double[] {0, 0, 0}, new double[] {1, 0, 0, 0, 1, 0}, 4, 4);
        VolumeSlice b = slice("b.dcm", new double[] {0, 0, 1}, new double[] {1, 0, 0, 0, 1, 0}, 4, 4);

        assertEquals("mixed orientations: c.dcm is oriented 1\\0\\0\\0\\0\\-1, a.dcm 1\\0\\0\\0\\1\\0",
                assertThrows(NotAVolumeException.class, () -> Volume.of(List.of(a, b,
                        slice("c.dcm", new double[] {0, 0, 2}, new double[] {1, 0, 0, 0, 0, -1}, 4, 4)))).getMessage());
        assertEquals("differing sizes: c.dcm is 5x4, a.dcm 4x4",
                assertThrows(NotAVolumeException.class, () -> Volume.of(List.of(a, b,
                        slice("c.dcm", new double[] {0, 0, 2}, new double[] {1, 0, 0, 0, 1, 0}, 4, 5)))).getMessage());
        assertEquals("a.dcm and c.dcm lie at the same place (0 mm along the normal): more than one volume (phases, echoes?)",
                assertThrows(NotAVolumeException.class, () -> Volume.of(List.of(a, b,
                        slice("c.dcm", new double[] {0, 0, 0}, new double[] {1, 0, 0, 0, 1, 0}, 4, 4)))).getMessage());
        assertEquals("slice positions do not lie on one line: b.dcm is 3 mm off the line through the first and the last",
                assertThrows(NotAVolumeException.class, () -> Volume.of(List.of(a,
                        slice("b.dcm", new double[] {3, 0, 1}, new double[] {1, 0, 0, 0, 1, 0}, 4, 4),
                        slice("c.dcm", new double[] {0, 0, 2}, new double[] {1, 0, 0, 0, 1, 0}, 4, 4)))).getMessage());
        assertEquals("one image is not a volume (a volume needs parallel slices)",
                assertThrows(NotAVolumeException.class, () -> Volume.of(List.of(a))).getMessage());
        assertEquals("n.dcm: has no Image Position (Patient)",
                assertThrows(NotAVolumeException.class, () -> Volume.of(List.of(a,
                        slice("n.dcm", null, new double[] {1, 0, 0, 0, 1, 0}, 4, 4)))).getMessage());
    }

    private static VolumeSlice slice(String name, double[] position, double[] orientation, int rows, int columns) {
        FrameFormat format = new FrameFormat(rows, columns, 1, 16, 12, false, 0, "MONOCHROME2");
        return new VolumeSlice(name, position, orientation, new double[] {1, 1}, rows, columns,
                new DecodedFrame(new Samples.Shorts(new short[rows * columns]), "MONOCHROME2"), PixelPipeline.identity(format));
    }

    static Volume read(Path folder) throws Exception {
        ScanResult scan = new StudyScanner().scan(List.of(folder));
        assertEquals(List.of(), scan.failures());
        assertEquals(1, scan.series().size());
        List<String> skipped = new ArrayList<>();
        Volume volume = SeriesVolumes.read(scan.series().getFirst(), new ImageLoader(), DicomReaders.standard(), skipped::add);
        assertEquals(List.of(), skipped);
        return volume;
    }

}
