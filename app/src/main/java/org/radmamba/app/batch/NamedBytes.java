package org.radmamba.app.batch;

import java.util.Objects;

/**
 * One file's bytes and the path it is reported under (Spark's {@code binaryFile} source gives both).
 *
 * @param path    where the file came from, as the rows' {@code file_path} shows it; its file name (extension) helps
 *                tell a photograph from DICOM
 * @param content the whole file
 */
public record NamedBytes(String path, byte[] content) {
    public NamedBytes {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
    }
}
