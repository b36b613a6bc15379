package org.radmamba.viewer.demo;

import org.radmamba.viewer.dicom.DicomFileWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The embedded demo study: a synthetic CT series of a chest-abdomen phantom and three synthetic photographs
 * (dermoscopy-like, endoscopy-like and an ultrasound screenshot). No patient data; the patient is DEMO^PHANTOM.
 *
 * <p>The series weighs about 6 MB (48 × 256 × 256 × 2 bytes), too much to ship in the jar, and the generator
 * makes it in well under a second, so it is written at first use into a cache folder
 * ({@link #defaultCacheFolder()}), keyed by {@link #VERSION} so that a changed phantom replaces the old files.
 */
public final class DemoStudy {

    /** Bump when the generated content changes. */
    public static final String VERSION = "3";
    public static final String PATIENT_NAME = "DEMO^PHANTOM";
    public static final String PATIENT_ID = "DEMO-0001";
    public static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    public static final double AIR_HU = -1000;

    private static final Logger LOG = LoggerFactory.getLogger(DemoStudy.class);
    private static final String COMPLETE_MARKER = ".complete";

    /**
     * What to generate.
     *
     * @param size           rows = columns
     * @param slices         number of slices
     * @param pixelSpacingMm row and column spacing
     * @param sliceSpacingMm distance between slice positions, also the slice thickness
     * @param noiseHu        standard deviation of the added noise (0 for exact phantom values)
     * @param photographs    whether to write the photographs too
     */
    public record Spec(int size, int slices, double pixelSpacingMm, double sliceSpacingMm, double noiseHu,
                       boolean photographs) {
        public Spec {
            if (size < 16 || size > 4096 || slices < 1 || slices > 5000) {
                throw new IllegalArgumentException("demo series must be 16..4096 pixels and 1..5000 slices, got "
                        + size + " px, " + slices + " slices");
            }
        }

        /** The series the app opens at start. */
        public static Spec standard() {
            return new Spec(256, 48, 1.5, 5, 8, true);
        }
    }

    private DemoStudy() {
    }

    /** $XDG_CACHE_HOME/radmamba, or ~/.cache/radmamba; the demo's files live under demo-VERSION in it. */
    public static Path defaultCacheFolder() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("radmamba");
    }

    /**
     * The standard demo study under {@code cacheFolder}, generated when missing.
     *
     * @return the folder that holds the demo's files
     */
    public static Path ensureGenerated(Path cacheFolder) throws IOException {
        Path folder = cacheFolder.resolve("demo-" + VERSION);
        if (Files.exists(folder.resolve(COMPLETE_MARKER))) {
            return folder;
        }
        LOG.info("Generating the demo study in {}", folder);
        generate(folder, Spec.standard());
        Files.writeString(folder.resolve(COMPLETE_MARKER), VERSION);
        return folder;
    }

    /** Writes the series (CT/ct-NNN.dcm) and, when asked, the photographs (photographs/*.png) into {@code folder}. */
    public static List<Path> generate(Path folder, Spec spec) throws IOException {
        Path ct = Files.createDirectories(folder.resolve("CT"));
        String studyUid = uid("study");
        String seriesUid = uid("series-" + spec.size() + "-" + spec.slices());
        String frameOfReferenceUid = uid("frame-of-reference");
        SplittableRandom noise = new SplittableRandom(20261122L);
        short[] pixels = new short[spec.size() * spec.size()];
        double fieldOfView = spec.size() * spec.pixelSpacingMm();
        java.util.ArrayList<Path> written = new java.util.ArrayList<>();
        for (int slice = 0; slice < spec.slices(); slice++) {
            double z = spec.slices() == 1 ? 0.5 : (double) slice / (spec.slices() - 1);
            fillSlice(pixels, spec.size(), z, spec.noiseHu(), noise);
            String sopInstanceUid = uid(seriesUid + "-" + slice);
            DicomFileWriter.Dataset ds = new DicomFileWriter.Dataset()
                    .string(0x00080008, "CS", "ORIGINAL\\PRIMARY\\AXIAL")
                    .string(0x00080016, "UI", CT_IMAGE_STORAGE)
                    .string(0x00080018, "UI", sopInstanceUid)
                    .string(0x00080020, "DA", "20260101")
                    .string(0x00080030, "TM", "090000")
                    .string(0x00080060, "CS", "CT")
                    .string(0x00080070, "LO", "RadMamba synthetic phantom")
                    .string(0x00081030, "LO", "Demo phantom (synthetic, not a patient)")
                    .string(0x0008103E, "LO", "Chest-abdomen phantom " + DicomFileWriter.formatDecimal(
                            spec.sliceSpacingMm()) + " mm")
                    .sequence(0x00081032, List.of(new DicomFileWriter.Dataset()
                            .string(0x00080100, "SH", "DEMO-CT")
                            .string(0x00080102, "SH", "99RADMAMBA")
                            .string(0x00080104, "LO", "Synthetic chest-abdomen CT")))
                    .string(0x00100010, "PN", PATIENT_NAME)
                    .string(0x00100020, "LO", PATIENT_ID)
                    .string(0x00100030, "DA", "")
                    .string(0x00100040, "CS", "O")
                    .decimals(0x00180050, spec.sliceSpacingMm())
                    .string(0x00180060, "DS", "120")
                    .string(0x00185100, "CS", "HFS")
                    .string(0x0020000D, "UI", studyUid)
                    .string(0x0020000E, "UI", seriesUid)
                    .string(0x00200010, "SH", "1")
                    .integerString(0x00200011, 2)
                    .integerString(0x00200013, slice + 1)
                    .decimals(0x00200032, -fieldOfView / 2, -fieldOfView / 2, -slice * spec.sliceSpacingMm())
                    .decimals(0x00200037, 1, 0, 0, 0, 1, 0)
                    .string(0x00200052, "UI", frameOfReferenceUid)
                    .decimals(0x00201041, -slice * spec.sliceSpacingMm())
                    .unsignedShort(0x00280002, 1)
                    .string(0x00280004, "CS", "MONOCHROME2")
                    .unsignedShort(0x00280010, spec.size())
                    .unsignedShort(0x00280011, spec.size())
                    .decimals(0x00280030, spec.pixelSpacingMm(), spec.pixelSpacingMm())
                    .unsignedShort(0x00280100, 16)
                    .unsignedShort(0x00280101, 12)
                    .unsignedShort(0x00280102, 11)
                    .unsignedShort(0x00280103, 0)
                    .decimals(0x00281050, 40, -600)
                    .decimals(0x00281051, 400, 1500)
                    .decimals(0x00281052, -1024)
                    .decimals(0x00281053, 1)
                    .string(0x00281054, "LO", "HU")
                    .string(0x00281055, "LO", "ABDOMEN\\LUNG")
                    .otherWords(0x7FE00010, pixels);
            Path file = ct.resolve(String.format(Locale.ROOT, "ct-%03d.dcm", slice + 1));
            DicomFileWriter.write(file, CT_IMAGE_STORAGE, sopInstanceUid, ds);
            written.add(file);
        }
        if (spec.photographs()) {
            Path photos = Files.createDirectories(folder.resolve("photographs"));
            Path lesion = photos.resolve("dermoscopy-lesion.png");
            ImageIO.write(Photographs.dermoscopyLesion(480, 360), "png", lesion.toFile());
            written.add(lesion);
            Path endoscopy = photos.resolve("endoscopy-colon.png");
            ImageIO.write(Photographs.endoscopy(480, 400), "png", endoscopy.toFile());
            written.add(endoscopy);
            Path ultrasound = photos.resolve("ultrasound-screenshot.png");
            ImageIO.write(Photographs.ultrasoundScreenshot(640, 480), "png", ultrasound.toFile());
            written.add(ultrasound);
        }
        return written;
    }

    /**
     * Fills a slice with stored values: HU + 1024 (Rescale Intercept -1024), clamped to 12 bits, with
     * Gaussian noise of {@code noiseHu} in the body.
     */
    static void fillSlice(short[] out, int size, double z, double noiseHu, SplittableRandom random) {
        for (int row = 0; row < size; row++) {
            double v = (row + 0.5) / size * 2 - 1;
            for (int col = 0; col < size; col++) {
                double u = (col + 0.5) / size * 2 - 1;
                double hu = CtPhantom.hounsfield(u, v, z);
                if (noiseHu > 0 && hu > AIR_HU) {
                    hu += gaussian(random) * noiseHu;
                }
                out[row * size + col] = (short) Math.clamp(Math.round(hu + 1024), 0, 4095);
            }
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; SplittableRandom has no nextGaussian of its own before JDK 17's RandomGenerator default.
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A DICOM UID under 2.25 (PS3.5 B.2) from a name: the same name gives the same UID on every machine. */
    static String uid(String name) {
        UUID uuid = UUID.nameUUIDFromBytes(("radmamba-demo-" + name).getBytes(StandardCharsets.UTF_8));
        BigInteger value = new BigInteger(1, java.nio.ByteBuffer.allocate(16)
                .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array());
        return "2.25." + value;
    }

    /** For callers that want pixels without files (benchmarks): one slice of stored values. */
    public static short[] slice(int size, double z) {
        short[] out = new short[size * size];
        fillSlice(out, size, z, 0, new SplittableRandom(1));
        return out;
    }

}
