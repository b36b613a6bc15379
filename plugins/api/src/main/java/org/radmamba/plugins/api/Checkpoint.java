package org.radmamba.plugins.api;

import java.io.IOException;
import java.io.InputStream;

/**
 * The weights of a model, handed over as a stream: the plugin learns the file's name and size, not where it lies.
 */
public interface Checkpoint {

    /** Checkpoints larger than this are not read into one array by {@link #readAllBytes()}. */
    long MAX_IN_MEMORY = Integer.MAX_VALUE - 8;

    /** The file name as the card gives it, e.g. {@code model.pth}. */
    String fileName();

    long size() throws IOException;

    /** A fresh stream over the whole checkpoint; the caller closes it. */
    InputStream open() throws IOException;

    default byte[] readAllBytes() throws IOException {
        if (size() > MAX_IN_MEMORY) {
            throw new IOException(fileName() + ": " + size() + " bytes is too large to read into memory");
        }
        try (InputStream in = open()) {
            return in.readAllBytes();
        }
    }
}
