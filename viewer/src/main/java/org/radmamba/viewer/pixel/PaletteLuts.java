package org.radmamba.viewer.pixel;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The red, green and blue Palette Color LUTs of a PALETTE COLOR image, plain or segmented. */
final class PaletteLuts {

    private static final Logger LOG = LoggerFactory.getLogger(PaletteLuts.class);

    private PaletteLuts() {
    }

    /** The three tables, or null (logged) when the dataset lacks usable ones. */
    static LookupTable[] read(DicomDataset dataset, boolean signed) {
        int[][] tags = {
                {Tag.RED_PALETTE_LUT_DESCRIPTOR, Tag.RED_PALETTE_LUT_DATA, Tag.SEGMENTED_RED_PALETTE_LUT_DATA},
                {Tag.GREEN_PALETTE_LUT_DESCRIPTOR, Tag.GREEN_PALETTE_LUT_DATA, Tag.SEGMENTED_GREEN_PALETTE_LUT_DATA},
                {Tag.BLUE_PALETTE_LUT_DESCRIPTOR, Tag.BLUE_PALETTE_LUT_DATA, Tag.SEGMENTED_BLUE_PALETTE_LUT_DATA}};
        String[] names = {"red palette LUT", "green palette LUT", "blue palette LUT"};
        LookupTable[] tables = new LookupTable[3];
        for (int c = 0; c < 3; c++) {
            int[] descriptor = dataset.ints(tags[c][0]);
            int[] data = dataset.ints(tags[c][1]);
            if (data.length == 0 && descriptor.length == 3) {
                int entries = descriptor[0] == 0 ? 65536 : descriptor[0] & 0xFFFF;
                int[] segmented = dataset.ints(tags[c][2]);
                data = segmented.length == 0 ? data : LutData.expandSegmented(segmented, entries);
                if (data == null) {
                    return null;
                }
            }
            tables[c] = LutData.table(descriptor, data, signed, names[c]);
            if (tables[c] == null) {
                LOG.warn("PALETTE COLOR image without a usable {}: shown as grey", names[c]);
                return null;
            }
        }
        return tables;
    }
}
