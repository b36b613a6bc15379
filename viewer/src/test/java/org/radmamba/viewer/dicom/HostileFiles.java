package org.radmamba.viewer.dicom;

import org.radmamba.viewer.dicom.codec.TransferSyntax;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Small files that claim or unpack to huge sizes, built on the fly (nothing large is committed): the inputs that
 * once took a whole folder down with an OutOfMemoryError.
 */
public final class HostileFiles {

    private HostileFiles() {
    }

    /** A 58-byte BMP of 1x1 pixel whose header puts the pixel data at byte 0x7FFFFFF0. */
    public static Path bitmapWithHugePixelOffset(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(58).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(58).putShort((short) 0).putShort((short) 0).putInt(0x7FFFFFF0);
        b.putInt(40).putInt(1).putInt(1).putShort((short) 1).putShort((short) 24).putInt(0).putInt(4)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        b.put(new byte[] {0, 0, (byte) 0xFF, 0});
        return Files.write(file, b.array());
    }

    /**
     * A deflated DICOM image (TS 1.2.840.10008.1.2.1.99) of 2x2 pixels whose dataset holds a private OB element of
     * {@code zeros} bytes of zeros: about a thousandth of that on disk.
     */
    public static Path deflatedWithHugePrivateElement(Path file, long zeros) throws IOException {
        DicomBuilder image = DicomBuilder.image(TransferSyntax.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 16, false)
                .ui(Tag.SOP_INSTANCE_UID, "1.2.826.0.1.3680043.10.1.99")
                .str(0x00090010, "LO", "BOMB")
                .pixels16(new short[] {1, 2, 3, 4});
        byte[] plain = DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 16, false)
                .ui(Tag.SOP_INSTANCE_UID, "1.2.826.0.1.3680043.10.1.99")
                .str(0x00090010, "LO", "BOMB")
                .pixels16(new short[] {1, 2, 3, 4}).withoutPreamble().withoutMeta().bytes();
        byte[] whole = image.bytes();
        int metaEnd = metaEnd(whole);
        // The plain dataset split where the private element goes: after (0009,0010), before (0010,xxxx).
        int split = offsetOfFirstTagAtLeast(plain, 0x00091000);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(whole, 0, metaEnd);
            Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
            try (DeflaterOutputStream d = new DeflaterOutputStream(out, deflater, 1 << 16)) {
                d.write(plain, 0, split);
                ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
                header.putShort((short) 0x0009).putShort((short) 0x1000).put((byte) 'O').put((byte) 'B')
                        .putShort((short) 0).putInt((int) zeros);
                d.write(header.array());
                byte[] block = new byte[1 << 20];
                for (long left = zeros; left > 0; left -= block.length) {
                    d.write(block, 0, (int) Math.min(block.length, left));
                }
                d.write(plain, split, plain.length - split);
            } finally {
                deflater.end();
            }
        }
        return file;
    }

    /**
     * An explicit VR little endian DICOM image of 2x2 pixels (1, 2, 3, 4) with a private OB element of
     * {@code length} bytes before its pixel data, written as a sparse file: it takes no disk for the zeros.
     */
    public static Path sparseWithHugePrivateElement(Path file, long length) throws IOException {
        byte[] plain = DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, 2, 2, 16, false)
                .ui(Tag.SOP_INSTANCE_UID, "1.2.826.0.1.3680043.10.1.98")
                .str(0x00090010, "LO", "HUGE")
                .pixels16(new short[] {1, 2, 3, 4}).bytes();
        int split = metaEnd(plain);
        split = split + offsetOfFirstTagAtLeast(java.util.Arrays.copyOfRange(plain, split, plain.length), 0x00091000);
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.write(plain, 0, split);
            ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            header.putShort((short) 0x0009).putShort((short) 0x1000).put((byte) 'O').put((byte) 'B')
                    .putShort((short) 0).putInt((int) length);
            out.write(header.array());
            out.seek(split + 12 + length);
            out.write(plain, split, plain.length - split);
        }
        return file;
    }

    /**
     * A PNG of {@code width}x{@code height} black RGB pixels, or, with {@code withPixels} false, only its header
     * claiming them (its image data is one empty deflate block): a few hundred kilobytes at most.
     */
    public static Path pngOfSize(Path file, int width, int height, boolean withPixels) throws IOException {
        java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
        try (java.util.zip.DeflaterOutputStream z = new java.util.zip.DeflaterOutputStream(idat,
                new Deflater(Deflater.BEST_SPEED), 1 << 16)) {
            if (withPixels) {
                byte[] row = new byte[1 + 3 * width];
                for (int y = 0; y < height; y++) {
                    z.write(row);
                }
            }
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                    .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
            chunk(out, "IHDR", ihdr.array());
            chunk(out, "IDAT", idat.toByteArray());
            chunk(out, "IEND", new byte[0]);
        }
        return file;
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        crc.update(name);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(name);
        out.write(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Where the dataset starts: after the preamble, "DICM" and the group 0002 elements (explicit VR LE). */
    private static int metaEnd(byte[] file) {
        if (!"DICM".equals(new String(file, 128, 4, StandardCharsets.US_ASCII))) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int groupLength = b.getInt(132 + 8);
        return 132 + 12 + groupLength;
    }

    /** The offset of the first top-level element whose tag is at least {@code tag} (explicit VR LE, no sequences). */
    private static int offsetOfFirstTagAtLeast(byte[] dataset, int tag) {
        ByteBuffer b = ByteBuffer.wrap(dataset).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 0;
        while (pos < dataset.length) {
            int t = (b.getShort(pos) & 0xFFFF) << 16 | (b.getShort(pos + 2) & 0xFFFF);
            if (Integer.compareUnsigned(t, tag) >= 0) {
                return pos;
            }
            String vr = new String(dataset, pos + 4, 2, StandardCharsets.US_ASCII);
            boolean longVr = java.util.Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UN", "UR", "UT").contains(vr);
            long length = longVr ? b.getInt(pos + 8) & 0xFFFFFFFFL : b.getShort(pos + 6) & 0xFFFF;
            pos += (longVr ? 12 : 8) + (int) length;
        }
        return pos;
    }
}
