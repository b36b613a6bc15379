package org.radmamba.viewer.fx.model;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.Tag;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds attribute-browser rows from a dataset. The DICOM port reads attributes by tag and does not list a
 * dataset's elements, so the rows cover the attributes the project knows by name (the constants of
 * {@link Tag}), at the top level and inside every sequence item, recursively.
 */
final class AttributeTree {

    /** Known tags by value, named from the constant ("PATIENT_NAME" → "Patient Name"). */
    static final Map<Integer, String> KNOWN = knownTags();
    private static final int MAX_DEPTH = 8;
    private static final int MAX_VALUE_CHARS = 200;

    private AttributeTree() {
    }

    private static Map<Integer, String> knownTags() {
        Map<Integer, String> tags = new TreeMap<>(Integer::compareUnsigned);
        for (Field f : Tag.class.getFields()) {
            if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
                try {
                    tags.putIfAbsent(f.getInt(null), title(f.getName()));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("Tag." + f.getName() + " is public yet not readable", e);
                }
            }
        }
        return tags;
    }

    private static String title(String constant) {
        StringBuilder s = new StringBuilder();
        for (String word : constant.split("_")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!s.isEmpty()) {
                s.append(' ');
            }
            s.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        String title = " " + s + " ";
        for (String acronym : new String[] {"UID", "VOI", "LUT", "SOP", "ID"}) {
            String word = acronym.charAt(0) + acronym.substring(1).toLowerCase(Locale.ROOT);
            title = title.replace(" " + word + " ", " " + acronym + " ");
        }
        return title.strip();
    }

    static List<AttributeRow> rows(DicomDataset dataset) {
        return rows(dataset, 0);
    }

    private static List<AttributeRow> rows(DicomDataset dataset, int depth) {
        List<AttributeRow> rows = new ArrayList<>();
        for (Map.Entry<Integer, String> known : KNOWN.entrySet()) {
            int tag = known.getKey();
            if ((tag >>> 16) == 0x0002 || !dataset.contains(tag)) {
                continue;
            }
            List<DicomDataset> items = depth < MAX_DEPTH ? dataset.sequence(tag) : List.of();
            if (!items.isEmpty()) {
                List<AttributeRow> itemRows = new ArrayList<>();
                for (int i = 0; i < items.size(); i++) {
                    itemRows.add(new AttributeRow(-1, "Item " + (i + 1), "", rows(items.get(i), depth + 1)));
                }
                rows.add(new AttributeRow(tag, known.getValue(), items.size() + (items.size() == 1 ? " item" : " items"),
                        itemRows));
            } else {
                String value = String.join("\\", dataset.strings(tag));
                if (value.length() > MAX_VALUE_CHARS) {
                    value = value.substring(0, MAX_VALUE_CHARS) + "…";
                }
                rows.add(new AttributeRow(tag, known.getValue(), value, List.of()));
            }
        }
        return rows;
    }
}
