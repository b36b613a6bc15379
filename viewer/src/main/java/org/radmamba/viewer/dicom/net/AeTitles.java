package org.radmamba.viewer.dicom.net;

/** Checks AE titles: 1 to 16 characters of the default repertoire, no backslash, not only spaces (PS3.5 AE). */
public final class AeTitles {

    private AeTitles() {
    }

    public static String check(String aet, String what) {
        if (aet == null || aet.isBlank() || aet.length() > 16 || !aet.chars().allMatch(c -> c >= 0x20 && c < 0x7f
                && c != '\\')) {
            throw new IllegalArgumentException(what + " '" + aet + "' is not 1 to 16 printable ASCII characters");
        }
        return aet;
    }
}
