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
            DatasetWalker.Walked walked = DatasetWalker.walkAndParse(file, source, limits, dictionary);
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
            DatasetWalker.Walked walked = DatasetWalker.walkAndParse(file, source, limits, dictionary);
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
