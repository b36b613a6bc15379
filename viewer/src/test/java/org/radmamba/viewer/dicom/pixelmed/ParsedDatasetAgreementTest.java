package org.radmamba.viewer.dicom.pixelmed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.dicom.DicomDataset;
import org.radmamba.viewer.dicom.DicomFile;
import org.radmamba.viewer.dicom.DicomReadException;
import org.radmamba.viewer.dicom.DicomReader;
import org.radmamba.viewer.dicom.DicomReaders;
import org.radmamba.viewer.dicom.ReadLimits;
import org.radmamba.viewer.dicom.codec.DecodedFrame;
import org.radmamba.viewer.dicom.codec.Samples;
import org.radmamba.viewer.dicom.pixeldata.ParsedDataset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The standard reader's own header parser ({@link ParsedDataset}) agrees with PixelMed's parse on every committed
 * DICOM fixture and on mutants of them: the same verdict (both open, or both refuse with the same message), the
 * same elements with the same VRs, every element's values as strings, doubles and ints, recursively through
 * sequences, and the same pixel values of every frame. Files our parser refuses go to PixelMed in the standard
 * reader too; the test counts them, so that it cannot pass by the parser refusing everything.
 */
class ParsedDatasetAgreementTest {

    private static final ReadLimits LIMITS = new ReadLimits(64L << 20, 256L << 20);
    private static final Path RESOURCES = Path.of("src/test/resources");
    private static final java.util.Set<String> NUMERIC_VRS =
            java.util.Set.of("DS", "IS", "US", "SS", "UL", "SL", "FL", "FD", "SV", "UV");
    private static final java.util.Set<String> WORD_VRS = java.util.Set.of("OW", "OB", "UN");

    private final DicomReader pixelMed = new PixelMedDicomReader(LIMITS);
    private final DicomReader standard = DicomReaders.standard(LIMITS);

    @TempDir
    Path dir;

    static List<Path> fixtures() throws IOException {
        try (Stream<Path> files = Files.walk(RESOURCES)) {
            return files.filter(Files::isRegularFile).filter(ParsedDatasetAgreementTest::isDicom).sorted().toList();
        }
    }

    private static boolean isDicom(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".dcm") || name.equals("DICOMDIR")) {
            return true;
        }
        return file.toString().contains("DicomReaderFuzzTestInputs");
    }

    @Test
    void agrees_with_pixelmed_on_every_committed_fixture() throws Exception {
        List<Path> files = fixtures();
        assertTrue(files.size() > 150, "fixtures found: " + files.size());
        List<String> differences = new ArrayList<>();
        int ownParses = 0;
        for (Path file : files) {
            ownParses += compare(file, file.toString(), differences) ? 1 : 0;
        }
        report(differences);
        System.out.println("our parser read " + ownParses + " of " + files.size() + " fixtures");
        // The few it leaves to PixelMed: big endian datasets and character sets with code extensions.
        assertTrue(ownParses >= files.size() * 8 / 10, "our parser read " + ownParses + " of " + files.size());
    }

    @Test
    void agrees_with_pixelmed_on_mutants_of_the_fixtures() throws Exception {
        List<Path> files = fixtures().stream().filter(f -> {
            try {
                return Files.size(f) < 64 * 1024;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
        SplittableRandom random = new SplittableRandom(Long.getLong("radmamba.mutants.seed", 20261206L));
        List<String> differences = new ArrayList<>();
        Findings findings = new Findings(differences, new ArrayList<>(), true);
        int ownParses = 0;
        int mutants = Integer.getInteger("radmamba.agreement.mutants", 1500);
        for (int i = 0; i < mutants; i++) {
            Path seed = files.get(random.nextInt(files.size()));
            Path mutant = dir.resolve("mutant-" + i + ".dcm");
            Files.write(mutant, mutate(Files.readAllBytes(seed), random));
            int before = differences.size();
            ownParses += compare(mutant, mutant.getFileName() + " of " + seed.getFileName(), findings) ? 1 : 0;
            if (differences.size() > before) {
                // Kept for a look with dcmdump: target/agreement-differences/
                Path kept = Files.createDirectories(Path.of("target/agreement-differences"));
                Files.copy(mutant, kept.resolve(mutant.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.delete(mutant);
        }
        report(differences);
        System.out.println("our parser read " + ownParses + " of " + mutants + " mutants; documented differences:\n"
                + String.join("\n", findings.documented()));
        assertTrue(findings.documented().size() <= mutants / 200, "documented differences on more than 1 in 200 mutants");
        assertTrue(ownParses >= mutants / 5, "our parser read " + ownParses + " of " + mutants + " mutants");
    }

    private static void report(List<String> differences) {
        assertTrue(differences.isEmpty(), differences.size() + " differences:\n"
                + String.join("\n", differences.subList(0, Math.min(40, differences.size()))));
    }

    /**
     * What one comparison found: differences, and (on mutants only) the documented ones: the two parsers read
     * different element sets from a damaged file (PixelMed lost elements after a lying length or non-zero reserved
     * bytes that DCMTK's dcmdump ignores too, or read an element out of garbage), every element both read agreeing.
     */
    private record Findings(List<String> differences, List<String> documented, boolean tolerateElementSets) {
    }

    private boolean compare(Path file, String name, List<String> differences) {
        return compare(file, name, new Findings(differences, new ArrayList<>(), false));
    }

    /** Compares the two readers on one file; true when the standard reader used its own parser. */
    private boolean compare(Path file, String name, Findings findings) {
        List<String> differences = findings.differences();
        Object ourHeader = headerOrReason(standard, file);
        Object theirHeader = headerOrReason(pixelMed, file);
        int documentedBefore = findings.documented().size();
        if (ourHeader instanceof DicomDataset a && theirHeader instanceof DicomDataset b) {
            compareDatasets(a, b, name, findings, 0);
        }
        boolean elementSetsDiffer = findings.documented().size() > documentedBefore;
        Object ours = openOrReason(standard, file);
        Object theirs = openOrReason(pixelMed, file);
        boolean ownParse = ours instanceof DicomFile f ? f.dataset() instanceof ParsedDataset
                : ourHeader instanceof ParsedDataset;
        if (ours instanceof String reason && theirs instanceof String pixelMedReason
                && reason.contains("Number of Frames") && reason.endsWith("which is not a number")
                && pixelMedReason.contains("Number of Frames 0")) {
            // The documented difference of notANumber, as a verdict: both refuse, ours with the right reason.
            return ownParse;
        }
        if (ours instanceof String || theirs instanceof String) {
            if (!String.valueOf(ours instanceof String ? ours : "opened").equals(
                    String.valueOf(theirs instanceof String ? theirs : "opened"))) {
                String difference = name + ": ours " + describe(ours) + ", PixelMed " + describe(theirs);
                (elementSetsDiffer ? findings.documented() : differences).add(difference);
            }
            return ownParse;
        }
        DicomFile own = (DicomFile) ours;
        DicomFile reference = (DicomFile) theirs;
        if (own.frameCount() != reference.frameCount() || !own.frameFormat().equals(reference.frameFormat())) {
            String difference = name + ": frames " + own.frameCount() + " " + own.frameFormat() + " against "
                    + reference.frameCount() + " " + reference.frameFormat();
            (elementSetsDiffer ? findings.documented() : differences).add(difference);
            return ownParse;
        }
        for (int f = 0; f < own.frameCount(); f++) {
            String a = frameOrReason(own, f);
            String b = frameOrReason(reference, f);
            if (!a.equals(b)) {
                differences.add(name + ": frame " + f + " " + abbreviate(a) + " against " + abbreviate(b));
            }
        }
        return ownParse;
    }

    private static Object headerOrReason(DicomReader reader, Path file) {
        try {
            return reader.readHeader(file).dataset();
        } catch (DicomReadException e) {
            return e.getMessage();
        }
    }

    private static String describe(Object outcome) {
        return outcome instanceof String s ? "refuses: " + s : "opens it";
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }

    private static Object openOrReason(DicomReader reader, Path file) {
        try {
            return reader.open(file);
        } catch (DicomReadException e) {
            return e.getMessage();
        }
    }

    private static String frameOrReason(DicomFile file, int index) {
        try {
            DecodedFrame frame = file.frame(index);
            Samples samples = frame.samples();
            long hash = 17;
            for (int i = 0; i < samples.length(); i++) {
                hash = hash * 31 + (samples instanceof Samples.Doubles
                        ? Double.doubleToRawLongBits(samples.value(i)) : samples.rawBits(i));
            }
            return frame.photometricInterpretation() + " " + samples.length() + " samples, hash " + hash;
        } catch (DicomReadException e) {
            return e.getMessage();
        }
    }

    private static void compareDatasets(DicomDataset ours, DicomDataset theirs, String where, Findings findings,
                                        int depth) {
        List<String> differences = findings.differences();
        List<DicomDataset.Element> a = ours.elements();
        List<DicomDataset.Element> b = theirs.elements();
        if (depth == 0 && b.stream().noneMatch(e -> e.tag() >>> 16 == 2)) {
            // PixelMed reads a deflated dataset from the inflated stream, without its file meta information; ours
            // keeps the file meta (the better answer: the attribute browser shows it for every other file).
            a = a.stream().filter(e -> e.tag() >>> 16 != 2).toList();
        }
        List<String> aTags = a.stream().map(e -> tag(e.tag()) + " " + e.vr()).toList();
        List<String> bTags = b.stream().map(e -> tag(e.tag()) + " " + e.vr()).toList();
        if (!aTags.equals(bTags)) {
            List<String> onlyOurs = new ArrayList<>(aTags);
            onlyOurs.removeAll(bTags);
            List<String> onlyTheirs = new ArrayList<>(bTags);
            onlyTheirs.removeAll(aTags);
            String difference = where + ": elements only ours " + onlyOurs + ", only PixelMed's " + onlyTheirs;
            if (!findings.tolerateElementSets()) {
                differences.add(difference);
                return;
            }
            findings.documented().add(difference);
            List<DicomDataset.Element> common = new ArrayList<>(b);
            common.removeIf(e -> !aTags.contains(tag(e.tag()) + " " + e.vr()));
            b = common;
        }
        List<DicomDataset.Element> ourElements = a;
        for (DicomDataset.Element element : b) {
            int t = element.tag();
            String at = where + " " + tag(t);
            String ourName = ourElements.stream().filter(e -> e.tag() == t).findFirst().map(DicomDataset.Element::name).orElse("");
            if (!ourName.equals(element.name())) {
                differences.add(at + ": name " + ourName + " against " + element.name());
            }
            if (!ours.strings(t).equals(theirs.strings(t))) {
                differences.add(at + ": strings " + ours.strings(t) + " against " + theirs.strings(t));
            }
            // Numbers of numeric VRs only: PixelMed reads text that is no number (a UID, a name) as 0, we as nothing.
            boolean numeric = NUMERIC_VRS.contains(element.vr());
            if (numeric && !Arrays.equals(ours.doubles(t), theirs.doubles(t)) && !notANumber(ours, theirs, t)) {
                differences.add(at + ": doubles " + Arrays.toString(ours.doubles(t)) + " against "
                        + Arrays.toString(theirs.doubles(t)));
            }
            // Ints of DS: PixelMed reads a value that is no integer ("2.3") as 0, we truncate it (2); the viewer
            // reads no DS as an integer.
            boolean integral = numeric && !element.vr().equals("DS") || WORD_VRS.contains(element.vr());
            if (integral && !Arrays.equals(ours.ints(t), theirs.ints(t)) && !notANumber(ours, theirs, t)) {
                differences.add(at + ": ints " + abbreviate(Arrays.toString(ours.ints(t))) + " against "
                        + abbreviate(Arrays.toString(theirs.ints(t))));
            }
            List<DicomDataset> ourItems = ours.sequence(t);
            List<DicomDataset> theirItems = theirs.sequence(t);
            if (ourItems.size() != theirItems.size()) {
                differences.add(at + ": " + ourItems.size() + " items against " + theirItems.size());
            } else if (depth < 64) {
                for (int i = 0; i < ourItems.size(); i++) {
                    compareDatasets(ourItems.get(i), theirItems.get(i), at + " item " + (i + 1), findings, depth + 1);
                }
            }
        }
    }

    /**
     * The one documented difference: a DS or IS value that is no number ("1x", "") reads as no numbers in ours, as
     * {@link DicomDataset#doubles} says, and as 0 in PixelMed's.
     */
    private static boolean notANumber(DicomDataset ours, DicomDataset theirs, int tag) {
        boolean unparsable = ours.strings(tag).stream().anyMatch(v -> {
            try {
                Double.parseDouble(v);
                return false;
            } catch (NumberFormatException e) {
                return true;
            }
        });
        return unparsable && ours.doubles(tag).length == 0 && Arrays.stream(theirs.doubles(tag)).anyMatch(d -> d == 0);
    }

    private static String tag(int tag) {
        return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }

    /** As {@code MutantFolderSmallHeapTest}: a truncation, a lying length, a flipped or inserted byte, 1-3 times. */
    static byte[] mutate(byte[] seed, SplittableRandom random) {
        byte[] data = seed.clone();
        int[] lying = {0xFFFFFFFF, 0x7FFFFFF0, 0x10000000, 0x00FFFFFF, 0, 1, 2, 3, 4, 5, 7, 8, 16};
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && data.length > 140; m++) {
            int at = 132 + random.nextInt(data.length - 132);
            switch (random.nextInt(5)) {
                case 0 -> data = Arrays.copyOf(data, at);
                case 1 -> {
                    int even = at & ~1;
                    if (even + 4 <= data.length) {
                        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putInt(even, lying[random.nextInt(lying.length)]);
                    }
                }
                case 2 -> {
                    int even = at & ~1;
                    if (even + 2 <= data.length) {
                        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putShort(even, (short) random.nextInt(0x10000));
                    }
                }
                case 3 -> data[at] ^= (byte) (1 << random.nextInt(8));
                default -> {
                    int length = Math.min(data.length - at, 1 + random.nextInt(32));
                    byte[] out = new byte[data.length + length];
                    System.arraycopy(data, 0, out, 0, at + length);
                    System.arraycopy(data, at, out, at + length, data.length - at);
                    data = out;
                }
            }
        }
        return data;
    }
}
