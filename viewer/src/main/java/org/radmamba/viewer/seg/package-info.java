/**
 * DICOM Segmentation objects (PS3.3 A.51, SOP class 1.2.840.10008.5.1.4.1.1.66.4): binary masks written beside the
 * images they were made from, and read back as label masks keyed by the source image and frame. No JavaFX here;
 * reading goes through the DICOM port, writing through {@link org.radmamba.viewer.dicom.DicomFileWriter}.
 */
package org.radmamba.viewer.seg;
