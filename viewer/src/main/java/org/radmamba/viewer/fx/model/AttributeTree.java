package org.radmamba.viewer.fx.model;

import org.radmamba.viewer.dicom.DicomDataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Builds attribute-browser rows from a dataset: every element the file holds (file meta information and private
 * elements included), named by the data dictionary, and every sequence's items with their elements, recursively.
 */
final class AttributeTree {

    /** As deep as the reader nests (structured reports go deep). */
    private static final int MAX_DEPTH = 64;
    private static final int MAX_VALUE_CHARS = 200;
    /** Value representations whose values are bytes or words, shown by their length rather than as text. */
    private static final Set<String> BINARY_VRS = Set.of("OB", "OW", "OF", "OD", "OL", "OV", "UN");

    private AttributeTree() {
    }

    /** The rows of {@code dataset}, after one "Repaired on reading" row for each repair the reader made. */
    static List<AttributeRow> rows(DicomDataset dataset) {
        List<AttributeRow> rows = new ArrayList<>();
        for (String repair : dataset.repairs()) {
            rows.add(new AttributeRow(-1, "Repaired on reading", repair, List.of()));
        }
        rows.addAll(rows(dataset, 0));
        return rows;
    }

    private static List<AttributeRow> rows(DicomDataset dataset, int depth) {
        List<AttributeRow> rows = new ArrayList<>();
        for (DicomDataset.Element element : dataset.elements()) {
            int tag = element.tag();
            if ("SQ".equals(element.vr())) {
                List<DicomDataset> items = dataset.sequence(tag);
                List<AttributeRow> itemRows = new ArrayList<>();
                if (depth < MAX_DEPTH) {
                    for (int i = 0; i < items.size(); i++) {
                        itemRows.add(new AttributeRow(-1, "Item " + (i + 1), "", rows(items.get(i), depth + 1)));
                    }
                }
                rows.add(new AttributeRow(tag, element.name(),
                        items.size() + (items.size() == 1 ? " item" : " items"), itemRows));
            } else {
                rows.add(new AttributeRow(tag, element.name(), value(dataset, element), List.of()));
            }
        }
        return rows;
    }

    private static String value(DicomDataset dataset, DicomDataset.Element element) {
        if (BINARY_VRS.contains(element.vr().toUpperCase(Locale.ROOT))) {
            return "(" + element.vr() + ", " + element.valueLength() + (element.valueLength() == 1 ? " byte)" : " bytes)");
        }
        String value = String.join("\\", dataset.strings(element.tag()));
        return value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) + "…" : value;
    }
}
