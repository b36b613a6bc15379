package org.radmamba.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.app.ExitCodes;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.LoadedImage;
import org.radmamba.viewer.study.StudyScanner;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportCommandTest {

    @TempDir
    Path dir;

    private LoadedImage load(Path file) throws Exception {
        return new ImageLoader().load(new StudyScanner().scan(List.of(file)).instances().get(0));
    }

    @Test
    void npy_holds_the_frames_stored_values_with_the_dtype_of_the_file() throws Exception {
        Path file = SyntheticCtSeries.write(dir.resolve("ct"), 1, 5, 7).get(0);
        Path out = dir.resolve("frame.npy");

        InfoCommandTest.Run run = InfoCommandTest.run("export", file.toString(), "--frame", "0", "--format", "npy", "--out", out.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        byte[] npy = Files.readAllBytes(out);
        int headerLength = ByteBuffer.wrap(npy, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        String header = new String(npy, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<u2', 'fortran_order': False, 'shape': (5, 7), }"), header);
        assertEquals(0, (10 + headerLength) % 64);
        short[] values = new short[35];
        ByteBuffer.wrap(npy, 10 + headerLength, 70).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(values);
        assertArrayEquals(((Samples.Shorts) load(file).frame(0).samples()).toArray(), values);
    }

    @Test
    void png_holds_the_displayed_image_with_the_first_window() throws Exception {
        Path file = SyntheticCtSeries.write(dir.resolve("ct"), 1, 6, 4).get(0);
        Path out = dir.resolve("frame.png");

        InfoCommandTest.Run run = InfoCommandTest.run("export", file.toString(), "--format", "png", "--out", out.toString());

        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        BufferedImage png = ImageIO.read(out.toFile());
        LoadedImage image = load(file);
        DecodedFrame frame = image.frame(0);
        PixelPipeline pipeline = image.pipeline(0);
        byte[] expected = new byte[24];
        pipeline.toGrey(frame, pipeline.defaultVoi(frame), expected);
        assertEquals(4, png.getWidth());
        assertEquals(6, png.getHeight());
        for (int i = 0; i < 24; i++) {
            assertEquals(expected[i] & 0xFF, png.getRaster().getSample(i % 4, i / 4, 0), "pixel " + i);
        }
    }

    @Test
    void a_frame_out_of_range_is_a_usage_error() throws Exception {
        Path file = SyntheticCtSeries.write(dir.resolve("ct"), 1, 4, 4).get(0);

        InfoCommandTest.Run run = InfoCommandTest.run("export", file.toString(), "--frame", "3", "--format", "npy",
                "--out", dir.resolve("x.npy").toString());

        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--frame 3 is out of range"), run.err());
    }

    @Test
    void an_unreadable_file_exits_3_with_one_line_naming_it() throws Exception {
        byte[] whole = Files.readAllBytes(SyntheticCtSeries.write(dir.resolve("ct"), 1, 4, 4).get(0));
        Path cut = Files.write(dir.resolve("cut.dcm"), java.util.Arrays.copyOf(whole, whole.length - 5));

        InfoCommandTest.Run run = InfoCommandTest.run("export", cut.toString(), "--format", "png", "--out", dir.resolve("x.png").toString());

        assertEquals(ExitCodes.INPUT_UNREADABLE, run.exitCode());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith(cut.toAbsolutePath() + ": "), run.err());
        assertTrue(run.err().contains("Pixel Data"), run.err());
    }
}
