package org.radmamba.viewer.dicom.codec.jpeg2000;

/**
 * What the caller allows a code stream to declare, checked against SIZ before anything is allocated, so that a
 * hostile header cannot make the decoder allocate gigabytes.
 *
 * @param maxWidth      largest image width accepted
 * @param maxHeight     largest image height accepted
 * @param maxComponents most components accepted
 */
public record Jpeg2000Limits(int maxWidth, int maxHeight, int maxComponents) {

    public Jpeg2000Limits {
        if (maxWidth < 1 || maxHeight < 1 || maxComponents < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** Limits that accept exactly one image size and component count (what a DICOM frame declares). */
    public static Jpeg2000Limits exactly(int width, int height, int components) {
        return new Jpeg2000Limits(width, height, components);
    }
}
