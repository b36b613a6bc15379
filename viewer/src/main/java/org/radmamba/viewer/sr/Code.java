package org.radmamba.viewer.sr;

/**
 * A coded concept (PS3.3 8.8): value, coding scheme designator and meaning, e.g. (126000, DCM, "Imaging
 * Measurement Report"). Two codes are the same concept when value and scheme agree; the meaning is for people.
 */
public record Code(String value, String scheme, String meaning) {

    public Code {
        value = value == null ? "" : value;
        scheme = scheme == null ? "" : scheme;
        meaning = meaning == null ? "" : meaning;
    }

    /** Same value and scheme, whatever the meaning says. */
    public boolean means(Code other) {
        return other != null && value.equals(other.value) && scheme.equals(other.scheme);
    }

    @Override
    public String toString() {
        return "(" + value + ", " + scheme + ", \"" + meaning + "\")";
    }
}
