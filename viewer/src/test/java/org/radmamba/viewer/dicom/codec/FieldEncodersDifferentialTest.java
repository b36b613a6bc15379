package org.radmamba.viewer.dicom.codec;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.radmamba.viewer.dicom.DicomBuilder;
import org.radmamba.viewer.dicom.Tag;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Our decoders against the field's encoders and decoders, run live on images and encoder options drawn at random
 * (the committed field fixtures hold one file per option family; this draws combinations of them: bit depths 1-16,
 * signed samples, odd and one-pixel sizes, tiles and image offsets with code-block styles, precincts, progression
 * orders, layers, ROI shifts, restart and reset intervals). Each case encodes a fresh image with the real encoder,
 * decodes it with the real decoder, and holds ours to that reference: exactly for reversible coding, within 1 for the
 * 9/7 wavelet (whose floating-point inverse rounds differently from decoder to decoder). Where the reference decoder
 * fails, ours must refuse with a one-line {@link CodecException}, or, for lossless and near-lossless coding, give
 * the source image back within the coding's error bound; it may never return other pixels.
 * <ul>
 *   <li>JPEG 2000 Part 1: OpenJPEG's opj_compress, referenced by opj_decompress;</li>
 *   <li>HTJ2K: OpenJPH's ojph_compress, referenced by opj_decompress;</li>
 *   <li>JPEG lossless (selection values 1-7, point transforms), JPEG DCT (baseline, extended, spectral selection,
 *       progressive; 8 and 12 bits, colour in every sampling dcmcjpeg writes, left in YCbCr; exactly: JpegIdct is
 *       libjpeg's integer IDCT and the chroma upsampling its own), JPEG-LS lossless and
 *       near-lossless, RLE: DCMTK's dcmcjpeg, dcmcjpls and dcmcrle, referenced by dcmdjpeg, dcmdjpls and
 *       dcmdrle.</li>
 * </ul>
 * The draws are fixed by {@code -Dradmamba.differential.seed} (default below) and their number a family by
 * {@code -Dradmamba.differential.cases}: a longer campaign is {@code mvn -pl viewer test
 * -Dtest=FieldEncodersDifferentialTest -Dradmamba.differential.cases=500 -Dradmamba.differential.seed=$RANDOM}; a case's
 * name gives its seed, so a failure found that way is one test run to reproduce. Without the tools each family is
 * skipped with the reason; with CI=true it fails, because .ci/run installs them.
 */
class FieldEncodersDifferentialTest {

    private static final long SEED = Long.getLong("radmamba.differential.seed", 20261208L);
    private static final int CASES = Integer.getInteger("radmamba.differential.cases", 24);

    @TempDir
    static Path temp;

    /** One draw: a family's case number and the seed its image and options come from. */
    record Draw(String family, int index, long seed) {
        @Override
        public String toString() {
            return family + " #" + index + " (seed " + seed + ")";
        }
    }

    private static Stream<Draw> draws(String family) {
        return IntStream.range(0, CASES).mapToObj(i -> new Draw(family, i, SEED * 1_000_003L + family.hashCode() * 31L + i));
    }

    static Stream<Draw> openJpeg() {
        return draws("openjpeg");
    }

    static Stream<Draw> openJph() {
        return draws("openjph");
    }

    static Stream<Draw> dcmtk() {
        return draws("dcmtk");
    }

    // ---- the images

    /** A source image: stored values, pixel-interleaved, and how they are stored. */
    record Image(int rows, int columns, int components, int bits, boolean signed, int[] values) {
        int allocated() {
            return bits <= 8 ? 8 : 16;
        }

        /** Component planes, little-endian, one byte up to 8 bits else two (OpenJPEG's raw input and output). */
        byte[] planarLittleEndian() {
            int bytes = allocated() / 8;
            ByteBuffer b = ByteBuffer.allocate(values.length * bytes).order(ByteOrder.LITTLE_ENDIAN);
            int pixels = rows * columns;
            for (int c = 0; c < components; c++) {
                for (int p = 0; p < pixels; p++) {
                    int v = values[p * components + c];
                    if (bytes == 1) {
                        b.put((byte) v);
                    } else {
                        b.putShort((short) v);
                    }
                }
            }
            return b.array();
        }
    }

    /**
     * Smooth gradients, a disc with a sharp edge, a sinusoid and noise of a drawn strength (or pure noise), with the
     * range's extremes set, so that every bit plane, coding pass and the clipping are reached.
     */
    static Image image(SplittableRandom r, int rows, int columns, int components, int bits, boolean signed) {
        int kind = r.nextInt(4);
        double noise = new double[] {0, 0.01, 0.1, 0.3}[kind];
        double[] v = new double[rows * columns * components];
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < columns; x++) {
                for (int c = 0; c < components; c++) {
                    double s;
                    if (kind == 0) {
                        s = r.nextDouble();
                    } else {
                        s = 0.45 * x / columns + 0.25 * y / rows + 0.08 * Math.sin(x / 3.0 + c) * Math.cos(y / 5.0);
                        double dx = x - columns * 0.3;
                        double dy = y - rows * 0.5;
                        s += dx * dx + dy * dy < rows * rows * 0.0484 ? 0.2 : 0;
                        s += noise * gaussian(r);
                    }
                    v[(y * columns + x) * components + c] = s;
                }
            }
        }
        double min = Arrays.stream(v).min().orElse(0);
        double max = Arrays.stream(v).max().orElse(1);
        long lo = signed ? -(1L << (bits - 1)) : 0;
        long hi = signed ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
        int[] values = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            double unit = max > min ? (v[i] - min) / (max - min) : 0;
            values[i] = (int) Math.round(lo + unit * (hi - lo));
        }
        if (values.length > 4 * components) {
            for (int c = 0; c < components; c++) {
                values[c] = (int) lo;
                values[values.length - components + c] = (int) hi;
            }
        }
        return new Image(rows, columns, components, bits, signed, values);
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    // narrow and short sizes often: image edges inside one code-block, MCU or subsampled chroma sample are where
    // decoders part (libjpeg replicates chroma 2 samples wide or less instead of interpolating it)
    private static final int[] ROWS = {1, 2, 3, 4, 7, 16, 17, 33, 64, 100, 129, 200, 257};
    private static final int[] COLUMNS = {1, 2, 3, 4, 5, 8, 17, 31, 64, 99, 128, 211, 300};

    private static int pick(SplittableRandom r, int... choices) {
        return choices[r.nextInt(choices.length)];
    }

    private static String pick(SplittableRandom r, String... choices) {
        return choices[r.nextInt(choices.length)];
    }

    /** Largest number of wavelet decompositions an image of this size takes (each halves its smaller side). */
    private static int decompositionsFor(Image im) {
        int d = 0;
        while ((2 << d) <= Math.min(im.rows(), im.columns()) && d < 10) {
            d++;
        }
        return d;
    }

    /** A code-block size: powers of two from 4 to 1024 a side, at most 4096 samples. */
    private static int[] codeBlock(SplittableRandom r) {
        while (true) {
            int w = 1 << (2 + r.nextInt(9));
            int h = 1 << (2 + r.nextInt(9));
            if (w * h <= 4096) {
                return new int[] {w, h};
            }
        }
    }

    // ---- the families

    @ParameterizedTest(name = "{0}")
    @MethodSource("openJpeg")
    void openjpeg_part1_streams_decode_as_opj_decompress_decodes_them(Draw draw) throws Exception {
        requireTools("libopenjp2-tools", "opj_compress", "opj_decompress");
        SplittableRandom r = new SplittableRandom(draw.seed());
        int components = pick(r, 1, 1, 3);
        // opj_compress 2.5 reads raw samples of even depths only (of three components, multiples of 4), and PGM/PPM
        // up to 8 bits as 8: odd depths above 8 go in as PGM/PPM (unsigned), the others one bit deeper
        int bits = components == 1 ? pick(r, 1, 2, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16) : pick(r, 8, 8, 12, 16);
        boolean signed = bits > 1 && r.nextInt(10) < 3;
        boolean viaPnm = bits % 2 == 1 && bits > 8 && !signed;
        if (bits % 2 == 1 && !viaPnm) {
            bits++;
        }
        Image im = image(r, pick(r, ROWS), pick(r, COLUMNS), components, bits, signed);
        Path dir = Files.createDirectories(temp.resolve(draw.family() + draw.index()));
        Path input = viaPnm ? Files.write(dir.resolve(components == 1 ? "source.pgm" : "source.ppm"), pnm(im))
                : Files.write(dir.resolve("source.rawl"), im.planarLittleEndian());
        Path stream = dir.resolve("stream.j2k");
        List<String> encoder = new ArrayList<>(List.of("opj_compress", "-i", input.toString(), "-o", stream.toString()));
        if (!viaPnm) {
            encoder.addAll(List.of("-F", im.columns() + "," + im.rows() + "," + components + "," + bits + ","
                    + (signed ? "s" : "u")));
        }
        J2kOptions options = encode(draw, encoder, stream, () -> openJpegOptions(r, im));
        holdToOpjDecompress(draw + " opj_compress " + String.join(" ", options.args()),
                options.irreversible() ? TransferSyntax.JPEG_2000 : TransferSyntax.JPEG_2000_LOSSLESS, stream, im,
                options);
    }

    /** opj_compress options: every option family of Part 1, each drawn independently. */
    private static J2kOptions openJpegOptions(SplittableRandom r, Image im) {
        List<String> o = new ArrayList<>();
        boolean irreversible = r.nextInt(10) < 3;
        boolean truncated = false;
        o.addAll(List.of("-n", String.valueOf(1 + r.nextInt(Math.min(decompositionsFor(im) + 1, 8)))));
        if (r.nextBoolean()) {
            int[] b = codeBlock(r);
            o.addAll(List.of("-b", b[0] + "," + b[1]));
        }
        if (r.nextInt(10) < 3) {
            o.addAll(List.of("-c", "[" + (2 << r.nextInt(8)) + "," + (2 << r.nextInt(8)) + "]"));
        }
        int offsetX = 0;
        int offsetY = 0;
        if (r.nextInt(10) < 3) {
            offsetX = r.nextInt(10);
            offsetY = r.nextInt(10);
            o.addAll(List.of("-d", offsetX + "," + offsetY));
        }
        if (r.nextInt(10) < 3) {
            o.addAll(List.of("-t", (Math.max(1, im.columns() / 4) + r.nextInt(im.columns() + 5)) + ","
                    + (Math.max(1, im.rows() / 4) + r.nextInt(im.rows() + 5))));
            if (r.nextInt(10) < 3) {
                o.addAll(List.of("-T", r.nextInt(offsetX + 1) + "," + r.nextInt(offsetY + 1)));
            }
        }
        if (r.nextBoolean()) {
            o.addAll(List.of("-p", pick(r, "LRCP", "RLCP", "RPCL", "PCRL", "CPRL")));
        }
        if (r.nextInt(10) < 4) {
            o.addAll(List.of("-M", String.valueOf(1 + r.nextInt(63))));
        }
        if (r.nextInt(10) < 3) {
            truncated = true;
            int layers = 1 + r.nextInt(3);
            List<String> rates = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                rates.add(String.valueOf(80 >> (l + r.nextInt(2))));
            }
            o.addAll(List.of("-r", String.join(",", rates.stream().distinct().sorted(
                    (a, b) -> Integer.parseInt(b) - Integer.parseInt(a)).toList())));
        }
        for (String flag : new String[] {"-SOP", "-EPH", "-PLT", "-TLM"}) {
            if (r.nextInt(10) < 2) {
                o.add(flag);
            }
        }
        if (r.nextInt(10) < 2) {
            o.addAll(List.of("-TP", pick(r, "R", "L", "C")));
        }
        if (r.nextInt(10) < 1) {
            o.addAll(List.of("-ROI", "c=0,U=" + (1 + r.nextInt(20))));
        }
        if (r.nextInt(10) < 1) {
            o.addAll(List.of("-GuardBits", String.valueOf(r.nextInt(6))));
        }
        if (irreversible) {
            o.add("-I");
        }
        boolean transform = im.components() == 3 && r.nextBoolean();
        if (im.components() == 3) {
            o.addAll(List.of("-mct", transform ? "1" : "0"));
        }
        return new J2kOptions(o, irreversible, transform, truncated);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("openJph")
    void openjph_htj2k_streams_decode_as_opj_decompress_decodes_them(Draw draw) throws Exception {
        requireTools("openjph-tools and libopenjp2-tools", "ojph_compress", "opj_decompress");
        SplittableRandom r = new SplittableRandom(draw.seed());
        int components = pick(r, 1, 1, 3);
        int bits = components == 1 ? pick(r, 1, 2, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16) : pick(r, 8, 10, 12, 16);
        // unsigned only: OpenJPH 0.9 reads signed samples from raw files wrongly, and PGM/PPM hold none
        Image im = image(r, pick(r, ROWS), pick(r, COLUMNS), components, bits, false);
        Path dir = Files.createDirectories(temp.resolve(draw.family() + draw.index()));
        Path pnm = Files.write(dir.resolve(components == 1 ? "source.pgm" : "source.ppm"), pnm(im));
        Path stream = dir.resolve("stream.j2c");
        J2kOptions options = encode(draw, List.of("ojph_compress", "-i", pnm.toString(), "-o", stream.toString()),
                stream, () -> openJphOptions(r, im));
        holdToOpjDecompress(draw + " ojph_compress " + String.join(" ", options.args()),
                options.irreversible() ? TransferSyntax.HTJ2K : TransferSyntax.HTJ2K_LOSSLESS, stream, im, options);
    }

    /** ojph_compress options: each of its coding options drawn independently. */
    private static J2kOptions openJphOptions(SplittableRandom r, Image im) {
        List<String> o = new ArrayList<>();
        boolean reversible = r.nextInt(10) < 6;
        o.addAll(List.of("-reversible", String.valueOf(reversible)));
        o.addAll(List.of("-num_decomps", String.valueOf(r.nextInt(Math.min(decompositionsFor(im), 6) + 1))));
        if (r.nextBoolean()) {
            int[] b = codeBlock(r);
            o.addAll(List.of("-block_size", "{" + b[1] + "," + b[0] + "}"));
        }
        if (r.nextInt(10) < 3) {
            o.addAll(List.of("-precincts", "{" + (4 << r.nextInt(7)) + "," + (4 << r.nextInt(7)) + "}"));
        }
        if (r.nextBoolean()) {
            o.addAll(List.of("-prog_order", pick(r, "LRCP", "RLCP", "RPCL", "PCRL", "CPRL")));
        }
        if (r.nextInt(10) < 3) {
            o.addAll(List.of("-tile_size", "{" + (Math.max(1, im.columns() / 4) + r.nextInt(im.columns() + 5)) + ","
                    + (Math.max(1, im.rows() / 4) + r.nextInt(im.rows() + 5)) + "}"));
        }
        if (r.nextInt(10) < 3) {
            o.addAll(List.of("-image_offset", "{" + r.nextInt(10) + "," + r.nextInt(10) + "}"));
        }
        if (!reversible && r.nextBoolean()) {
            o.addAll(List.of("-qstep", pick(r, "0.0005", "0.001", "0.004", "0.02", "0.1")));
        }
        boolean transform = im.components() == 3 && r.nextInt(10) < 6;
        if (im.components() == 3) {
            o.addAll(List.of("-colour_trans", String.valueOf(transform)));
        }
        return new J2kOptions(o, !reversible, transform, false);
    }

    /** Drawn options of a JPEG 2000 or HTJ2K encoder, and what they make the stream. */
    private record J2kOptions(List<String> args, boolean irreversible, boolean transform, boolean truncatedLayers) {
    }

    /**
     * Runs {@code encoder} with options drawn by {@code options} until it writes the stream: some drawn combinations
     * are ones the encoder refuses (tile offsets past the image's, precincts it cannot place), drawn again from the
     * same generator so that the case stays reproducible.
     */
    private static J2kOptions encode(Draw draw, List<String> encoder, Path stream, Supplier<J2kOptions> options)
            throws IOException, InterruptedException {
        String failure = "";
        for (int attempt = 0; attempt < 6; attempt++) {
            J2kOptions o = options.get();
            List<String> command = new ArrayList<>(encoder);
            command.addAll(o.args());
            Files.deleteIfExists(stream);
            Run run = run(command);
            if (run.exitCode() == 0 && Files.isRegularFile(stream) && Files.size(stream) > 0) {
                return o;
            }
            failure = run.lastLine();
        }
        return fail(draw + ": " + encoder.getFirst() + " wrote nothing in six draws of options; the last: " + failure);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dcmtk")
    void dcmtk_jpeg_lossless_jpeg_ls_and_rle_decode_as_dcmtk_decodes_them(Draw draw) throws Exception {
        requireTools("dcmtk", "dcmcjpeg", "dcmdjpeg", "dcmcjpls", "dcmdjpls", "dcmcrle", "dcmdrle");
        SplittableRandom r = new SplittableRandom(draw.seed());
        String codec = pick(r, "jpeg-lossless", "jpeg-dct", "jpeg-ls", "jpeg-ls-near", "rle");
        boolean dct = codec.equals("jpeg-dct");
        // DCT: 8 or 12 bits, the depths of its processes; colour 8-bit only
        int components = pick(r, 1, 1, 3);
        int bits = components == 3 ? 8 : dct ? pick(r, 8, 12) : 2 + r.nextInt(15);
        // dcmcjpls writes no near-lossless stream of signed samples, dcmcjpeg no DCT one
        boolean signed = components == 1 && !codec.equals("jpeg-ls-near") && !dct && r.nextInt(10) < 3;
        Image im = image(r, pick(r, ROWS), pick(r, COLUMNS), components, bits, signed);
        Path dir = Files.createDirectories(temp.resolve(draw.family() + draw.index()));
        Path source = dicom(im).write(dir.resolve("source.dcm"));
        List<String> command = new ArrayList<>();
        String decoder;
        int bound = 0;
        switch (codec) {
            case "jpeg-lossless" -> {
                command.addAll(List.of("dcmcjpeg", "+el", "+sv", String.valueOf(1 + r.nextInt(7))));
                if (r.nextInt(10) < 3) {
                    command.addAll(List.of("+pt", String.valueOf(r.nextInt(Math.max(1, bits - 1)))));
                    bound = -1; // the point transform drops low bits: only the reference decoder says what is right
                }
                decoder = "dcmdjpeg";
            }
            case "jpeg-dct" -> {
                // baseline (8-bit) or extended (12-bit) sequential, spectral selection or full progression; the
                // reference is libjpeg's integer IDCT, which JpegIdct is bit for bit: no tolerance
                String process = pick(r, bits == 8 ? "+eb" : "+ee", "+es", "+ep");
                command.addAll(List.of("dcmcjpeg", process, "+q", String.valueOf(20 + r.nextInt(81))));
                if (components == 3) {
                    // YCbCr 4:2:2, 4:4:4 or dcmcjpeg's other samplings, or RGB-coded; compared unconverted
                    command.add(pick(r, "+s2", "+s4", "+n2", "+n1", "+np", "+cr"));
                }
                bound = -1;
                decoder = "dcmdjpeg";
            }
            case "jpeg-ls", "jpeg-ls-near" -> {
                boolean near = codec.equals("jpeg-ls-near");
                command.add("dcmcjpls");
                if (near) {
                    bound = 1 + r.nextInt(Math.min(6, ((1 << bits) - 1) / 2)); // T.87: NEAR <= MAXVAL / 2
                    command.addAll(List.of("+en", "+md", String.valueOf(bound)));
                } else {
                    command.add("+el");
                }
                // near-lossless sample-interleaved, dcmcjpls 3.6.7 sometimes dies writing (it corrupts its heap)
                String interleave = components != 3 ? "" : near ? pick(r, "+il", "+in") : pick(r, "+il", "+is", "+in");
                if (!interleave.isEmpty()) {
                    command.add(interleave);
                }
                // DCMTK 3.6.7 corrupts its own heap writing sample-interleaved streams with a RESET other than 64
                // (and its decoder gets the image wrong): no third party to hold those to
                if (r.nextInt(10) < 3 && !interleave.equals("+is")) {
                    command.addAll(List.of("+rs", String.valueOf(pick(r, 2, 3, 16, 63, 65, 200, 255))));
                }
                decoder = "dcmdjpls";
            }
            default -> {
                command.add("dcmcrle");
                decoder = "dcmdrle";
            }
        }
        Path encoded = dir.resolve("encoded.dcm");
        command.addAll(List.of(source.toString(), encoded.toString()));
        Run encoding = run(command);
        if (encoding.exitCode() != 0 && codec.equals("jpeg-ls-near")) {
            // dcmcjpls turns some near-lossless parameter sets down ("unsupported compression parameters": some
            // depths and one-row colour images among them); such a draw is coded lossless instead
            command.set(command.indexOf("+en"), "+el");
            int at = command.indexOf("+md");
            command.remove(at + 1);
            command.remove(at);
            bound = 0;
            encoding = run(command);
        }
        if (encoding.exitCode() != 0) {
            fail(draw + ": " + String.join(" ", command) + " failed: " + encoding.lastLine());
        }
        DicomFixture file = DicomFixture.read(encoded);
        assertEquals(1, file.frames().size(), draw + ": one frame encoded");
        Path decodedFile = dir.resolve("decoded.dcm");
        int[] expected = null;
        List<String> decoding = new ArrayList<>(List.of(decoder));
        if (dct) {
            decoding.add("+cn"); // YCbCr stays YCbCr, as ours returns it
        }
        decoding.addAll(List.of(encoded.toString(), decodedFile.toString()));
        if (run(decoding).exitCode() == 0) {
            expected = DicomFixture.read(decodedFile).nativeRawBits(0);
            for (int i = 0; i < expected.length; i++) {
                expected[i] = stored(expected[i], bits, signed);
            }
        }
        String what = draw + " " + String.join(" ", command.subList(0, command.size() - 2));
        assertEquals(bits, file.format().bitsStored(), what + ": the encoder kept Bits Stored");
        holdToReference(what, file.transferSyntax(), file.frames().get(0), im, file.format().photometricInterpretation(),
                expected, 0, bound);
    }

    // ---- the verdict

    /**
     * A JPEG 2000 or HTJ2K code stream against opj_decompress's decode of it: exact where reversible, within 1 where
     * the 9/7 wavelet codes it; the dataset states YBR_RCT or YBR_ICT where the stream undoes a component transform.
     */
    private static void holdToOpjDecompress(String what, String transferSyntax, Path stream, Image im,
            J2kOptions options) throws IOException, InterruptedException {
        boolean transform = options.transform();
        boolean irreversible = options.irreversible();
        String photometric = im.components() == 1 ? "MONOCHROME2"
                : !transform ? "RGB" : irreversible ? "YBR_ICT" : "YBR_RCT";
        Path reference = stream.resolveSibling("reference.rawl");
        Run decoded = run(List.of("opj_decompress", "-i", stream.toString(), "-o", reference.toString()));
        int[] expected = decoded.exitCode() == 0 && Files.isRegularFile(reference)
                ? fromPlanarLittleEndian(Files.readAllBytes(reference), im) : null;
        holdToReference(what, transferSyntax, Files.readAllBytes(stream), im, photometric, expected,
                irreversible ? 1 : 0, irreversible || options.truncatedLayers() ? -1 : 0);
    }

    /**
     * Ours against the reference decoder's values ({@code expected}, null where it failed) within {@code tolerance};
     * where it failed, ours must refuse in one line or give the source back within {@code sourceBound} (-1: no
     * bound, refusal only).
     */
    private static void holdToReference(String what, String transferSyntax, byte[] frame, Image im, String photometric,
            int[] expected, int tolerance, int sourceBound) {
        FrameDecoder decoder = FrameDecoders.forTransferSyntax(transferSyntax)
                .orElseThrow(() -> new AssertionError(what + ": no decoder for " + transferSyntax));
        FrameFormat format = new FrameFormat(im.rows(), im.columns(), im.components(), im.allocated(), im.bits(),
                im.signed(), 0, photometric);
        int[] ours;
        try {
            Samples samples = decoder.decode(frame, format).samples();
            ours = new int[samples.length()];
            for (int i = 0; i < ours.length; i++) {
                ours[i] = stored(samples.rawBits(i), im.bits(), im.signed());
            }
        } catch (CodecException refused) {
            String message = String.valueOf(refused.getMessage());
            assertFalse(message.isBlank() || message.contains("\n"), what + ": refusal not one line: " + message);
            if (expected != null) {
                fail(what + ": refused what the reference decoder decodes: " + message);
            }
            return;
        }
        if (expected != null) {
            assertWithin(what + " against the reference decoder", ours, expected, tolerance);
        } else if (sourceBound >= 0) {
            assertWithin(what + " (the reference decoder failed) against the source", ours, im.values(), sourceBound);
        } else {
            fail(what + ": decoded what the reference decoder could not, and nothing says what is right");
        }
    }

    private static void assertWithin(String what, int[] ours, int[] expected, int tolerance) {
        assertEquals(expected.length, ours.length, what + ": sample count");
        for (int i = 0; i < ours.length; i++) {
            if (Math.abs(ours[i] - expected[i]) > tolerance) {
                fail(what + ": sample " + i + " is " + ours[i] + ", expected " + expected[i]
                        + (tolerance > 0 ? " within " + tolerance : ""));
            }
        }
    }

    /** Raw bits as the stored value: masked to Bits Stored, sign-extended where signed. */
    private static int stored(int raw, int bits, boolean signed) {
        int v = bits == 32 ? raw : raw & ((1 << bits) - 1);
        return signed && bits < 32 && v >= 1 << (bits - 1) ? v - (1 << bits) : v;
    }

    private static int[] fromPlanarLittleEndian(byte[] data, Image im) {
        int pixels = im.rows() * im.columns();
        int bytes = im.allocated() / 8;
        int[] values = new int[pixels * im.components()];
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < im.components(); c++) {
            for (int p = 0; p < pixels; p++) {
                int raw = bytes == 1 ? b.get() & 0xFF : b.getShort() & 0xFFFF;
                values[p * im.components() + c] = stored(raw, im.bits(), im.signed());
            }
        }
        return values;
    }

    // ---- the encoders' inputs

    private static byte[] pnm(Image im) {
        byte[] header = ((im.components() == 1 ? "P5" : "P6") + "\n" + im.columns() + " " + im.rows() + "\n"
                + ((1 << im.bits()) - 1) + "\n").getBytes(StandardCharsets.US_ASCII);
        int bytes = im.allocated() / 8;
        ByteBuffer b = ByteBuffer.allocate(header.length + im.values().length * bytes).order(ByteOrder.BIG_ENDIAN);
        b.put(header);
        for (int v : im.values()) {
            if (bytes == 1) {
                b.put((byte) v);
            } else {
                b.putShort((short) v);
            }
        }
        return b.array();
    }

    private static DicomBuilder dicom(Image im) {
        DicomBuilder d = DicomBuilder.image(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, im.rows(), im.columns(),
                        im.allocated(), im.signed())
                .us(Tag.BITS_STORED, im.bits())
                .us(Tag.HIGH_BIT, im.bits() - 1)
                .us(Tag.SAMPLES_PER_PIXEL, im.components());
        if (im.components() == 3) {
            d.str(Tag.PHOTOMETRIC_INTERPRETATION, "CS", "RGB").us(Tag.PLANAR_CONFIGURATION, 0);
        }
        int[] v = im.values();
        if (im.allocated() == 8) {
            byte[] b = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
                b[i] = (byte) v[i];
            }
            return d.pixels8(b);
        }
        short[] s = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = (short) v[i];
        }
        return d.pixels16(s);
    }

    // ---- the tools

    private record Run(int exitCode, String output) {
        String lastLine() {
            String[] lines = output.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " ran for over two minutes");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Skips where a tool is missing, saying which package brings it; fails instead with CI=true (.ci/run installs them). */
    private static void requireTools(String debianPackages, String... tools) {
        String[] path = System.getenv().getOrDefault("PATH", "").split(File.pathSeparator);
        for (String tool : tools) {
            if (Arrays.stream(path).noneMatch(dir -> Files.isExecutable(Path.of(dir, tool)))) {
                String reason = tool + " is not on the PATH (apt-get install " + debianPackages + ")";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    Assertions.fail(reason + "; CI=true, so this fails instead of skipping (.ci/run installs it)");
                }
                Assumptions.abort(reason);
            }
        }
    }
}
