/**
 * Volumes and their reformats (multi-planar reconstruction): a series of parallel slices seen as one voxel grid,
 * its geometry taken from Image Position / Orientation (Patient) and Pixel Spacing, and the axial, coronal and
 * sagittal planes (with MIP, MinIP and average slabs) cut through it in patient coordinates. A volume references
 * the series' decoded frames as they are: no second copy of the pixels. No JavaFX here.
 */
package org.radmamba.viewer.volume;
