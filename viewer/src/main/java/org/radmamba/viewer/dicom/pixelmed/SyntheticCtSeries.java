package org.radmamba.viewer.dicom.pixelmed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Moved to {@link org.radmamba.viewer.dicom.SyntheticCtSeries}, which writes the series without the toolkit;
 * kept only so that code written against the old place keeps compiling while parallel branches land.
 */
@Deprecated(forRemoval = true)
public final class SyntheticCtSeries {

    private SyntheticCtSeries() {
    }

    /** @see org.radmamba.viewer.dicom.SyntheticCtSeries#write(Path, int, int, int) */
    public static List<Path> write(Path dir, int count, int rows, int columns) throws IOException {
        return org.radmamba.viewer.dicom.SyntheticCtSeries.write(dir, count, rows, columns);
    }
}
