package org.radmamba.viewer.study;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One file: a DICOM instance or a photograph. The model holds no pixels; {@link ImageLoader} reads them.
 *
 * @param transferSyntaxUid empty for photographs
 * @param frameCount        0 for non-images
 * @param geometry          empty for non-images
 */
public record Instance(Path file, InstanceKind kind, String sopClassUid, String sopInstanceUid, int instanceNumber,
                       int frameCount, String transferSyntaxUid, String photometricInterpretation,
                       Optional<ImageGeometry> geometry) {

    public boolean isImage() {
        return kind != InstanceKind.DICOM_NON_IMAGE;
    }
}
