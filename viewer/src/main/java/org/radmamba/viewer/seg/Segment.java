package org.radmamba.viewer.seg;

/**
 * One segment of a DICOM Segmentation (an item of the Segment Sequence).
 *
 * @param number        Segment Number, from 1; the label value of its pixels in {@link Segmentation} masks
 * @param label         Segment Label, e.g. the class name
 * @param algorithmType AUTOMATIC, SEMIAUTOMATIC or MANUAL
 * @param algorithmName Segment Algorithm Name, e.g. the model that made it (empty for manual segments)
 */
public record Segment(int number, String label, String algorithmType, String algorithmName) {
    public Segment {
        if (number < 1 || number > 255) {
            throw new IllegalArgumentException("segment numbers run from 1 to 255 here, got " + number);
        }
    }
}
