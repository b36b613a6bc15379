package org.radmamba.viewer.dicom.pixelmed;

import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.pixel.PixelPipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The property both fuzzers check on the whole read path (walker, our parser or PixelMed, frames, codecs,
 * pipeline), with the standard reader and with PixelMed's alone: any bytes
 * either read and display, or fail with a {@link DicomReadException} whose message starts with the file name.
 * Any other exception or error escapes and fails the fuzzer.
 */
final class ReadProperty {

    /** Small limits keep every input cheap; the limits themselves are what is exercised. */
    private static final ReadLimits LIMITS = new ReadLimits(8L << 20, 32L << 20);
    /** The standard reader (our own header parser, PixelMed where it refuses) and PixelMed's alone. */
    private static final List<DicomReader> READERS = List.of(DicomReaders.standard(LIMITS), new PixelMedDicomReader(LIMITS));
    private static final ThreadLocal<Path> FILE = ThreadLocal.withInitial(ReadProperty::scratchFile);

    private ReadProperty() {
    }

    private static Path scratchFile() {
        try {
            Path dir = Files.isDirectory(Path.of("/dev/shm")) ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
            Path file = Files.createTempFile(dir, "radmamba-fuzz-", ".dcm");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void check(byte[] data) throws IOException {
        Path path = FILE.get();
        Files.write(path, data);
        for (DicomReader reader : READERS) {
            check(reader, path);
        }
    }

    private static void check(DicomReader reader, Path path) throws IOException {
        DicomFile file;
        try {
            file = reader.open(path);
        } catch (DicomReadException e) {
            requireNamed(path, e);
            return;
        }
        if (file.frameFormat().isEmpty()) {
            return;
        }
        for (int i = 0; i < Math.min(2, file.frameCount()); i++) {
            DecodedFrame frame;
            try {
                frame = file.frame(i);
            } catch (DicomReadException e) {
                requireNamed(path, e);
                continue;
            }
            PixelPipeline pipeline = PixelPipeline.fromDataset(file.dataset(), file.frameFormat().get(), i);
            int[] argb = new int[file.frameFormat().get().rows() * file.frameFormat().get().columns()];
            pipeline.toArgb(frame, pipeline.defaultVoi(frame), argb);
        }
    }

    private static void requireNamed(Path path, DicomReadException e) {
        if (!e.getMessage().startsWith(path + ": ") || e.getMessage().indexOf('\n') >= 0) {
            throw new AssertionError("a read failure must be one line naming the file, got: " + e.getMessage(), e);
        }
    }
}
