package org.radmamba.viewer.dicom.pixelmed;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomHeader;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.codec.TransferSyntax;
import org.radmamba.viewer.dicom.pixeldata.AttributeParser;
import org.radmamba.viewer.dicom.pixeldata.ByteSource;
import org.radmamba.viewer.dicom.pixeldata.DatasetLayout;
import org.radmamba.viewer.dicom.pixeldata.DatasetWalker;
import org.radmamba.viewer.dicom.pixeldata.PixelDataFile;
import org.radmamba.viewer.dicom.pixeldata.RepairedStream;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The DICOM port on PixelMed. Every file is first walked by our {@link DatasetWalker}, which checks all element
 * lengths against the file size; PixelMed then parses the attributes up to the pixel data, which it never
 * reads (so it never decompresses anything); we read the pixel data ourselves from the walked layout.
 *
 * <p>PixelMed is given the file with the walker's {@link DatasetLayout.Cut}s applied (values it would fail on or
 * hold in memory). Where it still refuses the dataset, or the elements are out of order, it is given one top-level
 * element at a time, and an element it refuses is left out: a file fails only when its pixels cannot be located.
 * Every repair is logged and listed in the dataset ({@link DicomDataset#repairs()}).
 */
public final class PixelMedDicomReader implements DicomReader, AttributeParser {

    private static final AttributeTag PIXEL_DATA = new AttributeTag(0x7FE0, 0x0010);
    private static final AttributeTag FLOAT_PIXEL_DATA = new AttributeTag(0x7FE0, 0x0008);
    private static final AttributeTag DOUBLE_FLOAT_PIXEL_DATA = new AttributeTag(0x7FE0, 0x0009);
    /**
     * PixelMed stops at exactly its stop tag (Pixel Data); this stops it at Float and Double Float Pixel Data too,
     * before their values, so that it never reads any pixels (encapsulated float pixel data, of Deflated Image Frame
     * Compression, is not a form PixelMed parses at all).
     */
    private static final AttributeList.ReadTerminationStrategy AT_FLOAT_PIXEL_DATA =
            (list, tag, bytesRead) -> FLOAT_PIXEL_DATA.equals(tag) || DOUBLE_FLOAT_PIXEL_DATA.equals(tag);
    private static final AttributeTag DIRECTORY_RECORD_SEQUENCE = new AttributeTag(0x0004, 0x1220);
    private static final int REFERENCED_FILE_ID = 0x00041500;
    private static final int SPECIFIC_CHARACTER_SET = 0x00080005;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PixelMedDicomReader.class);

    private final ReadLimits limits;

    public PixelMedDicomReader() {
        this(ReadLimits.DEFAULT);
    }

    public PixelMedDicomReader(ReadLimits limits) {
        this.limits = limits;
    }

    @Override
    public DicomHeader readHeader(Path file) throws DicomReadException {
        try (ByteSource source = openSource(file)) {
            DatasetLayout layout = DatasetWalker.walk(file, source, limits);
            try (ByteSource walked = layout.source() == source ? null : layout.source()) {
                return new DicomHeader(file, layout.transferSyntaxUid(), recentOrParsed(file, source, layout),
                        layout.hasPixelData());
            }
        } catch (IOException e) {
            throw asReadException(file, e);
        }
    }

    @Override
    public DicomFile open(Path file) throws DicomReadException {
        try (ByteSource source = openSource(file)) {
            DatasetLayout layout = DatasetWalker.walk(file, source, limits);
            try (ByteSource walked = layout.source() == source ? null : layout.source()) {
                return PixelDataFile.read(file, layout, recentOrParsed(file, source, layout), limits);
            }
        } catch (IOException e) {
            throw asReadException(file, e);
        }
    }

    @Override
    public List<Path> dicomDirReferencedFiles(Path dicomDir) throws DicomReadException {
        DicomDataset directory = readHeader(dicomDir).dataset();
        Path folder = dicomDir.toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>();
        for (DicomDataset record : directory.sequence(DIRECTORY_RECORD_SEQUENCE.getGroup() << 16
                | DIRECTORY_RECORD_SEQUENCE.getElement())) {
            List<String> components = record.strings(REFERENCED_FILE_ID);
            if (components.isEmpty()) {
                continue;
            }
            Path referenced = folder;
            for (String component : components) {
                referenced = referenced.resolve(component);
            }
            if (!referenced.normalize().startsWith(folder.normalize())) {
                throw new DicomReadException(dicomDir, "references a file outside its folder: " + String.join("\\", components));
            }
            files.add(referenced.normalize());
        }
        return files;
    }

    /** PixelMed's parse of a walked file's attributes: the standard reader's fallback where our own parser refuses. */
    @Override
    public DicomDataset attributes(Path file, ByteSource original, DatasetLayout layout) throws DicomReadException {
        return recentOrParsed(file, original, layout);
    }

    private static ByteSource openSource(Path file) throws DicomReadException {
        try {
            return ByteSource.open(file);
        } catch (IOException e) {
            throw new DicomReadException(file, "cannot be opened: " + e.getMessage(), e);
        }
    }

    private static DicomReadException asReadException(Path file, IOException e) {
        return e instanceof DicomReadException r ? r : new DicomReadException(file, "cannot be read: " + e.getMessage(), e);
    }

    /**
     * The attributes PixelMed parsed lately, by file: a viewer reads each file's header when it scans a folder, and
     * the same header again when it loads the image moments later. A file whose bytes before the pixel data (and
     * whose walk) are still exactly those parsed gets the same, immutable, dataset: PixelMed's parse is most of the
     * cost of a header, this comparison is a copy of a few KB. Bounded in entries, and soft: under memory pressure
     * the collector clears them, and the file is parsed again.
     */
    private static final int RECENT_CAPACITY = 1024;
    private static final java.util.Map<Path, java.lang.ref.SoftReference<Parsed>> RECENT = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(java.util.Map.Entry<Path, java.lang.ref.SoftReference<Parsed>> eldest) {
                    return size() > RECENT_CAPACITY;
                }
            });

    /** A parse and what it came from: the bytes before the pixel data, and the walk's repairs. */
    private record Parsed(byte[] head, List<String> walkRepairs, DicomDataset dataset) {
        boolean parsedFrom(byte[] bytes, int end, List<String> repairs) {
            return head.length == end && java.util.Arrays.equals(head, 0, end, bytes, 0, end) && walkRepairs.equals(repairs);
        }
    }

    /** PixelMed parses the attributes, stopping at the top-level pixel data (integer or float). */
    private static DicomDataset recentOrParsed(Path file, ByteSource original, DatasetLayout layout)
            throws DicomReadException {
        byte[] head = layout.source() == original && !layout.outOfOrder()
                ? original.bytesInMemory(attributesEnd(layout)) : null;
        if (head == null) {
            return parse(file, original, layout);
        }
        int end = (int) attributesEnd(layout);
        java.lang.ref.SoftReference<Parsed> reference = RECENT.get(file);
        Parsed recent = reference == null ? null : reference.get();
        if (recent != null && recent.parsedFrom(head, end, layout.repairs())) {
            return recent.dataset();
        }
        DicomDataset dataset = parse(file, original, layout);
        RECENT.put(file, new java.lang.ref.SoftReference<>(
                new Parsed(java.util.Arrays.copyOf(head, end), layout.repairs(), dataset)));
        return dataset;
    }

    private static DicomDataset parse(Path file, ByteSource original, DatasetLayout layout) throws DicomReadException {
        List<String> repairs = new ArrayList<>(layout.repairs());
        AttributeList list = null;
        if (!layout.outOfOrder()) {
            list = new AttributeList();
            list.setDecompressPixelData(false);
            try (DicomInputStream in = inputStream(original, layout)) {
                list.read(in, PIXEL_DATA, AT_FLOAT_PIXEL_DATA);
            } catch (DicomException | IOException | RuntimeException | StackOverflowError e) {
                // PixelMed signals some malformed values with unchecked exceptions; they are this file's fault.
                repairs.add("its attributes could not be parsed as a whole (" + e.getMessage()
                        + "); they were read one top-level element at a time");
                list = null;
            }
        }
        if (list == null) {
            list = elementByElement(file, original, layout, repairs);
        }
        for (String repair : repairs) {
            LOG.warn("{}: read with a repair: {}", file, repair);
        }
        return new PixelMedDataset(list, repairs);
    }

    /**
     * Our walker's recovery: PixelMed reads each top-level element on its own (behind the Specific Character Set,
     * so that text is decoded as the file says), and an element it refuses is left out and noted.
     */
    private static AttributeList elementByElement(Path file, ByteSource original, DatasetLayout layout, List<String> repairs)
            throws DicomReadException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        byte[] characterSet = new byte[0];
        for (DatasetLayout.ElementSpan span : layout.topLevel()) {
            if (span.tag() == SPECIFIC_CHARACTER_SET && !span.fileMeta()) {
                characterSet = bytesOf(file, layout.source(), span, layout);
            }
        }
        for (DatasetLayout.ElementSpan span : layout.topLevel()) {
            if (isPixelDataTag(span.tag()) && !span.fileMeta()) {
                continue;
            }
            String syntax = span.fileMeta() ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN : datasetSyntax(layout);
            ByteSource from = span.fileMeta() ? original : layout.source();
            InputStream element = span.fileMeta()
                    ? new RepairedStream(from, span.start(), span.end(), java.nio.ByteOrder.LITTLE_ENDIAN, List.of())
                    : new java.io.SequenceInputStream(new ByteArrayInputStream(characterSet),
                    new RepairedStream(from, span.start(), span.end(), layout.byteOrder(), layout.cuts()));
            AttributeList part = new AttributeList();
            part.setDecompressPixelData(false);
            try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(element, 64 * 1024), syntax, false)) {
                part.read(in);
                part.remove(new AttributeTag(0x0008, 0x0005));
                list.putAll(part);
            } catch (DicomException | IOException | RuntimeException | StackOverflowError e) {
                repairs.add("element " + String.format("(%04X,%04X)", span.tag() >>> 16, span.tag() & 0xFFFF)
                        + " could not be parsed and was left out: " + e.getMessage());
            }
        }
        if (characterSet.length > 0) {
            try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(characterSet), datasetSyntax(layout), false)) {
                AttributeList part = new AttributeList();
                part.read(in);
                list.putAll(part);
            } catch (DicomException | IOException | RuntimeException e) {
                repairs.add("element (0008,0005) could not be parsed and was left out: " + e.getMessage());
            }
        }
        return list;
    }

    /** Pixel Data, Float Pixel Data or Double Float Pixel Data: the pixels, which PixelMed never reads. */
    private static boolean isPixelDataTag(int tag) {
        return tag == 0x7FE00010 || tag == 0x7FE00008 || tag == 0x7FE00009;
    }

    private static byte[] bytesOf(Path file, ByteSource source, DatasetLayout.ElementSpan span, DatasetLayout layout)
            throws DicomReadException {
        if (span.end() - span.start() > 1024) {
            return new byte[0];
        }
        try {
            byte[] bytes = new byte[(int) (span.end() - span.start())];
            source.readFully(span.start(), java.nio.ByteBuffer.wrap(bytes));
            return bytes;
        } catch (IOException e) {
            throw new DicomReadException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Where what PixelMed reads ends: after the pixel data element's header (it stops there, never reading the value),
     * or the end of a file without pixel data.
     */
    private static long attributesEnd(DatasetLayout layout) {
        return layout.hasPixelData() ? layout.pixelDataOffset() : layout.source().size();
    }

    /** The syntax the dataset stream is in: a deflated one arrives inflated, as explicit VR little endian. */
    private static String datasetSyntax(DatasetLayout layout) {
        String syntax = layout.transferSyntaxUid();
        return TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN.equals(syntax) ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN : syntax;
    }

    private static DicomInputStream inputStream(ByteSource original, DatasetLayout layout) throws IOException {
        ByteSource source = layout.source();
        byte[] head = source == original ? source.bytesInMemory(attributesEnd(layout)) : null;
        if (head != null) {
            // The attributes are in memory already (ByteSource.open's first read): no second read, no buffers.
            int end = (int) attributesEnd(layout);
            InputStream bytes = layout.cuts().isEmpty() ? new ByteArrayInputStream(head, 0, end)
                    : new RepairedStream(new ByteSource.ArraySource(head, end), 0, end, layout.byteOrder(), layout.cuts());
            return new DicomInputStream(bytes);
        }
        InputStream repaired = new BufferedInputStream(
                new RepairedStream(source, 0, source.size(), layout.byteOrder(), layout.cuts()), 64 * 1024);
        if (source != original) {
            // A deflated dataset, inflated (and walked) by us.
            return new DicomInputStream(repaired, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, false);
        }
        return new DicomInputStream(repaired);
    }
}
