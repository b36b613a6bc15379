package org.radmamba.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries;
import org.radmamba.viewer.dicom.SyntheticVolumeSeries.Geometry;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code radmamba reformat} on generated series whose voxels hold x + 4y + 16z of their patient position (mm): each
 * pixel of the .npy is checked against the value of the point the conventions put there.
 */
class ReformatCommandTest {

    @TempDir
    Path dir;

    /** x = −16..15 (1 mm), y = −20..26 (2 mm), z = 10..67 (3 mm): 32 × 24 × 20 voxels. */
    private static Geometry axial(boolean descending) {
        List<double[]> positions = Geometry.line(new double[] {-16, -20, 10}, new double[] {0, 0, 3}, 20);
        return new Geometry(32, 24, new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {2, 1},
                descending ? new ArrayList<>(positions).reversed() : positions);
    }

    /** The same voxels acquired as sagittal slices (columns along y, rows down z). */
    private static Geometry sagittal(boolean descending) {
        List<double[]> positions = Geometry.line(new double[] {-16, -20, 67}, new double[] {1, 0, 0}, 32);
        return new Geometry(24, 20, new double[] {0, 1, 0}, new double[] {0, 0, -1}, new double[] {3, 2},
                descending ? new ArrayList<>(positions).reversed() : positions);
    }

    private interface Point {
        double[] at(int column, int row);
    }

    private void assertNpy(Path npy, int rows, int columns, Point point) throws Exception {
        byte[] bytes = Files.readAllBytes(npy);
        int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + columns + "), }"),
                header);
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, rows * columns * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                assertEquals((float) SyntheticVolumeSeries.value(point.at(c, r)), data.getFloat(), 0f,
                        "pixel (" + c + ", " + r + ")");
            }
        }
    }

    @Test
    void coronal_planes_of_axial_slices_in_either_order_hold_the_voxels_seen_from_the_front() throws Exception {
        for (boolean descending : new boolean[] {false, true}) {
            Path series = dir.resolve("axial-" + descending);
            SyntheticVolumeSeries.write(series, axial(descending));
            Path out = dir.resolve("coronal-" + descending + ".npy");

            InfoCommandTest.Run run = InfoCommandTest.run("reformat", series.toString(), "--plane", "coronal",
                    "--index", "7", "--out", out.toString(), "--json");

            assertEquals(ExitCodes.OK, run.exitCode(), run.err());
            // Plane 7 from anterior: y = −20 + 2·7 = −6; the patient's right (x = −16) on the left, superior up.
            assertNpy(out, 20, 32, (c, r) -> new double[] {-16 + c, -6, 67 - 3 * r});
            JsonNode json = new ObjectMapper().readTree(run.out());
            assertEquals("coronal", json.get("plane").asText());
            assertEquals(24, json.get("planes").asInt());
            assertEquals("[3.0,1.0]", json.get("pixelSpacing").toString());
            assertEquals("[-16.0,-6.0,67.0]", json.get("firstPixelPosition").toString());
            assertEquals("[1.0,0.0,0.0]", json.get("rowDirectionCosines").toString());
            assertEquals("[0.0,0.0,-1.0]", json.get("columnDirectionCosines").toString());
        }
    }

    @Test
    void axial_and_sagittal_planes_of_sagittal_slices_follow_the_display_convention() throws Exception {
        Path series = dir.resolve("sagittal");
        SyntheticVolumeSeries.write(series, sagittal(true));
        Path axialOut = dir.resolve("axial.npy");
        Path sagittalOut = dir.resolve("sagittal.npy");

        InfoCommandTest.Run axialRun = InfoCommandTest.run("reformat", series.toString(), "--plane", "axial",
                "--index", "19", "--out", axialOut.toString());
        InfoCommandTest.Run sagittalRun = InfoCommandTest.run("reformat", series.toString(), "--plane", "sagittal",
                "--index", "0", "--out", sagittalOut.toString(), "--json");

        assertEquals(ExitCodes.OK, axialRun.exitCode(), axialRun.err());
        assertEquals(ExitCodes.OK, sagittalRun.exitCode(), sagittalRun.err());
        // Axial 19 is the most superior (z = 67), seen from the feet: x across, anterior (y = −20) at the top.
        assertNpy(axialOut, 24, 32, (c, r) -> new double[] {-16 + c, -20 + 2 * r, 67});
        // Sagittal 0 is the patient's rightmost (x = −16): anterior on the left, superior up.
        assertNpy(sagittalOut, 20, 24, (c, r) -> new double[] {-16, -20 + 2 * c, 67 - 3 * r});
        assertEquals("[0.0,1.0,0.0]", new ObjectMapper().readTree(sagittalRun.out()).get("rowDirectionCosines").toString());
    }

    @Test
    void a_mip_slab_takes_the_brightest_plane_within_half_the_thickness() throws Exception {
        Path series = dir.resolve("axial");
        SyntheticVolumeSeries.write(series, axial(false));
        Path out = dir.resolve("mip.npy");

        // Axial planes are 3 mm apart: 12 mm takes planes 3..7 around 5; the value grows with z.
        InfoCommandTest.Run run = InfoCommandTest.run("reformat", series.toString(), "--plane", "axial", "--index", "5",
                "--slab-mm", "12", "--mode", "mip", "--out", out.toString(), "--json");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertNpy(out, 24, 32, (c, r) -> new double[] {-16 + c, -20 + 2 * r, 10 + 3 * 7});
        assertEquals(5, new ObjectMapper().readTree(run.out()).get("slab").get("planes").asInt());
    }

    @Test
    void png_shows_the_plane_with_the_series_window() throws Exception {
        Path series = dir.resolve("axial");
        SyntheticVolumeSeries.write(series, axial(false));
        Path out = dir.resolve("sagittal.png");

        InfoCommandTest.Run run = InfoCommandTest.run("reformat", series.toString(), "--plane", "sagittal", "--index",
                "31", "--out", out.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        BufferedImage png = ImageIO.read(out.toFile());
        assertEquals(24, png.getWidth());
        assertEquals(20, png.getHeight());
        // Window centre 0, width 4000 (LINEAR): value v shows as round(((v + 0.5) / 3999 + 0.5) · 255).
        for (int r = 0; r < 20; r++) {
            for (int c = 0; c < 24; c++) {
                double v = SyntheticVolumeSeries.value(new double[] {15, -20 + 2 * c, 67 - 3 * r});
                assertEquals(Math.round(((v + 0.5) / 3999 + 0.5) * 255), png.getRaster().getSample(c, r, 0),
                        "pixel (" + c + ", " + r + ")");
            }
        }
    }

    @Test
    void a_gantry_tilt_is_reported_on_stderr() throws Exception {
        Path series = dir.resolve("tilted");
        SyntheticVolumeSeries.write(series, new Geometry(32, 24, new double[] {1, 0, 0}, new double[] {0, 1, 0},
                new double[] {2, 1}, Geometry.line(new double[] {-16, -20, 10}, new double[] {0, 1, 2}, 20)));

        InfoCommandTest.Run run = InfoCommandTest.run("reformat", series.toString(), "--plane", "sagittal", "--index",
                "3", "--out", dir.resolve("s.npy").toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("warning: gantry tilt of 26.565°"), run.err());
    }

    @Test
    void an_index_out_of_range_is_a_usage_error() throws Exception {
        Path series = dir.resolve("axial");
        SyntheticVolumeSeries.write(series, axial(false));

        InfoCommandTest.Run run = InfoCommandTest.run("reformat", series.toString(), "--plane", "coronal", "--index",
                "24", "--out", dir.resolve("x.npy").toString());

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertEquals("--index 24 is out of range: the volume has 24 coronal planes, counted from 0", run.err().strip());
    }

    @Test
    void what_is_not_one_volume_is_refused_in_one_line() throws Exception {
        SyntheticVolumeSeries.write(dir.resolve("two/a"), axial(false));
        SyntheticCtSeries.write(dir.resolve("two/b"), 3, 8, 8);
        Path single = SyntheticCtSeries.write(dir.resolve("one"), 1, 8, 8).getFirst();

        InfoCommandTest.Run two = InfoCommandTest.run("reformat", dir.resolve("two").toString(), "--plane", "axial",
                "--index", "0", "--out", dir.resolve("x.npy").toString());
        InfoCommandTest.Run one = InfoCommandTest.run("reformat", single.toString(), "--plane", "axial",
                "--index", "0", "--out", dir.resolve("x.npy").toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, two.exitCode());
        assertTrue(two.err().strip().matches(".*two: not a volume: it holds 2 series; give the folder or files of one \\(.*\\)"),
                two.err());
        assertEquals(1, two.err().strip().lines().count(), two.err());
        assertEquals(ExitCodes.INPUT_UNREADABLE, one.exitCode());
        assertEquals(single + ": not a volume: one image is not a volume (a volume needs parallel slices)", one.err().strip());
        assertTrue(Files.notExists(dir.resolve("x.npy")));
    }

    @Test
    void an_oblique_plane_turned_about_the_axial_normal_samples_the_volume_along_the_turned_rows() throws Exception {
        Path series = dir.resolve("oblique");
        SyntheticVolumeSeries.write(series, axial(false));
        Path out = dir.resolve("oblique.npy");

        InfoCommandTest.Run run = InfoCommandTest.run("reformat", series.toString(), "--plane", "coronal", "--turn", "30",
                "--about", "axial", "--index", "20", "--out", out.toString(), "--json");

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        double cos = Math.cos(Math.toRadians(30));
        double sin = Math.sin(Math.toRadians(30));
        // The coronal rows (x) turned 30° clockwise as the axial plane shows it (x right, y down); z stays up.
        assertEquals(cos, json.get("rowDirectionCosines").get(0).asDouble(), 1e-12);
        assertEquals(sin, json.get("rowDirectionCosines").get(1).asDouble(), 1e-12);
        assertEquals(-1, json.get("columnDirectionCosines").get(2).asDouble(), 1e-12);
        assertEquals("axial", json.get("turned").get("about").asText());
        int rows = json.get("rows").asInt();
        int columns = json.get("columns").asInt();
        double[] first = new double[3];
        for (int a = 0; a < 3; a++) {
            first[a] = json.get("firstPixelPosition").get(a).asDouble();
        }
        double rowSpacing = json.get("pixelSpacing").get(0).asDouble();
        double columnSpacing = json.get("pixelSpacing").get(1).asDouble();
        byte[] bytes = Files.readAllBytes(out);
        int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, rows * columns * 4).order(ByteOrder.LITTLE_ENDIAN);
        int inside = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                double[] p = {first[0] + c * columnSpacing * cos, first[1] + c * columnSpacing * sin,
                        first[2] - r * rowSpacing};
                float v = data.getFloat();
                // Inside the voxel centres' box (x −16..15, y −20..26, z 10..67) the linear content comes back exactly.
                boolean within = p[0] > -16 - 1e-6 && p[0] < 15 + 1e-6 && p[1] > -20 - 1e-6 && p[1] < 26 + 1e-6
                        && p[2] > 10 - 1e-6 && p[2] < 67 + 1e-6;
                if (within) {
                    assertEquals(SyntheticVolumeSeries.value(p), v, 2e-3, "pixel (" + c + ", " + r + ")");
                    inside++;
                } else {
                    assertTrue(Float.isNaN(v), "pixel (" + c + ", " + r + ") lies outside: " + v);
                }
            }
        }
        assertTrue(inside > 200, inside + " pixels inside");

        InfoCommandTest.Run refused = InfoCommandTest.run("reformat", series.toString(), "--plane", "coronal", "--turn",
                "30", "--index", "0", "--out", out.toString());
        assertEquals(ExitCodes.USAGE, refused.exitCode());
        assertEquals("--turn needs --about with another plane than --plane coronal (the plane whose normal it turns about)",
                refused.err().strip());
    }
}
