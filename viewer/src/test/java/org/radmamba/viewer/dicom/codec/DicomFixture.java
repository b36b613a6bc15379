package org.radmamba.viewer.dicom.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A codec test fixture from src/test/resources/dicom/compressed: an explicit-VR-little-endian DICOM file read
 * just far enough to give the frame format, the transfer syntax and each frame's bytes (encapsulated: the
 * fragments of the frame concatenated; native: the frame's stored bytes). Test-only, so that the codec tests do
 * not depend on the PixelMed adapter they serve.
 */
record DicomFixture(String name, String transferSyntax, FrameFormat format, List<byte[]> frames) {

    static DicomFixture load(String name) {
        String resource = "/dicom/compressed/" + name + ".dcm";
        try (InputStream in = DicomFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            return parse(name, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DicomFixture read(java.nio.file.Path path) throws IOException {
        String fileName = path.getFileName().toString();
        return parse(fileName.substring(0, fileName.length() - 4), java.nio.file.Files.readAllBytes(path));
    }

    private static DicomFixture parse(String name, byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        b.position(132);
        Header h = new Header();
        readElements(b, file.length, h, 0);
        FrameFormat format = new FrameFormat(h.rows, h.columns, h.samplesPerPixel, h.bitsAllocated, h.bitsStored,
                h.signed, h.planar, h.photometric);
        List<byte[]> frames = new ArrayList<>();
        if (h.fragments == null) {
            int frameBytes = (int) format.frameBytes();
            for (int f = 0; f < h.numberOfFrames; f++) {
                frames.add(Arrays.copyOfRange(h.nativePixels, f * frameBytes, (f + 1) * frameBytes));
            }
        } else if (h.fragments.size() == h.numberOfFrames) {
            frames.addAll(h.fragments);
        } else {
            throw new IllegalStateException(name + ": " + h.fragments.size() + " fragments for " + h.numberOfFrames + " frames");
        }
        return new DicomFixture(name, h.transferSyntax, format, frames);
    }

    private static final class Header {
        String transferSyntax;
        int rows;
        int columns;
        int samplesPerPixel = 1;
        int bitsAllocated;
        int bitsStored;
        boolean signed;
        int planar;
        String photometric;
        int numberOfFrames = 1;
        byte[] nativePixels;
        List<byte[]> fragments;
    }

    private static void readElements(ByteBuffer b, int end, Header h, int depth) {
        while (b.position() < end) {
            int group = b.getShort() & 0xFFFF;
            int element = b.getShort() & 0xFFFF;
            if (group == 0xFFFE) {
                b.getInt();
                if (element == 0xE00D) {
                    return;
                }
                throw new IllegalStateException("unexpected item tag");
            }
            String vr = "" + (char) b.get() + (char) b.get();
            long length;
            if (vr.equals("OB") || vr.equals("OW") || vr.equals("SQ") || vr.equals("UN") || vr.equals("UT")
                    || vr.equals("UC") || vr.equals("UR") || vr.equals("OF") || vr.equals("OD") || vr.equals("OL")) {
                b.getShort();
                length = b.getInt() & 0xFFFFFFFFL;
            } else {
                length = b.getShort() & 0xFFFF;
            }
            int tag = group << 16 | element;
            if (length == 0xFFFFFFFFL) {
                if (tag == 0x7FE00010) {
                    h.fragments = readFragments(b);
                } else {
                    skipUndefinedSequence(b, h, depth);
                }
                continue;
            }
            byte[] value = new byte[(int) length];
            b.get(value);
            if (depth > 0) {
                continue;
            }
            ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            switch (tag) {
                case 0x00020010 -> h.transferSyntax = text(value);
                case 0x00280002 -> h.samplesPerPixel = v.getShort() & 0xFFFF;
                case 0x00280004 -> h.photometric = text(value);
                case 0x00280006 -> h.planar = v.getShort() & 0xFFFF;
                case 0x00280008 -> h.numberOfFrames = Integer.parseInt(text(value));
                case 0x00280010 -> h.rows = v.getShort() & 0xFFFF;
                case 0x00280011 -> h.columns = v.getShort() & 0xFFFF;
                case 0x00280100 -> h.bitsAllocated = v.getShort() & 0xFFFF;
                case 0x00280101 -> h.bitsStored = v.getShort() & 0xFFFF;
                case 0x00280103 -> h.signed = (v.getShort() & 0xFFFF) == 1;
                case 0x7FE00010 -> h.nativePixels = value;
                default -> { }
            }
        }
    }

    private static void skipUndefinedSequence(ByteBuffer b, Header h, int depth) {
        while (true) {
            int group = b.getShort() & 0xFFFF;
            int element = b.getShort() & 0xFFFF;
            long length = b.getInt() & 0xFFFFFFFFL;
            if (group != 0xFFFE || element == 0xE0DD) {
                return;
            }
            if (length == 0xFFFFFFFFL) {
                readElements(b, b.limit(), h, depth + 1);
            } else {
                b.position(b.position() + (int) length);
            }
        }
    }

    private static List<byte[]> readFragments(ByteBuffer b) {
        List<byte[]> fragments = new ArrayList<>();
        boolean offsetTable = true;
        while (true) {
            int group = b.getShort() & 0xFFFF;
            int element = b.getShort() & 0xFFFF;
            int length = b.getInt();
            if (group != 0xFFFE || element == 0xE0DD) {
                return fragments;
            }
            byte[] value = new byte[length];
            b.get(value);
            if (!offsetTable) {
                fragments.add(value);
            }
            offsetTable = false;
        }
    }

    private static String text(byte[] value) {
        return new String(value, java.nio.charset.StandardCharsets.US_ASCII).replace("\0", "").trim();
    }

    /** The stored values of native frame {@code index}, as unsigned raw bits, pixel-interleaved. */
    int[] nativeRawBits(int index) {
        byte[] frame = frames.get(index);
        int bytesPerSample = format.bitsAllocated() / 8;
        int[] values = new int[frame.length / bytesPerSample];
        ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (bytesPerSample) {
                case 1 -> b.get() & 0xFF;
                case 2 -> b.getShort() & 0xFFFF;
                default -> b.getInt();
            };
        }
        return values;
    }

    static int[] rawBits(Samples samples) {
        int[] values = new int[samples.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = samples.rawBits(i);
        }
        return values;
    }
}
