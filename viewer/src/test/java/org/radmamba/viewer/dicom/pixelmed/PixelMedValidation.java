package org.radmamba.viewer.dicom.pixelmed;

import com.pixelmed.dicom.AttributeList;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the tests that run PixelMed's validators on files RadMamba writes share: the JDK settings the validators
 * need, reading a file as PixelMed sees it, and leaving out the one class of report that is wrong for UTF-8 files.
 * PixelMed's validator (20220618) checks the characters of text values against ASCII whatever the Specific
 * Character Set says (CommonDicomIODValidationRules.xsl, CheckAttributeVR), so it reports every non-ASCII letter of
 * a UTF-8 file as illegal.
 */
final class PixelMedValidation {

    private static final Pattern ILLEGAL_CHARACTERS = Pattern.compile(
            ".*: Illegal character\\(s\\) '([^']*)' in value of (SH|LO|PN|ST|LT|UT|UC) VR - value is :.*:$");

    private PixelMedValidation() {
    }

    /** PixelMed's compiled IOD rules are one XSLT larger than the JDK's default XPath limits (JAXP0801003). */
    static void liftXPathLimits() {
        System.setProperty("jdk.xml.xpathExprOpLimit", "0");
        System.setProperty("jdk.xml.xpathExprGrpLimit", "0");
        System.setProperty("jdk.xml.xpathTotalOpLimit", "0");
    }

    static AttributeList read(Path file) throws Exception {
        AttributeList list = new AttributeList();
        list.read(file.toString());
        return list;
    }

    /**
     * {@code findings} without the reports of illegal characters in a text VR where every flagged character is
     * non-ASCII (a letter that is legal in UTF-8); any other report, ASCII control characters included, stays.
     */
    static List<String> withoutUtf8TextReports(List<String> findings) {
        return findings.stream().filter(line -> {
            Matcher m = ILLEGAL_CHARACTERS.matcher(line);
            return !(m.matches() && m.group(1).chars().allMatch(c -> c > 0x7F));
        }).toList();
    }
}
