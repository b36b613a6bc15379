package org.radmamba.viewer.dicom.pixeldata;

import org.radmamba.viewer.dicom.DicomDataset;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A dataset parsed by our own {@link DatasetWalker} while it walks the file: every element up to the top-level
 * pixel data, its value's bytes copied once into one array for the whole file and decoded only when asked for. The
 * viewer's load path reads headers this way (PixelMed's parse, cold, cost milliseconds a file); a file the walker
 * cannot parse with certainty goes to PixelMed instead ({@link Builder#refuse}).
 *
 * <p>Values decode as PixelMed's {@code AttributeList} gives them to {@code PixelMedDataset}, with one deliberate
 * difference: a DS or IS value that is no number makes the attribute read as no numbers (as {@link DicomDataset}
 * says), where PixelMed reads it as 0 (a Rescale Slope of "1x" would flatten the image). Text is decoded in the
 * Specific Character Set (UTF-8 without one, as PixelMed), split at
 * backslashes (not LT, ST, UT, UR), each value trimmed; numbers from DS and IS text or from binary US, SS, UL, SL,
 * FL, FD, SV, UV; words of OW (in the dataset's byte order) and of OB and UN (little endian) for LUT data.
 * {@code ParsedDatasetAgreementTest} holds the two readers equal on every committed fixture and on mutants of them.
 * Immutable once built, hence thread-safe.
 */
public final class ParsedDataset implements DicomDataset {

    private static final double[] NO_DOUBLES = new double[0];
    private static final int[] NO_INTS = new int[0];

    private final Shared shared;
    private final int[] tags;
    private final String[] vrs;
    private final int[] offsets;
    private final int[] lengths;
    private final ParsedDataset[][] items;

    private ParsedDataset(Shared shared, int[] tags, String[] vrs, int[] offsets, int[] lengths, ParsedDataset[][] items) {
        this.shared = shared;
        this.tags = tags;
        this.vrs = vrs;
        this.offsets = offsets;
        this.lengths = lengths;
        this.items = items;
    }

    /** What all datasets of one file share: the value bytes, their order, the text's character set, the dictionary. */
    private static final class Shared {
        private byte[] values = new byte[4096];
        private int used;
        private final ByteOrder order;
        private final TagDictionary dictionary;
        private Charset charset = StandardCharsets.UTF_8;
        private boolean signedPixels;

        Shared(ByteOrder order, TagDictionary dictionary) {
            this.order = order;
            this.dictionary = dictionary;
        }
    }

    /** Binary search in tag order, which is unsigned: private groups from 8000 and FFFx sort after 7FE0. */
    private int indexOf(int tag) {
        int low = 0;
        int high = tags.length - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int c = Integer.compareUnsigned(tags[mid], tag);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** The element's VR: as written in explicit VR; in implicit VR, the dictionary's ("UN" when it has none). */
    private String vrAt(int index) {
        int tag = tags[index];
        if ((tag >>> 16 & 1) == 1 && (tag & 0xFFFF) >= 0x10 && (tag & 0xFFFF) <= 0xFF) {
            return "LO"; // a Private Creator, whatever VR was written (PixelMed reads it so)
        }
        String vr = vrs[index];
        if (!vr.isEmpty()) {
            return vr;
        }
        if (items[index] != null) {
            return "SQ";
        }
        return implicitVr(tags[index]);
    }

    private String implicitVr(int tag) {
        String known = KnownVrs.of(tag);
        if (known != null) {
            return known;
        }
        int group = tag >>> 16;
        int element = tag & 0xFFFF;
        if (element == 0) {
            return "UL";
        }
        if ((group & 1) == 1) {
            return element >= 0x10 && element <= 0xFF ? "LO" : "UN";
        }
        String vr = shared.dictionary.vr(tag);
        if ("XS".equals(vr)) {
            // "US or SS" (LUT descriptors, smallest and largest pixel values): as the pixels are, as PixelMed reads it.
            return shared.signedPixels ? "SS" : "US";
        }
        return vr == null ? "UN" : vr;
    }

    @Override
    public boolean contains(int tag) {
        return indexOf(tag) >= 0;
    }

    @Override
    public List<String> strings(int tag) {
        int i = indexOf(tag);
        if (i < 0 || items[i] != null) {
            return List.of();
        }
        String vr = vrAt(i);
        return switch (vr) {
            case "OB", "OW", "UN", "OF", "OD", "OL", "OV", "SQ" -> List.of();
            case "US", "SS", "UL", "SL", "SV", "UV", "FL", "FD", "AT" -> binaryStrings(i, vr);
            default -> text(i, vr);
        };
    }

    private List<String> text(int index, String vr) {
        int length = lengths[index];
        if (length == 0) {
            return List.of();
        }
        String value = new String(shared.values, offsets[index], length, textCharset(vr));
        if (vr.equals("LT") || vr.equals("ST") || vr.equals("UT") || vr.equals("UR")) {
            return List.of(value.trim());
        }
        List<String> values = new ArrayList<>(4);
        int start = 0;
        for (int at = value.indexOf('\\'); at >= 0; at = value.indexOf('\\', start)) {
            values.add(value.substring(start, at).trim());
            start = at + 1;
        }
        values.add(value.substring(start).trim());
        return values;
    }

    /**
     * The Specific Character Set applies to SH, LO, ST, LT, PN, UC and UT only (PS3.5 6.1.2.3); the other text VRs
     * (UI, CS, DA, AE...) are the default repertoire, where a byte above 127 is invalid. Those read as UTF-8 whatever
     * the dataset's character set, as PixelMed reads them (an invalid byte becomes U+FFFD), not as letters of an
     * ISO 8859 set that does not apply to them.
     */
    private Charset textCharset(String vr) {
        return switch (vr) {
            case "SH", "LO", "ST", "LT", "PN", "UC", "UT" -> shared.charset;
            default -> StandardCharsets.UTF_8;
        };
    }

    private List<String> binaryStrings(int index, String vr) {
        ByteBuffer value = value(index);
        List<String> values = new ArrayList<>();
        switch (vr) {
            case "US" -> { while (value.remaining() >= 2) { values.add(Integer.toString(value.getShort() & 0xFFFF)); } }
            case "SS" -> { while (value.remaining() >= 2) { values.add(Integer.toString(value.getShort())); } }
            case "UL" -> { while (value.remaining() >= 4) { values.add(Long.toString(value.getInt() & 0xFFFFFFFFL)); } }
            case "SL" -> { while (value.remaining() >= 4) { values.add(Integer.toString(value.getInt())); } }
            case "SV" -> { while (value.remaining() >= 8) { values.add(Long.toString(value.getLong())); } }
            case "UV" -> { while (value.remaining() >= 8) { values.add(Long.toUnsignedString(value.getLong())); } }
            case "FL" -> { while (value.remaining() >= 4) { values.add(Float.toString(value.getFloat())); } }
            case "FD" -> { while (value.remaining() >= 8) { values.add(Double.toString(value.getDouble())); } }
            default -> { // AT: (gggg,eeee) pairs
                while (value.remaining() >= 4) {
                    int group = value.getShort() & 0xFFFF;
                    int element = value.getShort() & 0xFFFF;
                    values.add(String.format("(0x%04x,0x%04x)", group, element));
                }
            }
        }
        return values;
    }

    private ByteBuffer value(int index) {
        return ByteBuffer.wrap(shared.values, offsets[index], lengths[index]).slice().order(shared.order);
    }

    @Override
    public double[] doubles(int tag) {
        int i = indexOf(tag);
        if (i < 0 || items[i] != null || lengths[i] == 0) {
            return NO_DOUBLES;
        }
        String vr = vrAt(i);
        ByteBuffer value = value(i);
        double[] out;
        switch (vr) {
            case "OB", "OW", "UN", "OF", "OD", "OL", "OV", "SQ" -> {
                return NO_DOUBLES;
            }
            case "US", "SS" -> {
                out = new double[value.remaining() / 2];
                for (int k = 0; k < out.length; k++) {
                    short s = value.getShort();
                    out[k] = vr.equals("US") ? s & 0xFFFF : s;
                }
            }
            case "UL", "SL" -> {
                out = new double[value.remaining() / 4];
                for (int k = 0; k < out.length; k++) {
                    int v = value.getInt();
                    out[k] = vr.equals("UL") ? v & 0xFFFFFFFFL : v;
                }
            }
            case "FL" -> {
                out = new double[value.remaining() / 4];
                for (int k = 0; k < out.length; k++) {
                    out[k] = value.getFloat();
                }
            }
            case "FD" -> {
                out = new double[value.remaining() / 8];
                for (int k = 0; k < out.length; k++) {
                    out[k] = value.getDouble();
                }
            }
            case "SV", "UV" -> {
                out = new double[value.remaining() / 8];
                for (int k = 0; k < out.length; k++) {
                    long v = value.getLong();
                    out[k] = vr.equals("SV") ? (double) v : unsignedToDouble(v);
                }
            }
            case "AT" -> {
                return NO_DOUBLES;
            }
            default -> {
                List<String> text = text(i, vr);
                out = new double[text.size()];
                try {
                    for (int k = 0; k < out.length; k++) {
                        out[k] = Double.parseDouble(text.get(k));
                    }
                } catch (NumberFormatException e) {
                    return NO_DOUBLES;
                }
            }
        }
        return out;
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    @Override
    public int[] ints(int tag) {
        int i = indexOf(tag);
        if (i < 0 || items[i] != null) {
            return NO_INTS;
        }
        String vr = vrAt(i);
        ByteBuffer value = value(i);
        int[] out;
        switch (vr) {
            case "OW" -> {
                out = new int[value.remaining() / 2];
                for (int k = 0; k < out.length; k++) {
                    out[k] = value.getShort() & 0xFFFF;
                }
            }
            case "OB", "UN" -> {
                value.order(ByteOrder.LITTLE_ENDIAN);
                out = new int[value.remaining() / 2];
                for (int k = 0; k < out.length; k++) {
                    out[k] = value.getShort() & 0xFFFF;
                }
            }
            case "US", "SS" -> {
                out = new int[value.remaining() / 2];
                for (int k = 0; k < out.length; k++) {
                    short s = value.getShort();
                    out[k] = vr.equals("US") ? s & 0xFFFF : s;
                }
            }
            case "UL", "SL" -> {
                out = new int[value.remaining() / 4];
                for (int k = 0; k < out.length; k++) {
                    out[k] = value.getInt();
                }
            }
            case "OF", "OD", "OL", "OV", "SQ", "AT", "FL", "FD", "SV", "UV" -> {
                return integralOf(doubles(tag), vr);
            }
            default -> {
                List<String> text = lengths[i] == 0 ? List.of() : text(i, vr);
                out = new int[text.size()];
                try {
                    for (int k = 0; k < out.length; k++) {
                        out[k] = vr.equals("IS") ? Integer.parseInt(text.get(k)) : (int) Double.parseDouble(text.get(k));
                    }
                } catch (NumberFormatException e) {
                    return NO_INTS;
                }
            }
        }
        return out;
    }

    private static int[] integralOf(double[] values, String vr) {
        if (vr.startsWith("O") || vr.equals("SQ") || vr.equals("AT")) {
            return NO_INTS;
        }
        int[] out = new int[values.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = (int) values[k];
        }
        return out;
    }

    @Override
    public List<DicomDataset> sequence(int tag) {
        int i = indexOf(tag);
        return i < 0 || items[i] == null ? List.of() : List.of(items[i]);
    }

    @Override
    public List<Element> elements() {
        List<Element> elements = new ArrayList<>(tags.length);
        for (int i = 0; i < tags.length; i++) {
            boolean sequence = items[i] != null;
            elements.add(new Element(tags[i], vrAt(i), nameOf(tags[i]), sequence ? -1 : lengths[i]));
        }
        return elements;
    }

    /** As the attribute browser names elements: the dictionary's name, private creators' names, group lengths. */
    private String nameOf(int tag) {
        int group = tag >>> 16;
        int element = tag & 0xFFFF;
        if ((group & 1) == 1) {
            if (element >= 0x10 && element <= 0xFF) {
                return "Private Creator";
            }
            // (gggg,xxee) belongs to the creator named in (gggg,00xx); PixelMed's rule, for elements below 0x0100 too.
            String creator = string(group << 16 | element >>> 8, "");
            return creator.isEmpty() ? "Private" : "Private (" + creator + ")";
        }
        if (element == 0) {
            return "Group Length";
        }
        // Overlay and curve groups repeat (60xx, 50xx); the dictionary names their first group.
        int lookup = (group & 0xFF00) == 0x6000 ? 0x6000 << 16 | element
                : (group & 0xFF00) == 0x5000 ? 0x5000 << 16 | element : tag;
        String name = shared.dictionary.name(lookup);
        return name == null || name.isBlank() ? "Unknown" : name;
    }

    /**
     * Builds a file's datasets as the walker reports its elements, in file order. Anything this parser does not
     * read exactly as PixelMed would (an unknown or missing VR in explicit VR, a UN sequence, elements out of order
     * inside an item, a character set with code extensions, a value over {@value #MAX_VALUE_BYTES} bytes) refuses
     * the file, which then goes to PixelMed.
     */
    static final class Builder {
        /** Larger values (none the viewer reads) are PixelMed's to hold or cut. */
        static final int MAX_VALUE_BYTES = 1 << 20;

        private final Shared shared;
        private final ArrayList<Level> levels = new ArrayList<>();
        private String refusal;
        private boolean stopped;

        Builder(ByteOrder order, TagDictionary dictionary) {
            this.shared = new Shared(order, dictionary);
            levels.add(new Level());
        }

        /** One dataset under construction, and the sequence being filled within it, if any. */
        private static final class Level {
            int count;
            int[] tags = new int[64];
            String[] vrs = new String[64];
            int[] offsets = new int[64];
            int[] lengths = new int[64];
            ParsedDataset[][] items = new ParsedDataset[64][];
            List<ParsedDataset> openSequence;

            void add(int tag, String vr, int offset, int length, ParsedDataset[] sequence) {
                if (count == tags.length) {
                    int n = count * 2;
                    tags = Arrays.copyOf(tags, n);
                    vrs = Arrays.copyOf(vrs, n);
                    offsets = Arrays.copyOf(offsets, n);
                    lengths = Arrays.copyOf(lengths, n);
                    items = Arrays.copyOf(items, n);
                }
                tags[count] = tag;
                vrs[count] = vr;
                offsets[count] = offset;
                lengths[count] = length;
                items[count] = sequence;
                count++;
            }

            boolean ascending(int tag) {
                return count == 0 || Integer.compareUnsigned(tags[count - 1], tag) < 0;
            }

            ParsedDataset build(Shared shared) {
                return new ParsedDataset(shared, Arrays.copyOf(tags, count), Arrays.copyOf(vrs, count),
                        Arrays.copyOf(offsets, count), Arrays.copyOf(lengths, count), Arrays.copyOf(items, count));
            }
        }

        boolean accepting() {
            return refusal == null && !stopped;
        }

        void refuse(String why) {
            if (refusal == null) {
                refusal = why;
            }
        }

        /** The top-level pixel data: PixelMed stops there, and so does this parse. */
        void stop() {
            stopped = true;
        }

        private Level current() {
            return levels.get(levels.size() - 1);
        }

        private boolean admit(int tag, String vr, boolean explicitVr) {
            if (!accepting()) {
                return false;
            }
            if (tag >>> 16 == 0xFFFE) {
                refuse("a stray item or delimiter " + DatasetWalker.tagName(tag) + " among elements");
                return false;
            }
            if (explicitVr && !isKnownVr(vr)) {
                refuse("element " + DatasetWalker.tagName(tag) + " has " + (vr.isEmpty() ? "no VR" : "the unknown VR "
                        + vr) + " in explicit VR");
                return false;
            }
            Level level = current();
            if (!level.ascending(tag)) {
                refuse("elements out of order or repeated inside a sequence item at " + DatasetWalker.tagName(tag));
                return false;
            }
            if (tag == 0x00080005 && levels.size() > 1) {
                refuse("a sequence item sets its own Specific Character Set");
                return false;
            }
            return true;
        }

        /**
         * An element with a value of {@code length} bytes: returns where to copy the value into {@link #values()},
         * or -1 when this parse is refused or stopped.
         */
        int element(int tag, String vr, long length, boolean explicitVr) {
            if (!admit(tag, vr, explicitVr)) {
                return -1;
            }
            if (vr.equals("SQ") && length > 0) {
                refuse("element " + DatasetWalker.tagName(tag) + " is a sequence whose value holds no items");
                return -1;
            }
            if (length > MAX_VALUE_BYTES) {
                refuse("element " + DatasetWalker.tagName(tag) + " has a value of " + length + " bytes");
                return -1;
            }
            int n = (int) length;
            if (shared.used + n > shared.values.length) {
                shared.values = Arrays.copyOf(shared.values, Math.max(shared.values.length * 2, shared.used + n));
            }
            int at = shared.used;
            shared.used += n;
            if (vr.equals("SQ")) {
                current().add(tag, vr, at, 0, new ParsedDataset[0]);
            } else {
                current().add(tag, vr, at, n, null);
            }
            return at;
        }

        /** The array to copy a value into, at the offset {@link #element} returned. */
        byte[] values() {
            return shared.values;
        }

        /** A sequence starts; its items follow ({@link #beginItem}), then {@link #endSequence}. */
        void beginSequence(int tag, String vr, boolean explicitVr) {
            if (!admit(tag, vr, explicitVr)) {
                return;
            }
            if (vr.equals("UN")) {
                refuse("element " + DatasetWalker.tagName(tag) + " is a sequence of unknown VR (UN)");
                return;
            }
            Level level = current();
            level.add(tag, vr, shared.used, 0, null);
            level.openSequence = new ArrayList<>();
        }

        void endSequence() {
            if (!accepting()) {
                return;
            }
            Level level = current();
            level.items[level.count - 1] = level.openSequence.toArray(new ParsedDataset[0]);
            level.openSequence = null;
        }

        void beginItem() {
            if (accepting()) {
                levels.add(new Level());
            }
        }

        void endItem() {
            if (!accepting()) {
                return;
            }
            Level item = levels.remove(levels.size() - 1);
            current().openSequence.add(item.build(shared));
        }

        /** The top-level dataset, or null when the parse was refused ({@link #refusal()} says why). */
        ParsedDataset build() {
            if (refusal == null && levels.size() != 1) {
                refuse("the walk ended inside a sequence");
            }
            if (refusal != null) {
                return null;
            }
            ParsedDataset top = current().build(shared);
            String characterSet = String.join("\\", top.strings(0x00080005));
            Charset charset = charsetOf(top.strings(0x00080005));
            if (charset == null) {
                refuse("its Specific Character Set \"" + characterSet + "\" is one PixelMed decodes");
                return null;
            }
            shared.charset = charset;
            shared.signedPixels = top.integer(0x00280103, 0) == 1;
            shared.values = Arrays.copyOf(shared.values, shared.used);
            return new ParsedDataset(shared, top.tags, top.vrs, top.offsets, top.lengths, top.items);
        }

        String refusal() {
            return refusal;
        }

        /** The Java character set of a single-valued Specific Character Set, or null for code extensions. */
        private static Charset charsetOf(List<String> terms) {
            if (terms.isEmpty() || terms.size() == 1 && terms.get(0).isEmpty()) {
                // PixelMed's reading of text without a character set: UTF-8 (ASCII is its first half).
                return StandardCharsets.UTF_8;
            }
            if (terms.size() != 1) {
                return null;
            }
            String name = switch (terms.get(0)) {
                case "ISO_IR 6" -> "ISO-8859-1";
                case "ISO_IR 100" -> "ISO-8859-1";
                case "ISO_IR 101" -> "ISO-8859-2";
                case "ISO_IR 109" -> "ISO-8859-3";
                case "ISO_IR 110" -> "ISO-8859-4";
                case "ISO_IR 144" -> "ISO-8859-5";
                case "ISO_IR 127" -> "ISO-8859-6";
                case "ISO_IR 126" -> "ISO-8859-7";
                case "ISO_IR 138" -> "ISO-8859-8";
                case "ISO_IR 148" -> "ISO-8859-9";
                case "ISO_IR 203" -> "ISO-8859-15";
                case "ISO_IR 192" -> "UTF-8";
                case "ISO_IR 166" -> "TIS-620";
                case "GB18030" -> "GB18030";
                case "GBK" -> "GBK";
                default -> null;
            };
            return name == null ? null : Charset.forName(name);
        }

        private static boolean isKnownVr(String vr) {
            return switch (vr) {
                case "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "OB", "OD", "OF", "OL",
                     "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST", "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US",
                     "UT", "UV" -> true;
                default -> false;
            };
        }
    }
}
