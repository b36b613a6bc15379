package org.radmamba.app.ai;

import java.io.IOException;
import java.util.Objects;

/**
 * An image to run a model on, read only when its turn comes (on the inference thread, never the FX thread).
 *
 * @param id    the cache identity (see {@link AiImage#id()})
 * @param title shown in queues and tables, e.g. the file name and frame
 */
public record ImageSource(String id, String title, Reader reader) {

    /** Reads the pixels; the message of a failure names the file and why. */
    @FunctionalInterface
    public interface Reader {
        AiImage read() throws IOException;
    }

    public ImageSource {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reader, "reader");
    }

    /** An image already in memory. */
    public static ImageSource of(AiImage image, String title) {
        return new ImageSource(image.id(), title, () -> image);
    }

    AiImage read() throws IOException {
        return reader.read();
    }
}
