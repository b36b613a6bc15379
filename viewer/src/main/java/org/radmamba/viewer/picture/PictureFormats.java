package org.radmamba.viewer.picture;

import org.radmamba.viewer.photo.PhotographReadException;
import org.radmamba.viewer.photo.PhotographReader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Port: picture formats beyond DICOM and the photographs ImageIO reads (PNG, JPEG, BMP, TIFF) — in the app, the
 * image sources of the enabled plugins. The study scanner asks it about every file that is not such a photograph
 * before trying DICOM, and the image loader reads such pictures through it; both treat what it reads as a
 * photograph (one 8-bit frame, grouped with the photographs). The viewer itself has none ({@link #NONE}).
 */
public interface PictureFormats {

    /** No extra formats: only DICOM and ImageIO's photographs are read. */
    PictureFormats NONE = file -> Optional.empty();

    /** One format that claims a file. */
    interface Format {

        /** For people, e.g. "Netpbm grey map (binary PGM, 8 bits), from the plugin example". */
        String description();

        /**
         * Reads the picture.
         *
         * @throws IOException with one sentence saying what is wrong (it may name the file)
         */
        Picture read(Path file) throws IOException;
    }

    /**
     * The format that reads {@code file}, judged by its name and first bytes, or empty when none does.
     *
     * @throws IOException when the file cannot be read at all
     */
    Optional<Format> formatOf(Path file) throws IOException;

    /**
     * What to tell the user about a file that is neither DICOM, a photograph nor in one of these formats, beyond
     * "not DICOM": one sentence without the file name (e.g. that no enabled plugin reads its suffix), or empty
     * to keep the DICOM reader's reason.
     */
    default Optional<String> unsupported(Path file) {
        return Optional.empty();
    }

    /**
     * {@code file} read through the format that claims it, as the viewer holds a photograph, or empty when no
     * format claims it.
     *
     * @throws PhotographReadException naming the file and the reason when the claiming format cannot read it, or the
     *                                 picture is larger than {@code maxFrameBytes}
     */
    default Optional<PhotographReader.Photograph> readPicture(Path file, long maxFrameBytes) throws PhotographReadException {
        Optional<Format> format;
        try {
            format = formatOf(file);
        } catch (IOException | RuntimeException e) {
            throw new PhotographReadException(file, "cannot be read: " + e.getMessage(), e);
        }
        if (format.isEmpty()) {
            return Optional.empty();
        }
        Picture picture;
        try {
            picture = format.get().read(file);
        } catch (IOException | RuntimeException e) {
            throw new PhotographReadException(file, "is not a readable " + format.get().description() + ": "
                    + withoutFileName(e.getMessage(), file), e);
        }
        if (picture == null) {
            throw new PhotographReadException(file, "is not a readable " + format.get().description() + ": no picture came back");
        }
        return Optional.of(picture.toPhotograph(file, maxFrameBytes));
    }

    /** A reader's message without the "name: " it may start with (the failure names the file already). */
    private static String withoutFileName(String message, Path file) {
        if (message == null) {
            return "no reason given";
        }
        String prefix = file.getFileName() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
