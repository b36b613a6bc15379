package org.radmamba.viewer.dicom.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * One line of src/test/resources/codec/jpeg2000/index.tsv: a JPEG 2000 or HTJ2K code stream (or a DICOM file of
 * them) written by a third-party encoder, with what the dataset would say about it and what a third-party decoder
 * made of it. The index and its columns are documented in src/test/resources/codec/make-fixtures.sh, which writes
 * them.
 *
 * @param expect    {@code decode} (the reference decoders decode it) or {@code error} (they do not: the frame must
 *                  fail with a {@link CodecException})
 * @param tolerance the largest difference allowed from the reference per sample: 0 for reversible streams, 1 for
 *                  9/7 irreversible ones
 * @param reference {@code <file>.raw.gz} (the stored values of every frame, pixel-interleaved, little-endian, as wide
 *                  as Bits Allocated, signed ones sign-extended), {@code sha256:<hex>} (of those bytes after masking
 *                  each sample to Bits Stored) or {@code -}
 */
record Jpeg2000FieldFixture(String name, String file, String transferSyntax, FrameFormat format,
        String outputPhotometric, String expect, int tolerance, String reference, String decoders, String covers) {

    static final String DIRECTORY = "/codec/jpeg2000/";
    static final Set<String> PART1 = Set.of(TransferSyntax.JPEG_2000_LOSSLESS, TransferSyntax.JPEG_2000);
    static final String HTJ2K_LOSSLESS = "1.2.840.10008.1.2.4.201";
    static final String HTJ2K_RPCL_LOSSLESS = "1.2.840.10008.1.2.4.202";
    static final String HTJ2K = "1.2.840.10008.1.2.4.203";
    static final Set<String> PART15 = Set.of(HTJ2K_LOSSLESS, HTJ2K_RPCL_LOSSLESS, HTJ2K);

    static List<Jpeg2000FieldFixture> all() {
        List<Jpeg2000FieldFixture> fixtures = new ArrayList<>();
        for (String line : new String(resource("index.tsv"), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 16) {
                throw new IllegalStateException("index.tsv: " + f.length + " columns, 16 expected: " + line);
            }
            FrameFormat format = new FrameFormat(Integer.parseInt(f[3]), Integer.parseInt(f[4]), Integer.parseInt(f[5]),
                    Integer.parseInt(f[6]), Integer.parseInt(f[7]), f[8].equals("1"), 0, f[9]);
            fixtures.add(new Jpeg2000FieldFixture(f[0], f[1], f[2], format, f[10], f[11], Integer.parseInt(f[12]), f[13],
                    f[14], f[15]));
        }
        return fixtures;
    }

    static Jpeg2000FieldFixture named(String name) {
        return all().stream().filter(f -> f.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fixture " + name + " in index.tsv"));
    }

    boolean isPart1() {
        return PART1.contains(transferSyntax);
    }

    boolean isHtj2k() {
        return PART15.contains(transferSyntax);
    }

    boolean expectsDecoding() {
        return expect.equals("decode");
    }

    boolean isDicom() {
        return file.endsWith(".dcm");
    }

    /** The frames' code streams: the file itself, or each frame of the DICOM file (whose format must be the index's). */
    List<byte[]> frames() {
        if (!isDicom()) {
            return List.of(resource(file));
        }
        try {
            DicomFixture dicom = DicomFixture.read(path(file));
            if (!dicom.format().equals(format) || !dicom.transferSyntax().equals(transferSyntax)) {
                throw new IllegalStateException(file + " states " + dicom.transferSyntax() + " " + dicom.format()
                        + " but index.tsv says " + transferSyntax + " " + format);
            }
            return dicom.frames();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference stored values of all frames, as numbers: sign-extended when signed, else unsigned. */
    int[] referenceValues() {
        if (!reference.endsWith(".raw.gz")) {
            throw new IllegalStateException(name + " has no sample reference: " + reference);
        }
        byte[] raw;
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(resource(reference)))) {
            raw = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int width = format.bitsAllocated() / 8;
        int[] values = new int[raw.length / width];
        for (int i = 0; i < values.length; i++) {
            values[i] = width == 1 ? (format.signed() ? b.get() : b.get() & 0xFF)
                    : format.signed() ? b.getShort() : b.getShort() & 0xFFFF;
        }
        return values;
    }

    /** The value a decoder's raw bits stand for: the low Bits Stored bits, sign-extended when signed. */
    int value(int rawBits) {
        int bits = format.bitsStored();
        if (bits >= 32) {
            return rawBits;
        }
        int masked = rawBits & ((1 << bits) - 1);
        return format.signed() && (masked & (1 << (bits - 1))) != 0 ? masked - (1 << bits) : masked;
    }

    /** What a parameterised test case is called: the fixture's name and what it covers. */
    @Override
    public String toString() {
        return name + " (" + covers + ")";
    }

    static byte[] resource(String fileName) {
        try (InputStream in = Jpeg2000FieldFixture.class.getResourceAsStream(DIRECTORY + fileName)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + DIRECTORY + fileName
                        + " (src/test/resources/codec/make-fixtures.sh writes them)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path path(String fileName) {
        URL url = Jpeg2000FieldFixture.class.getResource(DIRECTORY + fileName);
        if (url == null) {
            throw new IllegalArgumentException("no fixture " + DIRECTORY + fileName);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
