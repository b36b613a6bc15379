package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.api.Test;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.pixeldata.ParsedDataset;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our parser's own table of VRs for implicit VR files (the tags the viewer reads) says what PixelMed's dictionary
 * says: every tag of {@link Tag} and of the segmentation reader, read back from an implicit VR file, has the
 * dictionary's VR in {@link DicomDataset#elements()}.
 */
class KnownVrsTest {

    @TempDir
    Path dir;

    @Test
    void the_viewers_tags_have_the_dictionarys_vr_in_implicit_vr() throws Exception {
        List<Integer> tags = new ArrayList<>();
        for (Class<?> holder : List.of(Tag.class, Class.forName("org.radmamba.viewer.seg.SegmentationTags"))) {
            for (Field f : holder.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                    f.setAccessible(true);
                    int tag = f.getInt(null);
                    if (tag >>> 16 != 0x0002 && tag >>> 16 != 0x7FE0) {
                        tags.add(tag);
                    }
                }
            }
        }
        // Each tag as a 2-byte value in an implicit VR dataset: its VR comes from the table, or the dictionary.
        DicomBuilder b = DicomBuilder.of(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN);
        for (int tag : tags.stream().distinct().sorted(Integer::compareUnsigned).toList()) {
            b.raw(tag, "UN", new byte[] {0x30, 0x30});
        }
        Path file = dir.resolve("implicit.dcm");
        b.write(file);
        DicomDataset ours = DicomReaders.standard().readHeader(file).dataset();
        assertTrue(ours instanceof ParsedDataset, "read by our parser");
        PixelMedTagDictionary dictionary = new PixelMedTagDictionary();
        List<String> wrong = new ArrayList<>();
        for (DicomDataset.Element element : ours.elements()) {
            String expected = dictionary.vr(element.tag());
            expected = "XS".equals(expected) ? "US" : expected;
            if (!element.vr().equals(expected)) {
                wrong.add(String.format("(%04X,%04X) %s, dictionary %s", element.tag() >>> 16, element.tag() & 0xFFFF,
                        element.vr(), expected));
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(ours.elements().size() > 80, "tags checked: " + ours.elements().size());
    }
}
