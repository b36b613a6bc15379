package org.radmamba.viewer.seg;

import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.FrameFormat;
import org.radmamba.viewer.dicom.codec.Samples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a DICOM Segmentation (binary, or fractional thresholded at half its maximum) into label masks per source
 * frame, through the DICOM port. Every frame must name its segment and its source image; anything else is refused
 * with a message naming the file.
 */
public final class SegmentationReader {

    private final DicomReader reader;

    public SegmentationReader(DicomReader reader) {
        this.reader = reader;
    }

    /** True when the SOP class of a dataset is Segmentation Storage. */
    public static boolean isSegmentation(String sopClassUid) {
        return SegmentationTags.SEGMENTATION_STORAGE.equals(sopClassUid);
    }

    public Segmentation read(Path file) throws DicomReadException {
        return read(reader.open(file));
    }

    public Segmentation read(DicomFile seg) throws DicomReadException {
        Path file = seg.file();
        DicomDataset ds = seg.dataset();
        if (!isSegmentation(ds.string(Tag.SOP_CLASS_UID, ""))) {
            throw new DicomReadException(file, "is not a DICOM Segmentation (SOP class "
                    + ds.string(Tag.SOP_CLASS_UID, "absent") + ")");
        }
        String type = ds.string(SegmentationTags.SEGMENTATION_TYPE, "").toUpperCase(Locale.ROOT);
        boolean fractional = "FRACTIONAL".equals(type);
        if (!fractional && !"BINARY".equals(type)) {
            throw new DicomReadException(file, "has Segmentation Type '" + type + "', which must be BINARY or FRACTIONAL");
        }
        FrameFormat format = seg.frameFormat()
                .orElseThrow(() -> new DicomReadException(file, "is a Segmentation without Pixel Data"));
        int threshold = fractional ? Math.max(1, (ds.integer(SegmentationTags.MAXIMUM_FRACTIONAL_VALUE, 255) + 1) / 2) : 1;

        Map<Integer, Segment> segments = new LinkedHashMap<>();
        for (DicomDataset item : ds.sequence(SegmentationTags.SEGMENT_SEQUENCE)) {
            int number = item.integer(SegmentationTags.SEGMENT_NUMBER, -1);
            if (number < 1 || number > 255) {
                throw new DicomReadException(file, "has a segment numbered " + number + " (1 to 255 are supported)");
            }
            segments.put(number, new Segment(number, item.string(SegmentationTags.SEGMENT_LABEL, "segment " + number),
                    item.string(SegmentationTags.SEGMENT_ALGORITHM_TYPE, ""),
                    item.string(SegmentationTags.SEGMENT_ALGORITHM_NAME, "")));
        }
        if (segments.isEmpty()) {
            throw new DicomReadException(file, "has no Segment Sequence");
        }

        List<DicomDataset> perFrame = ds.sequence(Tag.PER_FRAME_FUNCTIONAL_GROUPS_SEQUENCE);
        int frames = seg.frameCount();
        if (perFrame.size() != frames) {
            throw new DicomReadException(file, "has " + frames + " frames but " + perFrame.size()
                    + " items in its Per-frame Functional Groups Sequence");
        }
        DicomDataset shared = first(ds.sequence(Tag.SHARED_FUNCTIONAL_GROUPS_SEQUENCE));
        int pixels = format.rows() * format.columns();
        Map<SourceFrame, byte[]> labels = new HashMap<>();
        for (int f = 0; f < frames; f++) {
            DicomDataset groups = perFrame.get(f);
            int segment = segmentOf(groups, shared);
            if (!segments.containsKey(segment)) {
                throw new DicomReadException(file, "frame " + (f + 1) + " refers to segment " + segment
                        + ", which its Segment Sequence does not describe");
            }
            List<SourceFrame> sources = sourcesOf(groups, shared);
            if (sources.isEmpty()) {
                throw new DicomReadException(file, "frame " + (f + 1) + " names no source image");
            }
            byte[] values = bytes(seg.frame(f), file, f);
            for (SourceFrame source : sources) {
                byte[] mask = labels.computeIfAbsent(source, s -> new byte[pixels]);
                for (int i = 0; i < pixels; i++) {
                    if ((values[i] & 0xFF) >= threshold && segment > (mask[i] & 0xFF)) {
                        mask[i] = (byte) segment;
                    }
                }
            }
        }
        return new Segmentation(file, ds.string(Tag.SOP_INSTANCE_UID, ""), ds.string(Tag.SERIES_DESCRIPTION, ""),
                ds.string(SegmentationTags.CONTENT_LABEL, ""), format.rows(), format.columns(),
                new ArrayList<>(segments.values()), labels);
    }

    private static DicomDataset first(List<DicomDataset> items) {
        return items.isEmpty() ? null : items.getFirst();
    }

    /** Referenced Segment Number: per frame, or shared when every frame has the same segment. */
    private static int segmentOf(DicomDataset groups, DicomDataset shared) {
        for (DicomDataset g : new DicomDataset[] {groups, shared}) {
            if (g == null) {
                continue;
            }
            DicomDataset id = first(g.sequence(SegmentationTags.SEGMENT_IDENTIFICATION_SEQUENCE));
            if (id != null) {
                return id.integer(SegmentationTags.REFERENCED_SEGMENT_NUMBER, -1);
            }
        }
        return -1;
    }

    /** The Source Image Sequence items of the frame's Derivation Image Sequence (per frame, else shared). */
    private static List<SourceFrame> sourcesOf(DicomDataset groups, DicomDataset shared) {
        List<SourceFrame> out = new ArrayList<>();
        for (DicomDataset g : new DicomDataset[] {groups, shared}) {
            if (g == null || !out.isEmpty()) {
                continue;
            }
            for (DicomDataset derivation : g.sequence(SegmentationTags.DERIVATION_IMAGE_SEQUENCE)) {
                for (DicomDataset source : derivation.sequence(SegmentationTags.SOURCE_IMAGE_SEQUENCE)) {
                    String uid = source.string(SegmentationTags.REFERENCED_SOP_INSTANCE_UID, "");
                    if (!uid.isEmpty()) {
                        out.add(new SourceFrame(uid, Math.max(1, source.integer(SegmentationTags.REFERENCED_FRAME_NUMBER, 1))));
                    }
                }
            }
        }
        return out;
    }

    private static byte[] bytes(DecodedFrame frame, Path file, int index) throws DicomReadException {
        if (frame.samples() instanceof Samples.Bytes(byte[] data)) {
            return data;
        }
        throw new DicomReadException(file, "frame " + (index + 1) + " of the Segmentation is not 1- or 8-bit");
    }
}
