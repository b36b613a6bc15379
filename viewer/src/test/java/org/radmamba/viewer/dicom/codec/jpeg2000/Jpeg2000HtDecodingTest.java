package org.radmamba.viewer.dicom.codec.jpeg2000;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Whole HTJ2K code streams through {@link Jpeg2000Reader}: ojph_compress streams with several resolutions,
 * code-blocks, tiles, precincts, progression orders, colour transforms, reversible and irreversible, and small
 * T.803 conformance streams with SigProp/MagRef passes (fixtures and their script in codec/htj2k). Reversible
 * streams must give the source image; irreversible ones exactly opj_decompress's output (the reference this
 * decoder follows) and within a few levels of ojph_expand's (the two differ in their float arithmetic).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Jpeg2000HtDecodingTest {

    private static final String DIR = "codec/htj2k/";
    /** Largest difference between opj_decompress and ojph_expand that make_fixtures.py reported (16-bit). */
    private static final int OPENJPH_TOLERANCE = 3;

    @ParameterizedTest
    @ValueSource(strings = {"gray8_rev_5dec", "gray12_rev_blocks32", "gray16_rev", "gray8_rev_odd",
            "gray12_rev_tiles", "gray8_rev_precincts", "gray8_rev_lrcp", "gray8_rev_rlcp", "gray8_rev_pcrl",
            "rgb8_rev_rct", "rgb8_rev_nomct", "rgb8_rev_cprl_tiles", "rgb12_rev_rct"})
    void reversibleStreamsDecodeToTheSourceExactly(String name) throws Exception {
        PnmImage source = PnmImage.read(resource(name + ".pnm"));
        Jpeg2000Image image = decode(name + ".j2c", source);
        assertArrayEquals(source.samples(), interleaved(image), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gray8_irv_5dec", "gray12_irv_blocks32", "gray16_irv", "gray8_irv_tiles",
            "rgb8_irv_ict"})
    void irreversibleStreamsMatchOpenJpegExactlyAndOpenJphClosely(String name) throws Exception {
        PnmImage openJpeg = PnmImage.read(resource(name + ".opj.pnm"));
        PnmImage openJph = PnmImage.read(resource(name + ".ojph.pnm"));
        int[] decoded = interleaved(decode(name + ".j2c", openJpeg));
        assertArrayEquals(openJpeg.samples(), decoded, name + " against opj_decompress");
        for (int i = 0; i < decoded.length; i++) {
            if (Math.abs(decoded[i] - openJph.samples()[i]) > OPENJPH_TOLERANCE) {
                fail(name + " sample " + i + ": " + decoded[i] + " but ojph_expand gives " + openJph.samples()[i]);
            }
        }
    }

    /**
     * T.803 streams (Kakadu-made) that OpenJPEG 2.5 decodes: refinement passes, 1-row and 3x5 images, 9/7,
     * stripe-causal contexts (ds1_ht_06), a component subsampled 4:1 (ds1_ht_07).
     */
    @ParameterizedTest
    @ValueSource(strings = {"ds0_ht_01_b11", "ds0_ht_09_b11", "ds0_ht_11_b10", "ds0_ht_12_b11", "ds0_ht_14_b11",
            "ds1_ht_06_b11", "ds1_ht_07_b11"})
    void conformanceStreamsMatchOpenJpeg(String name) throws Exception {
        byte[] stream = resource(name + ".j2k");
        Jpeg2000Image image = Jpeg2000Reader.decode(stream, new Jpeg2000Limits(1024, 1024, 16));
        for (int c = 0; c < image.components(); c++) {
            int[] expected = pgx(resource(name + ".opj_" + c + ".pgx"));
            assertArrayEquals(expected, image.samples()[c], name + " component " + c);
        }
    }

    @Test
    void damagedHtStreamsFailWithAJpeg2000ExceptionOrDecode() throws Exception {
        Random random = new Random(15444);
        String[] names = {"gray8_rev_5dec.j2c", "rgb8_irv_ict.j2c", "gray12_rev_tiles.j2c", "ds0_ht_09_b11.j2k"};
        int failures = 0;
        for (String name : names) {
            byte[] good = resource(name);
            for (int trial = 0; trial < 150; trial++) {
                byte[] bad = good.clone();
                // past the main header (~100 bytes), so that mostly packet headers and code-block data break
                for (int k = 1 + random.nextInt(6); k > 0; k--) {
                    int at = 120 + random.nextInt(bad.length - 120);
                    bad[at] = (byte) random.nextInt(256);
                }
                if (trial % 5 == 0) {
                    bad = Arrays.copyOf(bad, 120 + random.nextInt(bad.length - 120));
                }
                try {
                    Jpeg2000Reader.decode(bad, new Jpeg2000Limits(256, 256, 3));
                } catch (Jpeg2000Exception e) {
                    failures++;
                    assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
                }
            }
        }
        assertTrue(failures > 0, "some damaged streams are rejected");
    }

    @Test
    void htBlocksWithRoiShiftAreRejectedAsOpenJpegDoes() {
        // ds0_ht_13_b11 is not kept (257 components); an RGN marker is spliced into a small stream instead
        byte[] stream = HtBlockDecoderTest.resource("../htj2k/gray8_rev_odd.j2c");
        int qcd = indexOf(stream, (byte) 0xFF, (byte) 0x5C);
        byte[] rgn = {(byte) 0xFF, 0x5E, 0x00, 0x05, 0x00, 0x00, 0x03};
        byte[] withRoi = new byte[stream.length + rgn.length];
        System.arraycopy(stream, 0, withRoi, 0, qcd);
        System.arraycopy(rgn, 0, withRoi, qcd, rgn.length);
        System.arraycopy(stream, qcd, withRoi, qcd + rgn.length, stream.length - qcd);
        Jpeg2000Exception e = assertThrows(Jpeg2000Exception.class,
                () -> Jpeg2000Reader.decode(withRoi, new Jpeg2000Limits(256, 256, 3)));
        assertTrue(e.getMessage().contains("region of interest"), e.getMessage());
    }

    private static byte[] resource(String name) {
        try (java.io.InputStream in = Jpeg2000HtDecodingTest.class.getResourceAsStream("/" + DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + DIR + name);
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] b, byte first, byte second) {
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] == first && b[i + 1] == second) {
                return i;
            }
        }
        throw new IllegalStateException("marker not found");
    }

    private static Jpeg2000Image decode(String file, PnmImage expectedShape) throws Jpeg2000Exception {
        byte[] stream = resource(file);
        Jpeg2000Image image = Jpeg2000Reader.decode(stream,
                Jpeg2000Limits.exactly(expectedShape.width(), expectedShape.height(), expectedShape.components()));
        assertEquals(expectedShape.width(), image.width());
        assertEquals(expectedShape.height(), image.height());
        assertEquals(expectedShape.components(), image.components());
        return image;
    }

    private static int[] interleaved(Jpeg2000Image image) {
        int n = image.components();
        int pixels = image.width() * image.height();
        int[] out = new int[pixels * n];
        for (int c = 0; c < n; c++) {
            int[] s = image.samples()[c];
            for (int i = 0; i < pixels; i++) {
                out[i * n + c] = s[i];
            }
        }
        return out;
    }

    /** OpenJPEG's PGX: "PG ML +|- bits width height\n", then big-endian samples of 1, 2 or 4 bytes. */
    private static int[] pgx(byte[] b) {
        int eol = 0;
        while (b[eol] != '\n') {
            eol++;
        }
        String[] header = new String(b, 0, eol, StandardCharsets.US_ASCII).trim().split("\\s+");
        boolean signed = header[2].equals("-");
        int bits = Integer.parseInt(header[3]);
        int n = Integer.parseInt(header[4]) * Integer.parseInt(header[5]);
        int bytes = bits <= 8 ? 1 : bits <= 16 ? 2 : 4;
        int[] out = new int[n];
        int pos = eol + 1;
        for (int i = 0; i < n; i++) {
            int v = 0;
            for (int k = 0; k < bytes; k++) {
                v = (v << 8) | (b[pos++] & 0xFF);
            }
            if (signed && bytes < 4) {
                v = (v << (32 - 8 * bytes)) >> (32 - 8 * bytes);
            }
            out[i] = v;
        }
        return out;
    }
}
