package org.radmamba.viewer.dicom.pixeldata;

import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.pixeldata.DatasetLayout.Cut;
import org.radmamba.viewer.dicom.pixeldata.DatasetLayout.ElementSpan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Walks a DICOM file's element headers without reading values, checking every length against the bytes that
 * remain, so that a toolkit reading the file afterwards never allocates for a length the file cannot hold.
 * Finds the transfer syntax and where the pixel data (and its fragments) are. Bounded: each step advances at
 * least 8 bytes, sequences nest at most {@value #MAX_DEPTH} deep (structured reports nest deeply; the bound
 * only stops files built to exhaust the stack).
 *
 * <p>Tolerant where other toolkits are: elements out of order are noted, not refused, and the walker plans
 * {@link Cut}s of what PixelMed must not be given: a value whose length is no multiple of its VR's unit (PixelMed
 * loses its place in the file after one, pydicom and DCMTK read it), and values larger than
 * {@value #LARGE_ELEMENT_BYTES} bytes outside the pixel data (PixelMed would hold them in memory). Each is
 * described in {@link DatasetLayout#repairs()}.
 */
public final class DatasetWalker {

    private static final long UNDEFINED_LENGTH = 0xFFFFFFFFL;
    private static final int ITEM = 0xFFFEE000;
    private static final int ITEM_DELIMITER = 0xFFFEE00D;
    private static final int SEQUENCE_DELIMITER = 0xFFFEE0DD;
    private static final int MAX_DEPTH = 64;
    /** A value above this size outside the pixel data is skipped, not read: no attribute a viewer uses is as large. */
    static final long LARGE_ELEMENT_BYTES = 16L << 20;
    private static final Set<String> VRS_WITH_32_BIT_LENGTH =
            Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT", "SV", "UV");

    private final Path file;
    private final ReadLimits limits;
    private ByteSource source;
    private final ByteSource original;
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    private boolean explicitVr;
    private final ByteBuffer window = ByteBuffer.allocate(8192);
    private long windowStart = -1;
    private int windowLength;

    private long pixelDataOffset = -1;
    private long pixelDataLength = -1;
    private String pixelDataVr = "";
    private int pixelDataTag = Tag.PIXEL_DATA;
    private long[] basicOffsetTable = new long[0];
    private final List<Fragment> fragments = new ArrayList<>();
    private long[] extendedOffsets;
    private long[] extendedLengths;
    /** Length fields (4 bytes each) of the defined-length sequences and items enclosing the element being walked. */
    private final java.util.ArrayDeque<Long> enclosingLengths = new java.util.ArrayDeque<>();
    private final List<Cut> cuts = new ArrayList<>();
    private final List<String> repairs = new ArrayList<>();
    private final List<ElementSpan> topLevel = new ArrayList<>();
    private boolean outOfOrder;
    /** Our own parse of the attributes, built during the walk; null when only the layout is wanted. */
    private ParsedDataset.Builder parse;
    private final TagDictionary dictionary;

    private DatasetWalker(Path file, ByteSource source, ReadLimits limits, TagDictionary dictionary) {
        this.file = file;
        this.source = source;
        this.original = source;
        this.limits = limits;
        this.dictionary = dictionary;
    }

    /**
     * @param file   named in errors
     * @param source the file's bytes; for a deflated dataset the layout refers to a new, inflated source
     * @throws DicomReadException naming the file and the first problem found
     */
    public static DatasetLayout walk(Path file, ByteSource source, ReadLimits limits) throws DicomReadException {
        try {
            return new DatasetWalker(file, source, limits, null).walk();
        } catch (DicomReadException e) {
            throw e;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DicomReadException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * A walk and our own parse of the attributes in the same pass over the file.
     *
     * @param dataset  the attributes up to the top-level pixel data; null when this parser refused the file (see
     *                 {@code refusal}) or the walk noted repairs ({@link DatasetLayout#repairs()}): such a file is
     *                 PixelMed's to parse, with its element-by-element recovery
     * @param refusal  why {@code dataset} is null, or null
     */
    public record Walked(DatasetLayout layout, ParsedDataset dataset, String refusal) {
    }

    /** As {@link #walk}, parsing the attributes too; {@code dictionary} gives implicit VR files their VRs. */
    public static Walked walkAndParse(Path file, ByteSource source, ReadLimits limits, TagDictionary dictionary)
            throws DicomReadException {
        try {
            DatasetWalker walker = new DatasetWalker(file, source, limits, dictionary);
            DatasetLayout layout = walker.walk();
            ParsedDataset dataset = walker.parse.build();
            String refusal = walker.parse.refusal();
            if (dataset != null && !layout.repairs().isEmpty()) {
                dataset = null;
                refusal = "the walk repaired it: " + layout.repairs().get(0);
            }
            return new Walked(layout, dataset, refusal);
        } catch (DicomReadException e) {
            throw e;
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DicomReadException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    private DatasetLayout walk() throws IOException {
        if (dictionary != null) {
            parse = new ParsedDataset.Builder(ByteOrder.LITTLE_ENDIAN, dictionary);
        }
        long size = source.size();
        long pos = 0;
        boolean prefix = size >= 132 && "DICM".equals(ascii(128, 4));
        if (prefix) {
            pos = 132;
        }
        String transferSyntax = null;
        boolean meta = size - pos >= 8 && u16le(pos) == 0x0002;
        if (meta) {
            explicitVr = true;
            while (size - pos >= 8 && u16le(pos) == 0x0002) {
                Header h = header(pos, size, ByteOrder.LITTLE_ENDIAN, true);
                if (h.length == UNDEFINED_LENGTH) {
                    throw fail("file meta element " + tagName(h.tag) + " has an undefined length");
                }
                if (h.length > size - h.valuePos) {
                    throw fail("file meta element " + tagName(h.tag) + " claims " + h.length + " bytes but only "
                            + Math.max(0, size - h.valuePos) + " remain");
                }
                topLevel.add(new ElementSpan(h.tag, pos, h.valuePos + h.length, true));
                if (parse != null) {
                    captureValue(h, true);
                }
                if (h.tag == Tag.TRANSFER_SYNTAX_UID) {
                    if (h.length > 64) {
                        throw fail("the Transfer Syntax UID (0002,0010) is " + h.length + " bytes long, at most 64 are allowed");
                    }
                    transferSyntax = ascii(h.valuePos, (int) h.length).replace("\0", "").trim();
                }
                pos = h.valuePos + h.length;
            }
            if (pos < size && size - pos < 8) {
                throw fail("is truncated: it ends inside the file meta information");
            }
            if (transferSyntax == null || transferSyntax.isEmpty()) {
                throw fail("the file meta information lacks the Transfer Syntax UID (0002,0010)");
            }
        } else if (prefix) {
            throw fail("has the DICM prefix but no file meta information (group 0002) after it");
        } else {
            if (size < 8 || !plausibleFirstElement()) {
                throw fail("is not a DICOM file: no DICM prefix and no plausible first element");
            }
            explicitVr = isVrLetters(4);
            transferSyntax = explicitVr ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN : TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
        }
        if (parse != null && TransferSyntax.EXPLICIT_VR_BIG_ENDIAN.equals(transferSyntax)) {
            // The parse keeps one byte order for all values, and the file meta is little endian (a retired syntax).
            parse.refuse("the dataset is big endian");
        }
        switch (transferSyntax) {
            case TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN -> explicitVr = false;
            case TransferSyntax.EXPLICIT_VR_BIG_ENDIAN -> {
                explicitVr = true;
                order = ByteOrder.BIG_ENDIAN;
            }
            case TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN -> {
                explicitVr = true;
                source = inflate(pos, size);
                windowStart = -1;
                pos = 0;
                size = source.size();
            }
            default -> explicitVr = true;
        }
        ByteSource walked = source;
        try {
            walkElements(pos, size, 0, true, false);
        } catch (IOException | RuntimeException e) {
            if (walked != original) {
                walked.close();
            }
            throw e;
        }
        return new DatasetLayout(source, transferSyntax, order, pixelDataOffset, pixelDataLength, pixelDataVr,
                basicOffsetTable, List.copyOf(fragments), extendedOffsets, extendedLengths, List.copyOf(cuts),
                List.copyOf(repairs), List.copyOf(topLevel), outOfOrder, pixelDataTag);
    }

    private boolean plausibleFirstElement() throws IOException {
        int group = u16le(0);
        return group % 2 == 0 && group >= 0x0002 && group <= 0x0010;
    }

    /**
     * Inflates the dataset into a temporary file (deleted when the layout's source is closed), not onto the heap:
     * a 1 MB deflate bomb of a 1 GiB element of zeros costs disk for a moment, never memory. It may inflate only to
     * what its elements can plausibly need: the pixel data limit and 64 MiB of attributes.
     */
    private ByteSource inflate(long pos, long size) throws IOException {
        long cap = limits.maxPixelDataBytes() + (64L << 20);
        Path inflated = java.nio.file.Files.createTempFile("radmamba-inflated-", ".dcm");
        java.nio.channels.FileChannel out;
        try {
            out = java.nio.channels.FileChannel.open(inflated, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.DELETE_ON_CLOSE);
        } catch (IOException | RuntimeException e) {
            java.nio.file.Files.deleteIfExists(inflated);
            throw e;
        }
        Inflater inflater = new Inflater(true);
        try {
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            byte[] buffer = new byte[256 * 1024];
            long read = pos;
            long length = 0;
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    if (read >= size) {
                        throw fail("the deflated dataset is truncated");
                    }
                    in.clear();
                    in.limit((int) Math.min(in.capacity(), size - read));
                    source.readFully(read, in);
                    read += in.limit();
                    inflater.setInput(in.array(), 0, in.limit());
                }
                int n = inflater.inflate(buffer);
                if (n == 0 && inflater.needsDictionary()) {
                    throw fail("the deflated dataset is corrupt: it needs a preset dictionary");
                }
                if (length + n > cap) {
                    throw fail("the deflated dataset inflates to more than " + cap
                            + " bytes, more than its pixel data and attributes may need");
                }
                out.write(ByteBuffer.wrap(buffer, 0, n), length);
                length += n;
            }
            return new ByteSource.FileSource(out, length);
        } catch (DataFormatException e) {
            out.close();
            throw fail("the deflated dataset is corrupt: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        } finally {
            inflater.end();
        }
    }

    private record Header(int tag, String vr, long length, long valuePos) {
    }

    private Header header(long pos, long end, ByteOrder byteOrder, boolean explicit) throws IOException {
        if (end - pos < 8) {
            throw fail("ends inside an element header at byte " + pos);
        }
        int tag = u16(pos, byteOrder) << 16 | u16(pos + 2, byteOrder);
        if ((tag >>> 16) == 0xFFFE) {
            return new Header(tag, "", u32(pos + 4, byteOrder), pos + 8);
        }
        if (explicit && isVrLetters(pos + 4)) {
            String vr = ascii(pos + 4, 2);
            if (VRS_WITH_32_BIT_LENGTH.contains(vr)) {
                if (end - pos < 12) {
                    throw fail("ends inside the header of element " + tagName(tag));
                }
                return new Header(tag, vr, u32(pos + 8, byteOrder), pos + 12);
            }
            return new Header(tag, vr, u16(pos + 6, byteOrder), pos + 8);
        }
        // Implicit VR (or an explicit-VR file that wrote this element implicitly, which readers tolerate).
        return new Header(tag, "", u32(pos + 4, byteOrder), pos + 8);
    }

    /**
     * Walks elements from {@code pos} to {@code end}; inside an undefined-length item, up to its delimiter.
     *
     * @return the position after the last element (after the item delimiter when {@code untilDelimiter})
     */
    private long walkElements(long pos, long end, int depth, boolean topLevel, boolean untilDelimiter) throws IOException {
        long previousTag = -1;
        while (pos < end) {
            Header h = header(pos, end, order, explicitVr);
            if (h.tag == ITEM_DELIMITER && untilDelimiter) {
                return h.valuePos;
            }
            if (topLevel) {
                long unsignedTag = h.tag & 0xFFFFFFFFL;
                if (unsignedTag <= previousTag && !outOfOrder) {
                    // pydicom and DCMTK read such files; a wrong length would fail on a later header anyway.
                    outOfOrder = true;
                    repairs.add("elements out of order at byte " + pos + ": " + tagName(h.tag) + " after "
                            + tagName((int) previousTag) + "; read in file order");
                }
                previousTag = Math.max(previousTag, unsignedTag);
            }
            if (h.length == UNDEFINED_LENGTH) {
                if (topLevel && isPixelData(h.tag)) {
                    foundPixelData(h);
                    if (parse != null) {
                        parse.stop();
                    }
                    pos = walkEncapsulated(h.valuePos, end);
                    this.topLevel.add(new ElementSpan(h.tag, h.valuePos - headerLength(h), pos, false));
                } else if (h.vr.isEmpty() || h.vr.equals("SQ") || h.vr.equals("UN")) {
                    long start = pos;
                    if (parse != null) {
                        parse.beginSequence(h.tag, h.vr, explicitVr);
                    }
                    pos = walkSequence(h.valuePos, end, depth + 1, true);
                    if (parse != null) {
                        parse.endSequence();
                    }
                    if (topLevel) {
                        this.topLevel.add(new ElementSpan(h.tag, start, pos, false));
                    }
                } else {
                    throw fail("element " + tagName(h.tag) + " (" + h.vr + ") has an undefined length");
                }
                continue;
            }
            long remaining = end - h.valuePos;
            if (h.length > remaining) {
                throw fail("element " + tagName(h.tag) + (h.tag == Tag.PIXEL_DATA ? " (Pixel Data)" : "")
                        + " claims " + h.length + " bytes but only " + Math.max(0, remaining) + " remain");
            }
            if (topLevel) {
                recordTopLevel(h);
                this.topLevel.add(new ElementSpan(h.tag, pos, h.valuePos + h.length, false));
            }
            if (h.length >= 8 && (h.vr.isEmpty() || h.vr.equals("SQ") || h.vr.equals("UN"))
                    && u16(h.valuePos, order) == 0xFFFE && u16(h.valuePos + 2, order) == 0xE000) {
                if (parse != null && topLevel && isPixelData(h.tag)) {
                    parse.stop();
                } else if (parse != null) {
                    parse.beginSequence(h.tag, h.vr, explicitVr);
                }
                enclosingLengths.push(h.valuePos - 4);
                walkSequence(h.valuePos, h.valuePos + h.length, depth + 1, false);
                enclosingLengths.pop();
                if (parse != null) {
                    parse.endSequence();
                }
            } else if (!(topLevel && isPixelData(h.tag))) {
                planCut(h);
                if (parse != null) {
                    captureValue(h, explicitVr);
                }
            } else if (parse != null) {
                parse.stop();
            }
            pos = h.valuePos + h.length;
        }
        if (untilDelimiter) {
            throw fail("ends inside a sequence item (no item delimiter)");
        }
        return pos;
    }

    /** Copies an element's value into our parse (from the window when it holds it: no read call). */
    private void captureValue(Header h, boolean explicit) throws IOException {
        int at = parse.element(h.tag, h.vr, h.length, explicit);
        if (at < 0 || h.length == 0) {
            return;
        }
        int length = (int) h.length;
        if (length <= window.capacity()) {
            ensure(h.valuePos, length);
            window.get((int) (h.valuePos - windowStart), parse.values(), at, length);
        } else {
            source.readFully(h.valuePos, ByteBuffer.wrap(parse.values(), at, length));
        }
    }

    private static int headerLength(Header h) {
        return h.vr.isEmpty() || VRS_WITH_32_BIT_LENGTH.contains(h.vr) ? (h.vr.isEmpty() ? 8 : 12) : 8;
    }

    /** Plans the cut of a value PixelMed must not be given: too large to hold, or of a length its VR cannot have. */
    private void planCut(Header h) {
        if ((h.tag >>> 16) == 0x0002 || (h.tag >>> 16) == 0xFFFE) {
            return;
        }
        int unit = unitOf(h.vr);
        long kept;
        String why;
        if (h.length > LARGE_ELEMENT_BYTES) {
            kept = 0;
            why = "element " + tagName(h.tag) + (h.vr.isEmpty() ? "" : " (" + h.vr + ")") + " of " + h.length
                    + " bytes was skipped, not read: more than " + LARGE_ELEMENT_BYTES + " bytes outside the pixel data";
        } else if (unit > 1 && h.length % unit != 0) {
            kept = h.length - h.length % unit;
            why = "element " + tagName(h.tag) + " (" + h.vr + ") has " + h.length + " bytes, not a multiple of "
                    + unit + "; its last " + (h.length - kept == 1 ? "byte was" : (h.length - kept) + " bytes were")
                    + " dropped";
        } else {
            return;
        }
        boolean shortLength = !h.vr.isEmpty() && !VRS_WITH_32_BIT_LENGTH.contains(h.vr);
        long lengthField = shortLength ? h.valuePos - 2 : h.valuePos - 4;
        long[] enclosing = enclosingLengths.stream().mapToLong(Long::longValue).toArray();
        cuts.add(new Cut(lengthField, shortLength ? 2 : 4, kept, h.valuePos + kept, h.valuePos + h.length, enclosing));
        repairs.add(why);
    }

    /** The bytes of one value of a binary VR; 1 for text and bytes (and in implicit VR, where the VR is unknown). */
    private static int unitOf(String vr) {
        return switch (vr) {
            case "OW", "US", "SS" -> 2;
            case "OF", "OL", "UL", "SL", "FL", "AT" -> 4;
            case "OD", "OV", "FD", "SV", "UV" -> 8;
            default -> 1;
        };
    }

    /** Pixel Data, Float Pixel Data or Double Float Pixel Data: a dataset holds one of them. */
    private static boolean isPixelData(int tag) {
        return tag == Tag.PIXEL_DATA || tag == Tag.FLOAT_PIXEL_DATA || tag == Tag.DOUBLE_FLOAT_PIXEL_DATA;
    }

    private void foundPixelData(Header h) throws DicomReadException {
        if (pixelDataOffset >= 0) {
            throw fail("has two pixel data elements, " + tagName(pixelDataTag) + " and " + tagName(h.tag)
                    + ": which holds the image is not defined");
        }
        pixelDataOffset = h.valuePos;
        pixelDataVr = h.vr;
        pixelDataTag = h.tag;
    }

    private void recordTopLevel(Header h) throws IOException {
        switch (h.tag) {
            case Tag.PIXEL_DATA, Tag.FLOAT_PIXEL_DATA, Tag.DOUBLE_FLOAT_PIXEL_DATA -> {
                foundPixelData(h);
                pixelDataLength = h.length;
            }
            case Tag.EXTENDED_OFFSET_TABLE -> extendedOffsets = u64s(h.valuePos, h.length);
            case Tag.EXTENDED_OFFSET_TABLE_LENGTHS -> extendedLengths = u64s(h.valuePos, h.length);
            default -> {
            }
        }
    }

    private long walkSequence(long pos, long end, int depth, boolean undefinedLength) throws IOException {
        if (depth > MAX_DEPTH) {
            throw fail("has sequences nested deeper than " + MAX_DEPTH + " levels");
        }
        while (pos < end) {
            Header h = header(pos, end, order, false);
            if (h.tag == SEQUENCE_DELIMITER) {
                return h.valuePos;
            }
            if (h.tag != ITEM) {
                throw fail("expected a sequence item at byte " + pos + ", found " + tagName(h.tag));
            }
            if (parse != null) {
                parse.beginItem();
            }
            if (h.length == UNDEFINED_LENGTH) {
                pos = walkElements(h.valuePos, end, depth, false, true);
            } else {
                if (h.length > end - h.valuePos) {
                    throw fail("a sequence item at byte " + pos + " claims " + h.length + " bytes but only "
                            + (end - h.valuePos) + " remain");
                }
                enclosingLengths.push(h.valuePos - 4);
                walkElements(h.valuePos, h.valuePos + h.length, depth, false, false);
                enclosingLengths.pop();
                pos = h.valuePos + h.length;
            }
            if (parse != null) {
                parse.endItem();
            }
        }
        if (undefinedLength) {
            throw fail("ends inside a sequence (no sequence delimiter)");
        }
        return pos;
    }

    private long walkEncapsulated(long pos, long end) throws IOException {
        Header table = header(pos, end, ByteOrder.LITTLE_ENDIAN, false);
        if (table.tag != ITEM) {
            throw fail("encapsulated Pixel Data does not start with an offset table item");
        }
        if (table.length > end - table.valuePos || table.length % 4 != 0) {
            throw fail("the Basic Offset Table claims " + table.length + " bytes, which the file cannot hold");
        }
        checkTable(table.length / 4, "the Basic Offset Table");
        basicOffsetTable = new long[(int) (table.length / 4)];
        for (int i = 0; i < basicOffsetTable.length; i++) {
            basicOffsetTable[i] = u32(table.valuePos + 4L * i, ByteOrder.LITTLE_ENDIAN);
        }
        pos = table.valuePos + table.length;
        long firstFragment = pos;
        while (true) {
            Header h = header(pos, end, ByteOrder.LITTLE_ENDIAN, false);
            if (h.tag == SEQUENCE_DELIMITER) {
                return h.valuePos;
            }
            if (h.tag != ITEM) {
                throw fail("expected a pixel data fragment at byte " + pos + ", found " + tagName(h.tag));
            }
            if (h.length > end - h.valuePos || h.length > Integer.MAX_VALUE - 16) {
                throw fail("a pixel data fragment at byte " + pos + " claims " + h.length + " bytes but only "
                        + (end - h.valuePos) + " remain");
            }
            fragments.add(new Fragment(pos - firstFragment, h.valuePos, (int) h.length));
            pos = h.valuePos + h.length;
        }
    }

    /** A table of offsets gets no more entries than the heap can hold: a sparse file may claim gigabytes of them. */
    private void checkTable(long entries, String what) throws DicomReadException {
        java.util.Optional<String> refusal =
                org.radmamba.viewer.memory.MemoryBudget.refusal(entries * 8, "reading " + what + " of " + entries + " entries");
        if (refusal.isPresent()) {
            throw fail(refusal.get());
        }
    }

    private long[] u64s(long pos, long length) throws IOException {
        checkTable(length / 8, "an Extended Offset Table");
        long[] values = new long[(int) (length / 8)];
        for (int i = 0; i < values.length; i++) {
            long low = u32(pos + 8L * i, ByteOrder.LITTLE_ENDIAN);
            long high = u32(pos + 8L * i + 4, ByteOrder.LITTLE_ENDIAN);
            values[i] = high << 32 | low;
        }
        return values;
    }

    private DicomReadException fail(String reason) {
        return new DicomReadException(file, reason);
    }

    static String tagName(int tag) {
        return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }

    private boolean isVrLetters(long pos) throws IOException {
        if (source.size() - pos < 2) {
            return false;
        }
        ensure(pos, 2);
        byte a = window.get((int) (pos - windowStart));
        byte b = window.get((int) (pos - windowStart + 1));
        return a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z';
    }

    private String ascii(long pos, int length) throws IOException {
        byte[] bytes = new byte[length];
        ensure(pos, length);
        window.get((int) (pos - windowStart), bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private int u16le(long pos) throws IOException {
        return u16(pos, ByteOrder.LITTLE_ENDIAN);
    }

    private int u16(long pos, ByteOrder byteOrder) throws IOException {
        ensure(pos, 2);
        return window.order(byteOrder).getShort((int) (pos - windowStart)) & 0xFFFF;
    }

    private long u32(long pos, ByteOrder byteOrder) throws IOException {
        ensure(pos, 4);
        return window.order(byteOrder).getInt((int) (pos - windowStart)) & 0xFFFFFFFFL;
    }

    private void ensure(long pos, int length) throws IOException {
        if (pos >= windowStart && pos + length <= windowStart + windowLength && windowStart >= 0) {
            return;
        }
        long available = source.size() - pos;
        if (available < length) {
            throw fail("is truncated: it ends at byte " + source.size() + " inside an element");
        }
        if (length > window.capacity()) {
            throw new IllegalArgumentException("window too small for " + length + " bytes");
        }
        window.clear();
        window.limit((int) Math.min(window.capacity(), available));
        source.readFully(pos, window);
        windowStart = pos;
        windowLength = window.limit();
    }
}
