package org.radmamba.plugins.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * An image source: reads one file format into pixels. The plugin gets a stream and the file's name, not its path.
 */
public non-sealed interface ImageFormat extends Extension {

    @Override
    default Kind kind() {
        return Kind.SOURCE;
    }

    /** A name for people, e.g. "Netpbm grey map (PGM)". */
    String description();

    /** The file name suffixes this format claims, lower case without the dot, e.g. {@code pgm}. */
    List<String> suffixes();

    /** Whether a file starting with {@code header} (its first bytes, at most 64) is in this format. */
    boolean matches(byte[] header);

    /**
     * Reads the image.
     *
     * @param fileName the file's name, for messages
     * @throws IOException naming the file and what is wrong when it is not a readable image of this format
     */
    RasterImage read(InputStream in, String fileName) throws IOException;
}
