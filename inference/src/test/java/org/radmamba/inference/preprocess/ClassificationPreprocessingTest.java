package org.radmamba.inference.preprocess;

import org.junit.jupiter.api.Test;
import org.radmamba.inference.io.Npy;
import org.radmamba.inference.io.NpyArray;

import java.net.URL;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Resizing matches Pillow bit for bit (fixtures from make-resize.py with Pillow 9.4.0); normalisation is torchvision's. */
class ClassificationPreprocessingTest {

    /** The same synthetic image as make-resize.py. */
    private static ByteImage synthetic(int width, int height, int channels) {
        byte[] px = new byte[width * height * channels];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < channels; c++) {
                    px[(y * width + x) * channels + c] = (byte) ((x * 7 + y * 13 + c * 50 + (x * y) % 31) % 256);
                }
            }
        }
        return new ByteImage(width, height, channels, px);
    }

    private static byte[] golden(String name) throws Exception {
        URL url = ClassificationPreprocessingTest.class.getResource("/preprocess/" + name + ".resized224.npy");
        NpyArray a = Npy.read(Path.of(url.toURI()));
        assertArrayEquals(new long[] {224, 224, 3}, a.shape());
        byte[] out = new byte[a.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (int) a.data()[i];
        }
        return out;
    }

    @Test
    void shrinking_an_rgb_photograph_matches_pillow_exactly() throws Exception {
        assertArrayEquals(golden("rgb_517x389"), PillowBilinear.resize(synthetic(517, 389, 3), 224, 224).pixels());
    }

    @Test
    void shrinking_one_side_and_enlarging_the_other_matches_pillow_exactly() throws Exception {
        assertArrayEquals(golden("rgb_300x150"), PillowBilinear.resize(synthetic(300, 150, 3), 224, 224).pixels());
    }

    @Test
    void a_grey_image_is_replicated_to_rgb_then_enlarged_as_pillow_does() throws Exception {
        assertArrayEquals(golden("grey_97x61"), PillowBilinear.resize(synthetic(97, 61, 1).toRgb(), 224, 224).pixels());
    }

    @Test
    void samples_are_scaled_to_minus_one_to_one_per_channel_plane() {
        byte[] px = new byte[224 * 224 * 3];
        for (int p = 0; p < 224 * 224; p++) {
            px[3 * p] = 0;
            px[3 * p + 1] = (byte) 255;
            px[3 * p + 2] = (byte) 51;
        }
        float[] x = ClassificationPreprocessing.MEDMAMBA.apply(new ByteImage(224, 224, 3, px));
        int plane = 224 * 224;
        assertEquals(3 * plane, x.length);
        assertEquals(-1f, x[0]);
        assertEquals(1f, x[plane + 1000]);
        assertEquals((51 / 255f - 0.5f) / 0.5f, x[2 * plane + 7]);
    }
}
