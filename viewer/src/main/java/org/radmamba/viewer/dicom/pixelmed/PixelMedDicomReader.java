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
import org.radmamba.viewer.dicom.TransferSyntax;
import org.radmamba.viewer.dicom.pixeldata.ByteSource;
import org.radmamba.viewer.dicom.pixeldata.DatasetLayout;
import org.radmamba.viewer.dicom.pixeldata.DatasetWalker;
import org.radmamba.viewer.dicom.pixeldata.PixelDataFile;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The DICOM port on PixelMed. Every file is first walked by our {@link DatasetWalker}, which checks all element
 * lengths against the file size; PixelMed then parses the attributes up to the pixel data, which it never
 * reads (so it never decompresses anything); we read the pixel data ourselves from the walked layout.
 */
public final class PixelMedDicomReader implements DicomReader {

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
            return new DicomHeader(file, layout.transferSyntaxUid(), attributes(file, layout), layout.hasPixelData());
        } catch (IOException e) {
            throw asReadException(file, e);
        }
    }

    @Override
    public DicomFile open(Path file) throws DicomReadException {
        try (ByteSource source = openSource(file)) {
            DatasetLayout layout = DatasetWalker.walk(file, source, limits);
            return PixelDataFile.read(file, layout, attributes(file, layout), limits);
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

    /** PixelMed parses the attributes, stopping at the top-level pixel data. */
    private static DicomDataset attributes(Path file, DatasetLayout layout) throws DicomReadException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try (DicomInputStream in = inputStream(file, layout)) {
            list.read(in, PIXEL_DATA, AT_FLOAT_PIXEL_DATA);
        } catch (DicomException | IOException e) {
            throw new DicomReadException(file, "its attributes cannot be parsed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // PixelMed signals some malformed values with unchecked exceptions; they are this file's fault.
            throw new DicomReadException(file, "its attributes cannot be parsed: " + e, e);
        }
        return new PixelMedDataset(list);
    }

    private static DicomInputStream inputStream(Path file, DatasetLayout layout) throws IOException {
        if (layout.source() instanceof ByteSource.ArraySource inflated) {
            // A deflated dataset, already inflated (and walked) by us.
            return new DicomInputStream(new ByteArrayInputStream(inflated.bytes(), 0, inflated.length()),
                    TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, false);
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        return new DicomInputStream(in);
    }
}
