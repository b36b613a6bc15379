package org.radmamba.viewer.dicom.pixeldata;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.pixel.PixelPipeline;
import org.radmamba.viewer.pixel.Voi;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every frame of files other toolkits wrote (dcmtk, OpenJPEG) or that make-fixtures.sh wrote byte by byte where no
 * tool writes the form, read through the app's reader ({@link DicomReaders#standard()}), equals pydicom's
 * pixel_array of the same file, value for value (floats bit for bit). See codec/native/make-fixtures.sh.
 */
class NativePixelDataTest {

    @ParameterizedTest(name = "{0}: {1} frame(s) equal to pydicom''s")
    @CsvSource({
            // Explicit VR Big Endian: 8-bit in OW (byte pairs swapped across the value), 8-bit OB, 16-bit
            "be_ow_mono8, 2", "be_ob_mono8, 2", "be_mono16, 3",
            // 1 bit allocated: native (frames start mid-byte) and RLE (a byte per pixel)
            "bit1_native, 3", "bit1_rle, 3",
            // Float Pixel Data and Double Float Pixel Data, little and big endian
            "float32, 2", "float64, 2", "be_float32, 2", "be_float64, 2",
            // Deflated Image Frame Compression: 8/16-bit, 1-bit, float; with, without offset table, fragmented
            "deflate_mono8, 2", "deflate_mono16, 3", "deflate_mono16_nobot, 3", "deflate_mono16_fragments, 3",
            "deflate_bit1, 3", "deflate_float32, 2", "deflate_float64, 2",
            // Multi-frame encapsulated by dcmtk: offset table or not, fragments of 1 KB
            "rle_multi_bot, 3", "rle_multi_nobot, 3", "rle_multi_fragments, 3",
            "jpegls_multi_bot, 3", "jpegls_multi_nobot, 3", "jpegls_multi_fragments_nobot, 3",
            // JPEG 2000 whose codestream holds FE FF DD E0 00 00 00 00 (a sequence delimiter look-alike)
            "j2k_e0dd, 1", "j2k_e0dd_whole, 1",
    })
    void every_frame_equals_the_reference(String name, int frames) throws Exception {
        NpyReference reference = NpyReference.load("/codec/native/" + name + ".npy");
        DicomFile dicom = DicomReaders.standard().open(fixture(name));

        assertEquals(frames, dicom.frameCount(), "frames");
        assertEquals(frames, reference.shape()[0], "reference frames");
        FrameFormat format = dicom.frameFormat().orElseThrow();
        assertEquals(reference.shape()[1], format.rows(), "rows");
        assertEquals(reference.shape()[2], format.columns(), "columns");
        for (int f = 0; f < frames; f++) {
            Samples samples = dicom.frame(f).samples();
            assertEquals(reference.frameLength(), samples.length(), "samples of frame " + (f + 1));
            for (int i = 0; i < samples.length(); i++) {
                double expected = reference.values()[f * reference.frameLength() + i];
                double actual = value(samples, i);
                if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(actual)) {
                    fail(name + " frame " + (f + 1) + " sample " + i + " (row " + i / format.columns() + ", column "
                            + i % format.columns() + "): expected " + expected + ", got " + actual);
                }
            }
        }
    }

    @Test
    void float_pixel_data_keeps_its_type_and_is_shown_through_its_window() throws Exception {
        NpyReference reference = NpyReference.load("/codec/native/float32.npy");
        DicomFile dicom = DicomReaders.standard().open(fixture("float32"));
        FrameFormat format = dicom.frameFormat().orElseThrow();
        assertTrue(format.floatingPoint());
        assertEquals(32, format.bitsAllocated());
        DecodedFrame frame = dicom.frame(1);
        assertInstanceOf(Samples.Floats.class, frame.samples());

        PixelPipeline pipeline = PixelPipeline.fromDataset(dicom.dataset(), format, 1);
        Voi window = pipeline.defaultVoi(frame);
        assertEquals(new Voi.Window(1000, 4000, org.radmamba.viewer.pixel.VoiFunction.LINEAR, "Window 1"), window);
        byte[] grey = new byte[format.rows() * format.columns()];
        pipeline.toGrey(frame, window, grey);
        boolean sawMidGrey = false;
        for (int i = 0; i < grey.length; i++) {
            double value = reference.values()[reference.frameLength() + i];
            int expected = Math.clamp(Math.round(PixelPipeline.voiOutput(window, value)), 0, 255);
            assertEquals(expected, grey[i] & 0xFF, "grey of pixel " + i + " (value " + value + ")");
            assertEquals(value, pipeline.modalityValueAt(frame.samples(), i), "modality value of pixel " + i);
            sawMidGrey |= expected > 10 && expected < 245;
        }
        assertTrue(sawMidGrey, "the window spans the values");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bit1_native", "bit1_rle", "deflate_bit1"})
    void one_bit_frames_show_as_black_and_white(String name) throws Exception {
        NpyReference reference = NpyReference.load("/codec/native/" + name + ".npy");
        DicomFile dicom = DicomReaders.standard().open(fixture(name));
        FrameFormat format = dicom.frameFormat().orElseThrow();
        for (int f = 0; f < dicom.frameCount(); f++) {
            DecodedFrame frame = dicom.frame(f);
            PixelPipeline pipeline = PixelPipeline.fromDataset(dicom.dataset(), format, f);
            byte[] grey = new byte[format.rows() * format.columns()];
            pipeline.toGrey(frame, pipeline.defaultVoi(frame), grey);
            for (int i = 0; i < grey.length; i++) {
                int bit = (int) reference.values()[f * reference.frameLength() + i];
                assertEquals(bit * 255, grey[i] & 0xFF, "frame " + (f + 1) + " pixel " + i);
            }
        }
    }

    @Test
    void a_full_range_window_of_double_pixel_data_spans_its_values() throws Exception {
        NpyReference reference = NpyReference.load("/codec/native/float64.npy");
        DicomFile dicom = DicomReaders.standard().open(fixture("float64"));
        FrameFormat format = dicom.frameFormat().orElseThrow();
        assertEquals(64, format.bitsAllocated());
        DecodedFrame frame = dicom.frame(0);
        Voi.Window full = PixelPipeline.fromDataset(dicom.dataset(), format, 0).fullRangeWindow(frame);
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (int i = 0; i < reference.frameLength(); i++) {
            min = Math.min(min, reference.values()[i]);
            max = Math.max(max, reference.values()[i]);
        }
        assertEquals(min, full.center() - full.width() / 2, 1e-6);
        assertEquals(max, full.center() + full.width() / 2, 1e-6);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bad_native_short | Pixel Data holds 16348 bytes but 3 frame(s) of 61x67x1 at 16 bits need 24522",
            "bad_deflate_short_frame | frame 1 cannot be decoded: the deflated frame inflates to 8040 bytes, the dataset's 61x67x1 frame at 16 bits needs 8174",
            "bad_rle_bit1_segments | frame 1 cannot be decoded: RLE header declares 2 segments but 1 samples of 1 bits need 1",
    })
    void a_dataset_that_contradicts_its_pixel_data_is_refused_in_one_line(String name, String reason) {
        DicomReadException e = assertThrows(DicomReadException.class, () -> {
            DicomFile dicom = DicomReaders.standard().open(fixture(name));
            for (int f = 0; f < dicom.frameCount(); f++) {
                dicom.frame(f);
            }
        });
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void float_pixel_data_stating_16_bits_allocated_is_refused_in_one_line(@TempDir Path dir) throws Exception {
        Path file = floatFile(dir, 16, ds -> ds.otherFloats(Tag.FLOAT_PIXEL_DATA, new float[6]));

        DicomReadException e = assertThrows(DicomReadException.class, () -> DicomReaders.standard().open(file));

        assertTrue(e.getMessage().endsWith("has Float Pixel Data (7FE0,0008), which needs Bits Allocated 32, but states 16"),
                e.getMessage());
    }

    @Test
    void a_dataset_with_float_and_integer_pixel_data_is_refused_in_one_line(@TempDir Path dir) throws Exception {
        Path file = floatFile(dir, 32, ds -> ds.otherFloats(Tag.FLOAT_PIXEL_DATA, new float[6])
                .otherWords(Tag.PIXEL_DATA, new short[6]));

        DicomReadException e = assertThrows(DicomReadException.class, () -> DicomReaders.standard().open(file));

        assertTrue(e.getMessage().endsWith("has two pixel data elements, (7FE0,0008) and (7FE0,0010): which holds the"
                + " image is not defined"), e.getMessage());
    }

    private static Path floatFile(Path dir, int bitsAllocated,
                                  java.util.function.UnaryOperator<DicomFileWriter.Dataset> pixels) throws Exception {
        String uid = "1.2.826.0.1.3680043.10.1234.78." + bitsAllocated;
        DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset()
                .string(Tag.SOP_CLASS_UID, "UI", "1.2.840.10008.5.1.4.1.1.30")
                .string(Tag.SOP_INSTANCE_UID, "UI", uid)
                .unsignedShort(Tag.SAMPLES_PER_PIXEL, 1)
                .string(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "MONOCHROME2")
                .unsignedShort(Tag.ROWS, 2)
                .unsignedShort(Tag.COLUMNS, 3)
                .unsignedShort(Tag.BITS_ALLOCATED, bitsAllocated);
        Path file = dir.resolve("float" + bitsAllocated + ".dcm");
        DicomFileWriter.write(file, "1.2.840.10008.5.1.4.1.1.30", uid, pixels.apply(ds));
        return file;
    }

    @ParameterizedTest(name = "{0}: fragments of {1} bytes")
    @CsvSource(delimiter = '|', value = {"j2k_e0dd | 48 7086", "j2k_e0dd_whole | 7134"})
    void a_sequence_delimiter_look_alike_inside_a_fragment_is_fragment_data(String name, String lengths)
            throws Exception {
        Path file = fixture(name);
        DatasetLayout layout;
        byte[][] frames;
        try (ByteSource source = ByteSource.open(file)) {
            layout = DatasetWalker.walk(file, source, ReadLimits.DEFAULT);
            frames = EncapsulatedFrames.split(file, layout, 1);
        }

        assertEquals(lengths, layout.fragments().stream().map(f -> String.valueOf(f.length()))
                .collect(java.util.stream.Collectors.joining(" ")));
        byte[] lookAlike = {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0};
        int at = indexOf(frames[0], lookAlike);
        assertTrue(at > 0 && at % 2 == 0, "the frame holds the look-alike at an even offset, found at " + at);
        assertEquals(layout.fragments().stream().mapToInt(Fragment::length).sum(), frames[0].length);
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @ParameterizedTest
    @ValueSource(strings = {"float32", "bit1_native", "be_ow_mono8"})
    void a_fixture_states_what_it_is_named_for(String name) throws Exception {
        // Guards the fixtures: each case above only means something if the file has the form its name claims.
        FrameFormat format = DicomReaders.standard().open(fixture(name)).frameFormat().orElseThrow();
        switch (name) {
            case "float32" -> assertTrue(format.floatingPoint());
            case "bit1_native" -> assertEquals(1, format.bitsAllocated());
            default -> assertEquals(8, format.bitsAllocated());
        }
    }

    private static double value(Samples samples, int index) {
        return switch (samples) {
            case Samples.Floats f -> f.data()[index];
            case Samples.Doubles d -> d.data()[index];
            default -> samples.rawBits(index) & 0xFFFFFFFFL;
        };
    }

    static Path fixture(String name) throws URISyntaxException {
        var url = NativePixelDataTest.class.getResource("/codec/native/" + name + ".dcm");
        if (url == null) {
            throw new IllegalArgumentException("no fixture " + name);
        }
        return Path.of(url.toURI());
    }
}
