package org.radmamba.viewer.fx.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.pixelmed.PixelMedDicomReader;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttributeTreeTest {

    @TempDir
    Path folder;

    @Test
    void known_attributes_are_listed_with_readable_names_and_values() throws Exception {
        List<Path> files = DemoStudy.generate(folder, new DemoStudy.Spec(32, 1, 1, 1, 0, false));
        List<AttributeRow> rows = AttributeTree.rows(new PixelMedDicomReader().readHeader(files.getFirst()).dataset());
        AttributeRow name = rows.stream().filter(r -> r.tag() == 0x00100010).findFirst().orElseThrow();
        assertEquals("(0010,0010)", name.tagText());
        assertEquals("Patient Name", name.name());
        assertEquals("DEMO^PHANTOM", name.value());
        assertTrue(rows.stream().anyMatch(r -> r.name().equals("SOP Instance UID")), rows.toString());
        assertTrue(rows.stream().anyMatch(r -> r.name().equals("Patient ID")), rows.toString());
    }

    @Test
    void the_filter_keeps_a_row_when_its_tag_name_value_or_something_inside_matches() {
        AttributeRow leaf = new AttributeRow(0x00080100, "Code Value", "DEMO-CT", List.of());
        AttributeRow item = new AttributeRow(-1, "Item 1", "", List.of(leaf));
        AttributeRow sequence = new AttributeRow(0x00081032, "Procedure Code Sequence", "1 item", List.of(item));
        assertTrue(sequence.matches("demo-ct"));
        assertTrue(sequence.matches("(0008,1032)"));
        assertTrue(sequence.matches("procedure"));
        assertFalse(sequence.matches("patient"));
    }
}
