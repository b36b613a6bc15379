package org.radmamba.viewer.dicom;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Read-only view of a DICOM dataset's attributes. Tags are {@code (group << 16) | element}, see {@link Tag}.
 * Absent and empty attributes read as empty.
 */
public interface DicomDataset {

    boolean contains(int tag);

    /** All values of a string or numeric attribute as strings, trimmed; empty when absent. */
    List<String> strings(int tag);

    /** The first value, trimmed; empty when absent or empty. */
    default Optional<String> string(int tag) {
        List<String> values = strings(tag);
        return values.isEmpty() || values.get(0).isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    default String string(int tag, String whenAbsent) {
        return string(tag).orElse(whenAbsent);
    }

    /** All values as doubles (DS, FD, FL, IS, US, SS, UL, SL); empty when absent or not numeric. */
    double[] doubles(int tag);

    default OptionalDouble decimal(int tag) {
        double[] values = doubles(tag);
        return values.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(values[0]);
    }

    /**
     * All values as ints: US, SS, UL, SL, IS values, or OW/OB words read as unsigned 16-bit (US/SS as stored,
     * signed SS keeps its sign). Used for LUT data and descriptors.
     */
    int[] ints(int tag);

    default OptionalInt integer(int tag) {
        int[] values = ints(tag);
        return values.length == 0 ? OptionalInt.empty() : OptionalInt.of(values[0]);
    }

    default int integer(int tag, int whenAbsent) {
        return integer(tag).orElse(whenAbsent);
    }

    /**
     * What the reader tolerated or left out to read this dataset, one line each (e.g. "element (0018,1150) (US) has
     * 3 bytes, not a multiple of 2; its last byte was dropped"); empty for a well-formed file. Shown in the
     * attribute browser and logged.
     */
    default List<String> repairs() {
        return List.of();
    }

    /** The items of a sequence; empty when absent. */
    List<DicomDataset> sequence(int tag);

    /**
     * Every element of this dataset, in tag order: the file meta information's and private ones included, and
     * sequences as elements whose items {@link #sequence} reads. What the attribute browser lists.
     */
    List<Element> elements();

    /**
     * One element as read.
     *
     * @param tag         (group << 16) | element
     * @param vr          its value representation as in the file, or the dictionary's for implicit VR ("UN" if unknown)
     * @param name        the standard's name ("Patient's Name"); for private elements "Private Creator" or
     *                    "Private (creator)"; "Unknown" where the dictionary has no name
     * @param valueLength the value's length in bytes as read; -1 for a sequence
     */
    record Element(int tag, String vr, String name, long valueLength) {
    }
}
