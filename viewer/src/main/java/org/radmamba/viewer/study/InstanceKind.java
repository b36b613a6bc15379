package org.radmamba.viewer.study;

/** What an instance holds, which decides whether the viewer shows it. */
public enum InstanceKind {
    /** A DICOM image (pixel data). */
    DICOM_IMAGE,
    /** A DICOM object without pixel data (structured report, RT plan, waveform...): listed, not shown. */
    DICOM_NON_IMAGE,
    /** A photograph (PNG, JPEG, BMP, TIFF) read through ImageIO, or a picture of an extra format (PictureFormats). */
    PHOTOGRAPH
}
