/**
 * DICOM Structured Reports of AI results (PS3.3 A.35.2 Enhanced SR, content after TID 1500 "Measurement
 * Report"): written beside the images (and the Segmentation) they describe, and read back, ours or another
 * toolkit's, as measurement groups with their findings, measurements and references. No JavaFX here; reading goes
 * through the DICOM port, writing through {@link org.radmamba.viewer.dicom.DicomFileWriter}.
 */
package org.radmamba.viewer.sr;
