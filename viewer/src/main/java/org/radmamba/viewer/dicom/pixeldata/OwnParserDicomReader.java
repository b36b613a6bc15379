package org.radmamba.viewer.dicom.pixeldata;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomHeader;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.ReadLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.file.Path;
import java.util.List;

/**
 * The DICOM port on our own parser: one pass of the {@link DatasetWalker} over each file checks every length,
 * locates the pixel data and parses the attributes up to it ({@link ParsedDataset}); the pixels are read from the
 * walked layout ({@link PixelDataFile}). A file the parser refuses (its {@link DatasetWalker.Walked#refusal()}: a
 * character set with code extensions, a big endian dataset, a repair the walker made...) is parsed by the
 * {@code fallback} (PixelMed) from the same walk, exactly as before this parser existed. DICOMDIRs are the
 * {@code directories} reader's.
 *
 * <p>Why: PixelMed's parse of a CT header costs 3.5-4 ms in a fresh JVM (its code cold, its trace strings built
 * whether tracing is on or not) and 0.1-0.6 ms once compiled; this parse, a copy of the values while walking, is
 * what lets a 500-slice series load at pydicom's speed (docs/performance.md, "DICOM loading").
 */
public final class OwnParserDicomReader implements DicomReader {

    private static final Logger LOG = LoggerFactory.getLogger(OwnParserDicomReader.class);

    private final ReadLimits limits;
    private final AttributeParser fallback;
    private final TagDictionary dictionary;
    private final DicomReader directories;

    public OwnParserDicomReader(ReadLimits limits, AttributeParser fallback, TagDictionary dictionary,
                                DicomReader directories) {
        this.limits = limits;
        this.fallback = fallback;
        this.dictionary = dictionary;
        this.directories = directories;
    }

    @Override
    public DicomHeader readHeader(Path file) throws DicomReadException {
        try (ByteSource source = openSource(file)) {
            DatasetWalker.Walked walked = walk(file, source);
            DatasetLayout layout = walked.layout();
            try (ByteSource inflated = layout.source() == source ? null : layout.source()) {
                return new DicomHeader(file, layout.transferSyntaxUid(), dataset(file, source, walked),
                        layout.hasPixelData());
            }
        } catch (IOException e) {
            throw asReadException(file, e);
        }
    }

    @Override
    public DicomFile open(Path file) throws DicomReadException {
        try (ByteSource source = openSource(file)) {
            DatasetWalker.Walked walked = walk(file, source);
            DatasetLayout layout = walked.layout();
            try (ByteSource inflated = layout.source() == source ? null : layout.source()) {
                return PixelDataFile.read(file, layout, dataset(file, source, walked), limits);
            }
        } catch (IOException e) {
            throw asReadException(file, e);
        }
    }

    @Override
    public List<Path> dicomDirReferencedFiles(Path dicomDir) throws DicomReadException {
        return directories.dicomDirReferencedFiles(dicomDir);
    }

    /**
     * The walks of files read lately, by file: a viewer reads each file's header when it scans a folder and opens
     * the same file moments later to load its pixels. A file whose size and bytes before the pixel data are still
     * those walked gets the same walk and the same, immutable, dataset: comparing a header of a few KB, read anyway,
     * costs less than walking it again. Only native pixel data (read afresh from the file each time), bounded in
     * entries, and soft: under memory pressure the collector clears them and the file is walked again.
     */
    private static final int RECENT_CAPACITY = 1024;
    private final Map<Path, SoftReference<Recent>> recent = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Path, SoftReference<Recent>> eldest) {
                    return size() > RECENT_CAPACITY;
                }
            });

    /** A walk, its layout without a source, and the bytes it covered: the file's size and its bytes before the pixels. */
    private record Recent(long size, byte[] head, DatasetWalker.Walked walked) {
    }

    private DatasetWalker.Walked walk(Path file, ByteSource source) throws DicomReadException {
        SoftReference<Recent> reference = recent.get(file);
        Recent last = reference == null ? null : reference.get();
        if (last != null && last.size() == source.size()) {
            byte[] bytes = source.bytesInMemory(last.head().length);
            if (bytes != null && Arrays.equals(last.head(), 0, last.head().length, bytes, 0, last.head().length)) {
                DatasetWalker.Walked walked = last.walked();
                return new DatasetWalker.Walked(walked.layout().withSource(source), walked.dataset(), walked.refusal());
            }
        }
        DatasetWalker.Walked walked = DatasetWalker.walkAndParse(file, source, limits, dictionary);
        DatasetLayout layout = walked.layout();
        if (walked.dataset() != null && layout.source() == source && layout.hasPixelData() && !layout.encapsulated()) {
            byte[] bytes = source.bytesInMemory(layout.pixelDataOffset());
            if (bytes != null) {
                recent.put(file, new SoftReference<>(new Recent(source.size(),
                        Arrays.copyOf(bytes, (int) layout.pixelDataOffset()),
                        new DatasetWalker.Walked(layout.withSource(null), walked.dataset(), null))));
            }
        }
        return walked;
    }

    private DicomDataset dataset(Path file, ByteSource source, DatasetWalker.Walked walked) throws DicomReadException {
        if (walked.dataset() != null) {
            return walked.dataset();
        }
        LOG.debug("{}: attributes parsed by the fallback: {}", file, walked.refusal());
        return fallback.attributes(file, source, walked.layout());
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
}
