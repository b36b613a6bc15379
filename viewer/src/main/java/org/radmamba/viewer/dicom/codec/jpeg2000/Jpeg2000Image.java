package org.radmamba.viewer.dicom.codec.jpeg2000;

/**
 * A decoded JPEG 2000 image: one int sample array per component, row-major, each {@code componentWidth(c) x
 * componentHeight(c)} (smaller than the image where SIZ subsamples the component), values already DC-shifted and
 * clamped to the component's precision exactly as OpenJPEG's {@code opj_decompress} writes them.
 *
 * @param width                  image width (Xsiz - XOsiz)
 * @param height                 image height (Ysiz - YOsiz)
 * @param samples                per component, its samples
 * @param componentWidths        per component, samples per row
 * @param componentHeights       per component, rows
 * @param precision              per component, bits per sample (1-16)
 * @param signed                 per component, whether samples are two's complement signed
 * @param componentTransformUndone whether an inverse RCT/ICT was applied (the first three components are then RGB)
 * @param complete               false where the data ran out before the code stream said it would (a tile-part
 *                               cut short, a packet or code-block segment past the end, a tile without data):
 *                               the samples are then what OpenJPEG decodes from the same bytes, not the image
 *                               that was encoded. A missing EOC marker alone does not make an image incomplete.
 */
public record Jpeg2000Image(int width, int height, int[][] samples, int[] componentWidths, int[] componentHeights,
        int[] precision, boolean[] signed, boolean componentTransformUndone, boolean complete) {

    public int components() {
        return samples.length;
    }
}
