package org.radmamba.viewer.picture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.dicom.pixelmed.PixelMedDicomReader;
import org.radmamba.viewer.dicom.SyntheticCtSeries;
import org.radmamba.viewer.study.ImageLoader;
import org.radmamba.viewer.study.Instance;
import org.radmamba.viewer.study.InstanceKind;
import org.radmamba.viewer.study.LoadedImage;
import org.radmamba.viewer.study.ScanResult;
import org.radmamba.viewer.study.StudyScanner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The port for extra picture formats, with a format of this test: "GREY w h" and a newline, then w × h bytes, in
 * files named {@code *.grey}. The scanner lists such a file as a photograph, the loader reads its pixels through the
 * port; without the format, or for a file it refuses, the file is listed as a failure with the reason.
 */
class PictureFormatsTest {

    @TempDir
    Path dir;

    /** Reads "GREY w h\n" + pixels from files ending in .grey whose first bytes are "GREY". */
    static final class GreyFormat implements PictureFormats {
        final AtomicInteger headersRead = new AtomicInteger();

        @Override
        public Optional<Format> formatOf(Path file) throws IOException {
            if (!file.getFileName().toString().endsWith(".grey")) {
                return Optional.empty();
            }
            headersRead.incrementAndGet();
            byte[] head;
            try (var in = Files.newInputStream(file)) {
                head = in.readNBytes(4);
            }
            if (!Arrays.equals(head, "GREY".getBytes(StandardCharsets.US_ASCII))) {
                return Optional.empty();
            }
            return Optional.of(new Format() {
                @Override
                public String description() {
                    return "grey test picture";
                }

                @Override
                public Picture read(Path path) throws IOException {
                    byte[] all = Files.readAllBytes(path);
                    int newline = 0;
                    while (newline < all.length && all[newline] != '\n') {
                        newline++;
                    }
                    String[] words = new String(all, 0, newline, StandardCharsets.US_ASCII).split(" ");
                    int w = Integer.parseInt(words[1]);
                    int h = Integer.parseInt(words[2]);
                    if (all.length - newline - 1 != w * h) {
                        throw new IOException(path.getFileName() + ": expected " + w * h + " pixels, found "
                                + (all.length - newline - 1));
                    }
                    return new Picture(w, h, 1, Arrays.copyOfRange(all, newline + 1, all.length));
                }
            });
        }

        @Override
        public Optional<String> unsupported(Path file) {
            return file.getFileName().toString().endsWith(".txt")
                    ? Optional.of("is not DICOM, and no format here reads .txt files") : Optional.empty();
        }
    }

    private Path grey(String name, int w, int h, int... pixels) throws IOException {
        byte[] header = ("GREY " + w + " " + h + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(header, header.length + pixels.length);
        for (int i = 0; i < pixels.length; i++) {
            all[header.length + i] = (byte) pixels[i];
        }
        return Files.write(dir.resolve(name), all);
    }

    @Test
    void a_picture_of_an_extra_format_is_scanned_as_a_photograph_and_loaded_with_its_pixels() throws Exception {
        GreyFormat format = new GreyFormat();
        Path file = grey("ramp.grey", 3, 2, 0, 10, 20, 200, 210, 255);
        SyntheticCtSeries.write(dir.resolve("ct"), 2, 4, 4);

        ScanResult scan = new StudyScanner(new PixelMedDicomReader(), ReadLimits.DEFAULT, 2, format).scan(List.of(dir));
        assertEquals(List.of(), scan.failures());
        assertEquals(3, scan.instances().size(), "the CT slices are still read as DICOM");
        Instance picture = scan.instances().stream().filter(i -> i.file().equals(file.toAbsolutePath().normalize()))
                .findFirst().orElseThrow();
        assertEquals(InstanceKind.PHOTOGRAPH, picture.kind());
        assertEquals("MONOCHROME2", picture.photometricInterpretation());
        assertEquals(3, picture.geometry().orElseThrow().columns());
        assertEquals(2, picture.geometry().orElseThrow().rows());
        assertEquals(1, format.headersRead.get(), "only the file whose name the format claims was opened by it");

        LoadedImage image = new ImageLoader(new PixelMedDicomReader(), ReadLimits.DEFAULT, format).load(picture);
        assertEquals(1, image.frameCount());
        assertEquals(3, image.format().columns());
        assertEquals(1, image.format().samplesPerPixel());
        assertArrayEquals(new byte[] {0, 10, 20, (byte) 200, (byte) 210, (byte) 255},
                ((Samples.Bytes) image.frame(0).samples()).data());
        Samples.Bytes first = (Samples.Bytes) image.frame(0).samples();
        assertEquals(255, image.pipeline(0).storedValue(first, 5));
    }

    @Test
    void a_picture_the_format_cannot_read_or_that_exceeds_the_limits_is_a_failure_with_the_reason() throws Exception {
        GreyFormat format = new GreyFormat();
        Path cut = Files.write(dir.resolve("cut.grey"), "GREY 4 4\n123".getBytes(StandardCharsets.US_ASCII));
        Path large = grey("large.grey", 4, 4, new int[16]);
        ReadLimits small = new ReadLimits(10, ReadLimits.DEFAULT.maxPixelDataBytes());
        ScanResult scan = new StudyScanner(new PixelMedDicomReader(), small, 1, format).scan(List.of(cut, large));
        assertEquals(List.of(
                cut.toAbsolutePath().normalize() + ": is not a readable grey test picture: expected 16 pixels, found 3",
                large.toAbsolutePath().normalize() + ": is 4x4, which needs 16 bytes, more than the limit of 10"),
                scan.failures().stream().map(f -> f.message()).toList());
    }

    @Test
    void without_the_format_the_file_is_not_dicom_and_the_port_may_say_more_about_a_file_nothing_reads() throws Exception {
        Path file = grey("ramp.grey", 1, 1, 7);
        ScanResult plain = new StudyScanner(new PixelMedDicomReader(), ReadLimits.DEFAULT, 1, PictureFormats.NONE)
                .scan(List.of(file));
        assertEquals(1, plain.failures().size());
        assertTrue(plain.failures().getFirst().reason().startsWith("is not a DICOM file"), plain.failures().getFirst().reason());

        Path text = Files.writeString(dir.resolve("notes.txt"), "no pixels here");
        ScanResult explained = new StudyScanner(new PixelMedDicomReader(), ReadLimits.DEFAULT, 1, new GreyFormat())
                .scan(List.of(text));
        assertEquals("is not DICOM, and no format here reads .txt files", explained.failures().getFirst().reason());

        Instance picture = new Instance(file, InstanceKind.PHOTOGRAPH, "", "", 0, 1, "", "MONOCHROME2", Optional.empty());
        IOException gone = assertThrows(IOException.class, () -> new ImageLoader().load(picture));
        assertEquals(file + ": is in no picture format RadMamba reads now (was its plugin removed?)", gone.getMessage());
    }
}
