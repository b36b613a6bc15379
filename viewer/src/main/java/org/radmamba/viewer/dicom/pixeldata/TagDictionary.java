package org.radmamba.viewer.dicom.pixeldata;

/**
 * The data dictionary, for what a file does not say itself: the value representation of an element in implicit VR
 * and the standard's name of a tag. Asked only for tags outside {@link KnownVrs} (the ones the viewer reads) and by
 * the attribute browser, so that the dictionary (PixelMed's, thousands of entries) is loaded only when needed.
 */
public interface TagDictionary {

    /** The value representation of a standard tag ("US", "SQ"...), or null when the dictionary has none. */
    String vr(int tag);

    /** The standard's name of a tag ("Patient's Name"), or null when the dictionary has none. */
    String name(int tag);
}
