package org.radmamba.viewer.dicom.pixeldata;

import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.codec.TransferSyntax;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits encapsulated pixel data into frames (PS3.5 A.4): each frame's fragments concatenated, item headers
 * removed. Frame boundaries come from the Extended Offset Table, else the Basic Offset Table, else one fragment
 * per frame, else (JPEG family) the fragments that end with an EOI marker.
 */
public final class EncapsulatedFrames {

    private static final Set<String> JPEG_FAMILY = Set.of(TransferSyntax.JPEG_BASELINE, TransferSyntax.JPEG_EXTENDED,
            TransferSyntax.JPEG_EXTENDED_ARITHMETIC, TransferSyntax.JPEG_SPECTRAL_SELECTION,
            TransferSyntax.JPEG_SPECTRAL_SELECTION_ARITHMETIC, TransferSyntax.JPEG_FULL_PROGRESSION,
            TransferSyntax.JPEG_FULL_PROGRESSION_ARITHMETIC, TransferSyntax.JPEG_LOSSLESS_ARITHMETIC,
            TransferSyntax.JPEG_LOSSLESS, TransferSyntax.JPEG_LOSSLESS_SV1, TransferSyntax.JPEG_LS_LOSSLESS,
            TransferSyntax.JPEG_LS_NEAR_LOSSLESS);

    private EncapsulatedFrames() {
    }

    /** The compressed bytes of each frame; the total is bounded by the fragments, which fit in the file. */
    public static byte[][] split(Path file, DatasetLayout layout, int frameCount) throws DicomReadException {
        List<Fragment> fragments = layout.fragments();
        if (fragments.isEmpty()) {
            throw new DicomReadException(file, "encapsulated Pixel Data has no fragments");
        }
        try {
            List<List<Fragment>> frames = group(file, layout, frameCount);
            byte[][] out = new byte[frames.size()][];
            for (int f = 0; f < out.length; f++) {
                out[f] = concatenate(layout.source(), frames.get(f));
            }
            return out;
        } catch (IOException e) {
            throw new DicomReadException(file, "cannot read its pixel data fragments: " + e.getMessage(), e);
        }
    }

    private static List<List<Fragment>> group(Path file, DatasetLayout layout, int frameCount) throws IOException {
        List<Fragment> fragments = layout.fragments();
        if (layout.extendedOffsets() != null && layout.extendedOffsets().length == frameCount) {
            return byOffsets(file, fragments, layout.extendedOffsets(), "Extended Offset Table");
        }
        long[] table = layout.basicOffsetTable();
        if (table.length > 0) {
            if (table.length != frameCount) {
                throw new DicomReadException(file, "the Basic Offset Table lists " + table.length + " frames, the dataset "
                        + frameCount);
            }
            return byOffsets(file, fragments, table, "Basic Offset Table");
        }
        if (frameCount == 1) {
            return List.of(fragments);
        }
        if (fragments.size() == frameCount) {
            return fragments.stream().map(List::of).toList();
        }
        if (JPEG_FAMILY.contains(layout.transferSyntaxUid())) {
            List<List<Fragment>> frames = byEndOfImage(layout, fragments);
            if (frames.size() == frameCount) {
                return frames;
            }
            throw new DicomReadException(file, "found " + frames.size() + " JPEG images in the fragments, the dataset has "
                    + frameCount + " frames");
        }
        throw new DicomReadException(file, "cannot tell which of " + fragments.size() + " fragments belong to which of "
                + frameCount + " frames: no offset table");
    }

    private static List<List<Fragment>> byOffsets(Path file, List<Fragment> fragments, long[] offsets, String table)
            throws DicomReadException {
        List<List<Fragment>> frames = new ArrayList<>();
        for (int f = 0; f < offsets.length; f++) {
            long start = offsets[f];
            long end = f + 1 < offsets.length ? offsets[f + 1] : Long.MAX_VALUE;
            if (end <= start) {
                throw new DicomReadException(file, "the " + table + " is not increasing at frame " + (f + 1));
            }
            List<Fragment> frame = new ArrayList<>();
            for (Fragment fragment : fragments) {
                if (fragment.itemOffset() >= start && fragment.itemOffset() < end) {
                    frame.add(fragment);
                }
            }
            if (frame.isEmpty() || frame.get(0).itemOffset() != start) {
                throw new DicomReadException(file, "the " + table + " points frame " + (f + 1) + " at byte " + start
                        + ", where no fragment starts");
            }
            frames.add(frame);
        }
        return frames;
    }

    private static List<List<Fragment>> byEndOfImage(DatasetLayout layout, List<Fragment> fragments) throws IOException {
        List<List<Fragment>> frames = new ArrayList<>();
        List<Fragment> current = new ArrayList<>();
        for (Fragment fragment : fragments) {
            current.add(fragment);
            if (endsWithEndOfImage(layout.source(), fragment)) {
                frames.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            frames.add(current);
        }
        return frames;
    }

    /** EOI (FF D9) at the end, allowing the one padding byte that keeps fragments even. */
    private static boolean endsWithEndOfImage(ByteSource source, Fragment fragment) throws IOException {
        if (fragment.length() < 2) {
            return false;
        }
        int tail = Math.min(3, fragment.length());
        ByteBuffer buffer = ByteBuffer.allocate(tail);
        source.readFully(fragment.valueOffset() + fragment.length() - tail, buffer);
        byte[] b = buffer.array();
        int n = b.length;
        boolean eoiLast = (b[n - 2] & 0xFF) == 0xFF && (b[n - 1] & 0xFF) == 0xD9;
        boolean eoiPadded = n == 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD9 && b[2] == 0;
        return eoiLast || eoiPadded;
    }

    private static byte[] concatenate(ByteSource source, List<Fragment> fragments) throws IOException {
        if (fragments.size() == 1) {
            byte[] bytes = new byte[fragments.get(0).length()];
            source.readFully(fragments.get(0).valueOffset(), ByteBuffer.wrap(bytes));
            return bytes;
        }
        long total = fragments.stream().mapToLong(Fragment::length).sum();
        if (total > Integer.MAX_VALUE - 16) {
            throw new IOException("a frame's fragments add up to more than 2 GB");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) total);
        for (Fragment fragment : fragments) {
            byte[] bytes = new byte[fragment.length()];
            source.readFully(fragment.valueOffset(), ByteBuffer.wrap(bytes));
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }
}
