package org.radmamba.viewer.dicom.pixelmed;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SequenceItem;
import org.radmamba.viewer.dicom.DicomDataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@link DicomDataset} over a PixelMed {@link AttributeList}. Read-only once built, hence thread-safe. */
final class PixelMedDataset implements DicomDataset {

    private static final Logger LOG = LoggerFactory.getLogger(PixelMedDataset.class);
    private static final double[] NO_DOUBLES = new double[0];
    private static final int[] NO_INTS = new int[0];

    private final AttributeList list;
    private final List<String> repairs;

    PixelMedDataset(AttributeList list) {
        this(list, List.of());
    }

    PixelMedDataset(AttributeList list, List<String> repairs) {
        this.list = list;
        this.repairs = List.copyOf(repairs);
    }

    @Override
    public List<String> repairs() {
        return repairs;
    }

    private Attribute attribute(int tag) {
        return list.get(new AttributeTag(tag >>> 16, tag & 0xFFFF));
    }

    @Override
    public boolean contains(int tag) {
        return attribute(tag) != null;
    }

    @Override
    public List<String> strings(int tag) {
        Attribute a = attribute(tag);
        if (a == null || a instanceof SequenceAttribute || isBinary(a)) {
            return List.of();
        }
        try {
            String[] values = a.getStringValues();
            return values == null ? List.of() : Arrays.stream(values).map(v -> v == null ? "" : v.trim()).toList();
        } catch (DicomException e) {
            LOG.warn("attribute {} has no string values: {}", a.getTag(), e.getMessage());
            return List.of();
        }
    }

    @Override
    public double[] doubles(int tag) {
        Attribute a = attribute(tag);
        if (a == null || a instanceof SequenceAttribute || isBinary(a) || a.getVM() == 0) {
            return NO_DOUBLES;
        }
        try {
            double[] values = a.getDoubleValues();
            return values == null ? NO_DOUBLES : values;
        } catch (DicomException | NumberFormatException e) {
            LOG.warn("attribute {} is not numeric: {}", a.getTag(), e.getMessage());
            return NO_DOUBLES;
        }
    }

    @Override
    public int[] ints(int tag) {
        Attribute a = attribute(tag);
        if (a == null || a instanceof SequenceAttribute) {
            return NO_INTS;
        }
        try {
            String vr = a.getVRAsString();
            if ("OW".equals(vr)) {
                short[] words = a.getShortValues();
                return words == null ? NO_INTS : unsigned(words);
            }
            if ("OB".equals(vr) || "UN".equals(vr)) {
                byte[] bytes = a.getByteValues();
                return bytes == null ? NO_INTS : wordsOf(bytes);
            }
            if (a.getVM() == 0) {
                return NO_INTS;
            }
            int[] values = a.getIntegerValues();
            return values == null ? NO_INTS : values;
        } catch (DicomException | NumberFormatException e) {
            LOG.warn("attribute {} is not integral: {}", a.getTag(), e.getMessage());
            return NO_INTS;
        }
    }

    @Override
    public List<DicomDataset> sequence(int tag) {
        if (!(attribute(tag) instanceof SequenceAttribute sequence)) {
            return List.of();
        }
        List<DicomDataset> items = new ArrayList<>(sequence.getNumberOfItems());
        for (int i = 0; i < sequence.getNumberOfItems(); i++) {
            SequenceItem item = sequence.getItem(i);
            items.add(new PixelMedDataset(item.getAttributeList()));
        }
        return items;
    }

    @Override
    public List<Element> elements() {
        List<Element> elements = new ArrayList<>(list.size());
        for (Attribute a : list.values()) { // an AttributeList is sorted by tag
            AttributeTag tag = a.getTag();
            int value = tag.getGroup() << 16 | tag.getElement();
            long length = a instanceof SequenceAttribute ? -1 : a.getVL();
            elements.add(new Element(value, a.getVRAsString(), nameOf(tag), length));
        }
        return elements;
    }

    private String nameOf(AttributeTag tag) {
        if (tag.isPrivateCreator()) {
            return "Private Creator";
        }
        if (tag.isPrivate()) {
            // (gggg,xxee) belongs to the creator named in (gggg,00xx).
            Attribute creator = list.get(new AttributeTag(tag.getGroup(), tag.getElement() >>> 8));
            String name = creator == null ? "" : creator.getSingleStringValueOrEmptyString().trim();
            return name.isEmpty() ? "Private" : "Private (" + name + ")";
        }
        if (tag.isGroupLength()) {
            return "Group Length";
        }
        // Overlay and curve groups repeat (60xx, 50xx); the dictionary names their first group.
        AttributeTag lookup = tag.isOverlayGroup() ? new AttributeTag(0x6000, tag.getElement())
                : tag.isCurveGroup() ? new AttributeTag(0x5000, tag.getElement()) : tag;
        String name = DicomDictionary.StandardDictionary.getFullNameFromTag(lookup);
        return name == null || name.isBlank() ? "Unknown" : name;
    }

    private static boolean isBinary(Attribute a) {
        String vr = a.getVRAsString();
        return "OB".equals(vr) || "OW".equals(vr) || "UN".equals(vr) || "OF".equals(vr) || "OD".equals(vr)
                || "OL".equals(vr) || "OV".equals(vr);
    }

    private static int[] unsigned(short[] words) {
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            out[i] = words[i] & 0xFFFF;
        }
        return out;
    }

    /** Little-endian 16-bit words of bytes (how LUT data read as OB/UN in implicit VR is laid out). */
    private static int[] wordsOf(byte[] bytes) {
        int[] out = new int[bytes.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (bytes[2 * i] & 0xFF) | (bytes[2 * i + 1] & 0xFF) << 8;
        }
        return out;
    }
}
