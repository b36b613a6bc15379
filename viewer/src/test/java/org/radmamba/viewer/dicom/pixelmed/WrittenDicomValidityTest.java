package org.radmamba.viewer.dicom.pixelmed;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.validate.DicomInstanceValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.radmamba.viewer.demo.DemoStudy;
import org.radmamba.viewer.dicom.DicomFileWriter;
import org.radmamba.viewer.dicom.Tag;
import org.radmamba.viewer.seg.SegmentationWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.radmamba.viewer.dicom.pixelmed.PixelMedValidation.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every DICOM file RadMamba writes (the demo study, DICOM Segmentations) declares Specific Character Set ISO_IR 192
 * and holds its strings in UTF-8, so that names such as "Müller^Jürgen" and "山田^太郎" survive, whatever the
 * character set of the images a Segmentation was made from; and PixelMed's own IOD validator finds no error in
 * them. In this package because only org.radmamba.viewer.dicom.pixelmed may use PixelMed.
 * <p>
 * PixelMed's validator (20220618) checks the characters of SH, LO and PN values against ASCII whatever the Specific
 * Character Set says (CommonDicomIODValidationRules.xsl, CheckAttributeVR), so it reports every non-ASCII letter of
 * a UTF-8 file as illegal. {@link #errorsBeyondUtf8Text} leaves out exactly those reports (text VRs, only
 * non-ASCII characters flagged, in a file that declares ISO_IR 192); every other error fails the test, and a
 * Segmentation of ASCII names must pass with nothing left out.
 */
class WrittenDicomValidityTest {

    @TempDir
    static Path temp;

    private static List<Path> demo;
    private static DicomInstanceValidator validator;

    @BeforeAll
    static void generate() throws Exception {
        demo = DemoStudy.generate(temp.resolve("demo"), new DemoStudy.Spec(64, 3, 1.5, 5, 0, false));
        PixelMedValidation.liftXPathLimits();
        validator = new DicomInstanceValidator();
    }

    /** The validator's error lines; its warnings (e.g. about optional attributes) are not failures. */
    private static List<String> errors(Path file) throws Exception {
        String report = validator.validate(read(file));
        return report.lines().filter(l -> l.startsWith("Error")).toList();
    }

    /** {@link #errors} without the validator's reports of non-ASCII letters in the text of a UTF-8 file. */
    private static List<String> errorsBeyondUtf8Text(Path file) throws Exception {
        assertEquals("ISO_IR 192", Attribute.getSingleStringValueOrEmptyString(read(file), TagFromName.SpecificCharacterSet));
        return PixelMedValidation.withoutUtf8TextReports(errors(file));
    }

    /** A copy of a demo slice with {@code name} as Patient's Name, written by PixelMed in {@code charset}. */
    private static Path sourceNamed(String name, String charset, Path folder) throws Exception {
        Files.createDirectories(folder);
        AttributeList list = read(demo.getFirst());
        Attribute charsetAttribute = new com.pixelmed.dicom.CodeStringAttribute(TagFromName.SpecificCharacterSet);
        charsetAttribute.addValue(charset);
        list.put(charsetAttribute);
        // A PN attribute encodes with the character set it was created with.
        list.put(new com.pixelmed.dicom.PersonNameAttribute(TagFromName.PatientName,
                new com.pixelmed.dicom.SpecificCharacterSet(new String[] {charset})));
        list.get(TagFromName.PatientName).addValue(name);
        Path file = folder.resolve("source.dcm");
        list.write(file.toString(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        return file;
    }

    private static Path segmentationOf(Path source, Path target) throws IOException {
        byte[] mask = new byte[64 * 64];
        Arrays.fill(mask, 64 * 20, 64 * 30, (byte) 1);
        return new SegmentationWriter(new PixelMedDicomReader()).write(new SegmentationWriter.Request(
                List.of(new SegmentationWriter.SourceMask(source, 1, mask)), List.of("Läsion 病変"),
                "Modèle démo 1.0", "RadMamba: Segmentierung (Demo)"), target).file();
    }

    @Test
    void the_demo_study_declares_utf8_and_passes_pixelmeds_validator() throws Exception {
        for (Path slice : demo) {
            AttributeList list = read(slice);
            assertEquals("ISO_IR 192", Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SpecificCharacterSet));
            assertEquals(List.of(), errors(slice), slice.toString());
        }
    }

    @Test
    void a_segmentation_of_ascii_names_passes_the_validator_with_nothing_left_out() throws Exception {
        byte[] mask = new byte[64 * 64];
        Arrays.fill(mask, 64 * 20, 64 * 30, (byte) 1);
        Path seg = new SegmentationWriter(new PixelMedDicomReader()).write(new SegmentationWriter.Request(
                List.of(new SegmentationWriter.SourceMask(demo.getFirst(), 1, mask),
                        new SegmentationWriter.SourceMask(demo.get(1), 1, new byte[64 * 64])),
                List.of("lesion", "ruler"), "VM-UNet demo 1.0", "RadMamba: demo segmenter"), temp.resolve("ascii-seg.dcm"))
                .file();

        assertEquals(List.of(), errors(seg), seg.toString());
        assertEquals("ISO_IR 192", Attribute.getSingleStringValueOrEmptyString(read(seg), TagFromName.SpecificCharacterSet));
    }

    @Test
    void a_segmentation_of_a_utf8_source_keeps_a_german_name_and_passes_the_validator() throws Exception {
        Path source = sourceNamed("Müller^Jürgen", "ISO_IR 192", temp.resolve("de"));
        Path seg = segmentationOf(source, temp.resolve("de-seg.dcm"));

        AttributeList list = read(seg);
        assertEquals("ISO_IR 192", Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SpecificCharacterSet));
        assertEquals("Müller^Jürgen", Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientName));
        assertEquals("Müller^Jürgen", new PixelMedDicomReader().readHeader(seg).dataset().string(Tag.PATIENT_NAME, ""));
        assertEquals(List.of(), errorsBeyondUtf8Text(seg), seg.toString());
    }

    @Test
    void a_segmentation_of_a_latin1_source_transcodes_the_name_to_utf8() throws Exception {
        Path source = sourceNamed("Müller^Jürgen", "ISO_IR 100", temp.resolve("latin1"));
        byte[] sourceBytes = Files.readAllBytes(source);
        assertTrue(indexOf(sourceBytes, "M\u00fcller".getBytes(StandardCharsets.ISO_8859_1)) >= 0, "the source is Latin-1");

        Path seg = segmentationOf(source, temp.resolve("latin1-seg.dcm"));

        byte[] segBytes = Files.readAllBytes(seg);
        assertTrue(indexOf(segBytes, "Müller^Jürgen".getBytes(StandardCharsets.UTF_8)) >= 0, "UTF-8 bytes in the SEG");
        assertEquals("Müller^Jürgen", Attribute.getSingleStringValueOrEmptyString(read(seg), TagFromName.PatientName));
        assertEquals(List.of(), errorsBeyondUtf8Text(seg), seg.toString());
    }

    @Test
    void a_segmentation_keeps_a_japanese_name_and_non_ascii_segment_labels() throws Exception {
        Path source = sourceNamed("山田^太郎", "ISO_IR 192", temp.resolve("ja"));
        Path seg = segmentationOf(source, temp.resolve("ja-seg.dcm"));

        AttributeList list = read(seg);
        assertEquals("山田^太郎", Attribute.getSingleStringValueOrEmptyString(list, TagFromName.PatientName));
        assertEquals("RadMamba: Segmentierung (Demo)",
                Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SeriesDescription));
        String labels = new org.radmamba.viewer.seg.SegmentationReader(new PixelMedDicomReader()).read(seg).labelNames()
                .stream().collect(Collectors.joining(","));
        assertEquals("Läsion 病変", labels);
        assertEquals(List.of(), errorsBeyondUtf8Text(seg), seg.toString());
    }

    @Test
    void a_value_that_its_vr_cannot_hold_is_refused_not_written_as_question_marks() {
        DicomFileWriter.Dataset dataset = new DicomFileWriter.Dataset();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> dataset.string(0x00080060, "CS", "CTä"));
        assertEquals("(0008,0060) CS holds ASCII only, not \"CTä\"", e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
