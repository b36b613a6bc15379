package org.radmamba.viewer.fx.model;

import java.util.List;
import java.util.Locale;

/**
 * One row of the attribute browser: an attribute with its value, or a sequence item with its attributes.
 *
 * @param tag      (group << 16) | element; -1 for a sequence item row
 * @param children the items of a sequence, or the attributes of an item
 */
public record AttributeRow(int tag, String name, String value, List<AttributeRow> children) {

    public AttributeRow {
        children = List.copyOf(children);
    }

    /** "(0010,0010)", or "" for an item row. */
    public String tagText() {
        return tag < 0 ? "" : String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }

    /** Whether this row or anything below it contains {@code needle} (case-insensitive) in tag, name or value. */
    public boolean matches(String needle) {
        if (needle == null || needle.isBlank()) {
            return true;
        }
        String n = needle.toLowerCase(Locale.ROOT).strip();
        if (tagText().toLowerCase(Locale.ROOT).contains(n) || name.toLowerCase(Locale.ROOT).contains(n)
                || value.toLowerCase(Locale.ROOT).contains(n)) {
            return true;
        }
        return children.stream().anyMatch(c -> c.matches(needle));
    }
}
